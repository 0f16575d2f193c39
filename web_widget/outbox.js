/**
 * The outbox: messages Rasa has not answered yet, sent one at a time and in order, so Rasa sees them as they were
 * given. A message that cannot be sent (offline, or a proxy's 502/503/504: no Rasa server answered) or is
 * refused as one too many (429, "busy") stays and is sent again, with its id, when the browser is back online or
 * after 5 s; the entries are saved by the caller (onChange), so they also survive a reload.
 */

import { TransportError } from "./transport.js";

export const RETRY_MS = 5000;

/**
 * @typedef {{id: string, sender: string, message: string, silent: boolean, remarks?: string[]}} OutboxEntry
 * silent: not shown and its answer not shown (/restart, /stop)
 */

export class Outbox {
  /**
   * @param {{send(entry: OutboxEntry): Promise<unknown[]>,
   *          onDelivered(entry: OutboxEntry, replies: unknown[]): Promise<void> | void,
   *          onWaiting(waiting: boolean): void, onNotice(key: string | null): void,
   *          onLost(entry: OutboxEntry): void, onChange(): void}} callbacks
   *   onDelivered: Rasa answered; onWaiting: an answer is being waited for; onNotice: "offline", "busy" or none;
   *   onLost: Rasa failed on a message that was shown (it is dropped); onChange: the entries changed (save them)
   */
  constructor(callbacks, { retryMs = RETRY_MS } = {}) {
    this.on = callbacks;
    this.retryMs = retryMs;
    /** @type {OutboxEntry[]} */
    this.entries = [];
    this.flushing = false;
    this.retryTimer = null;
    this.early = null;
    this.epoch = 0; // bumped by cancel(): answers to messages sent before it are dropped
    window.addEventListener("online", () => this.flush());
  }

  /**
   * The greeting widget.js sent before this module had arrived: its answer is taken instead of sending it again.
   * @param {{entry: OutboxEntry, promise: Promise<unknown[]>} | null} early
   */
  adopt(early) {
    this.early = early;
  }

  push(entry) {
    this.entries.push(entry);
    this.on.onChange();
    this.flush();
  }

  /** Stops sending and waiting; of the queued messages only those `keep` accepts stay. */
  cancel(keep) {
    this.epoch += 1;
    this.flushing = false;
    clearTimeout(this.retryTimer);
    this.entries = this.entries.filter(keep);
  }

  /** Sends queued messages one at a time, in order. */
  async flush() {
    if (this.flushing || this.entries.length === 0) return;
    const epoch = this.epoch;
    this.flushing = true;
    clearTimeout(this.retryTimer);
    this.on.onWaiting(true);
    try {
      while (this.entries.length > 0) {
        const entry = this.entries[0];
        let replies;
        const early = this.early?.entry.id === entry.id ? this.early : null;
        this.early = null;
        try {
          replies = await (early ? early.promise : this.on.send(entry));
        } catch (error) {
          if (epoch !== this.epoch) return;
          this.handleFailure(error, entry);
          return;
        }
        if (epoch !== this.epoch) return;
        this.entries.shift();
        this.on.onNotice(null);
        await this.on.onDelivered(entry, replies);
        if (epoch !== this.epoch) return;
        this.on.onChange();
      }
    } finally {
      if (epoch === this.epoch) {
        this.flushing = false;
        this.on.onWaiting(false);
      }
    }
  }

  handleFailure(error, entry) {
    if (error instanceof TransportError && (error.kind === "offline" || error.kind === "busy")) {
      // Keep the message; send it when the browser says it is online again, or on the next retry.
      this.on.onNotice(error.kind === "busy" ? "widget_busy" : "widget_offline");
      this.retryTimer = setTimeout(() => this.flush(), this.retryMs);
      return;
    }
    // Rasa answered but failed: drop this message and let the person try again.
    this.entries.shift();
    this.on.onChange();
    if (entry.silent) {
      this.flushing = false;
      this.flush();
      return;
    }
    this.on.onLost(entry);
  }
}
