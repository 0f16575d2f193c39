/**
 * Entry point of the Onthaal chat widget.
 *
 * Load it as `<script type="module" src="/widget/widget.js" data-server="https://rasa.example" data-lang="">`.
 * data-server: Rasa's base URL (empty: same origin). data-lang: optional language code to start in.
 * The widget fills the element `#onthaal` (or data-container="<selector>"), or appends one to <body>.
 * An element with `data-fullpage` makes the widget own the document's lang, dir and title (index.html).
 */

import { parseReplies } from "./parse.js";
import { setEnabled, View } from "./render.js";
import { DEFAULT_LANGUAGE, Strings } from "./strings.js";
import { RestTransport, TransportError } from "./transport.js";

const SENDER_KEY = "onthaal.sender";
const RETRY_MS = 5000;

function ownScript() {
  const here = new URL(import.meta.url);
  here.search = "";
  here.hash = "";
  for (const script of document.querySelectorAll("script[src]")) {
    const src = new URL(script.src, document.baseURI);
    src.search = "";
    src.hash = "";
    if (src.href === here.href) return script;
  }
  return null;
}

function newSenderId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Older phones on plain http have no randomUUID; getRandomValues is enough for an opaque id.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const storage = {
  get(key) {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null; // storage blocked (private mode, embedded iframe): the id lives for this page only
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      /* see get() */
    }
  },
};

export class ChatWidget {
  /**
   * @param {{root: HTMLElement, transport: {send(sender: string, message: string): Promise<unknown[]>},
   *          strings: Strings, startLanguage?: string, fullPage?: boolean}} options
   */
  constructor({ root, transport, strings, startLanguage = "", fullPage = false }) {
    this.transport = transport;
    this.strings = strings;
    this.startLanguage = /^[a-z]{2,3}$/.test(startLanguage) ? startLanguage : "";
    this.view = new View(root, { fullPage });
    this.generation = 0; // bumped by "start again"; answers to an older conversation are dropped
    this.outbox = [];
    this.flushing = false;
    this.retryTimer = null;
    this.language = null; // set by the language marker
    this.latestChoices = [];
    this.lastAction = "start";

    this.view.restartButton.addEventListener("click", () => this.restart({ newSender: true }));
    this.view.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitText();
    });
    window.addEventListener("online", () => this.flush());
  }

  get startMessage() {
    return this.startLanguage ? `/choose_language{"language":"${this.startLanguage}"}` : "/greet";
  }

  async start() {
    this.sender = storage.get(SENDER_KEY) || this.rememberNewSender();
    await this.restart({ newSender: false });
  }

  rememberNewSender() {
    const sender = newSenderId();
    storage.set(SENDER_KEY, sender);
    return sender;
  }

  async restart({ newSender }) {
    this.generation += 1;
    this.outbox = [];
    this.flushing = false;
    clearTimeout(this.retryTimer);
    if (newSender) this.sender = this.rememberNewSender();
    this.language = null;
    this.latestChoices = [];
    this.lastAction = "start";
    this.view.clear();
    const pack = await this.strings.use(this.startLanguage || DEFAULT_LANGUAGE);
    this.view.applyChrome(this.strings, { lang: pack.code, dir: pack.direction });
    this.enqueue(this.startMessage);
  }

  submitText() {
    const text = this.view.input.value.trim();
    if (!text) {
      this.view.input.focus();
      return;
    }
    this.view.input.value = "";
    this.lastAction = "text";
    this.answer(text, text, { lang: this.language?.code ?? null, dir: "auto" });
  }

  choose(button) {
    this.lastAction = "button";
    this.answer(button.payload, button.title, { lang: button.lang, dir: "auto" });
  }

  answer(message, shown, language) {
    // Answering closes the current question; its buttons come back only if the answer cannot be delivered.
    setEnabled(this.latestChoices, false);
    this.view.addPersonMessage(shown, language);
    this.enqueue(message);
  }

  enqueue(message) {
    this.outbox.push(message);
    this.flush();
  }

  /** Sends queued messages one at a time, in order, so Rasa sees them as they were given. */
  async flush() {
    if (this.flushing || this.outbox.length === 0) return;
    const generation = this.generation;
    this.flushing = true;
    clearTimeout(this.retryTimer);
    this.view.showTyping(true);
    try {
      while (this.outbox.length > 0) {
        let replies;
        try {
          replies = await this.transport.send(this.sender, this.outbox[0]);
        } catch (error) {
          if (generation !== this.generation) return;
          this.handleFailure(error);
          return;
        }
        if (generation !== this.generation) return;
        this.outbox.shift();
        this.view.showNotice(null);
        await this.show(replies, generation);
        if (generation !== this.generation) return;
      }
    } finally {
      if (generation === this.generation) {
        this.flushing = false;
        this.view.showTyping(false);
      }
    }
  }

  handleFailure(error) {
    if (error instanceof TransportError && error.kind === "offline") {
      // Keep the message; send it when the browser says it is online again, or on the next retry.
      this.view.showNotice("widget_offline");
      this.retryTimer = setTimeout(() => this.flush(), RETRY_MS);
      return;
    }
    // Rasa answered but failed: drop this message and let the person try again.
    this.outbox.shift();
    this.view.showNotice("widget_error");
    setEnabled(this.latestChoices, true);
  }

  async show(replies, generation) {
    const { items } = parseReplies(replies, this.language);
    const batchChoices = [];
    const shown = [];
    for (const item of items) {
      if (item.type === "language") {
        await this.switchLanguage(item.language);
        if (generation !== this.generation) return;
        continue;
      }
      const { node, buttons } = this.view.addAssistantMessage(item, (button) => this.choose(button));
      batchChoices.push(...buttons);
      shown.push(node);
    }
    if (shown.length === 0) {
      // Nothing to show (e.g. Rasa only listened): the previous question is still the open one.
      setEnabled(this.latestChoices, true);
      return;
    }
    this.view.reveal(shown[0]);
    this.latestChoices = batchChoices;
    this.moveFocus(batchChoices);
  }

  async switchLanguage(language) {
    this.language = language;
    await this.strings.use(language.code);
    this.view.applyChrome(this.strings, { lang: language.code, dir: language.direction });
  }

  moveFocus(choices) {
    // After a button click the focused button is now disabled; put keyboard focus somewhere useful
    // without popping up the phone keyboard.
    if (this.lastAction !== "button") return;
    const active = document.activeElement;
    if (active && active !== document.body && !active.disabled) return;
    if (choices.length > 0) choices[0].focus({ preventScroll: true });
    else this.view.log.focus({ preventScroll: true });
  }
}

function mount() {
  const script = ownScript();
  const data = script ? script.dataset : {};
  const configured = (data.server || "").trim();
  // An unreplaced {{RASA_URL}} placeholder means "no server configured": talk to our own origin.
  const server = configured && !configured.includes("{{") ? configured : window.location.origin;
  const selector = data.container || "#onthaal";
  let root = document.querySelector(selector);
  if (!root) {
    root = document.createElement("div");
    root.id = "onthaal";
    document.body.append(root);
  }
  if (!document.querySelector('link[data-onthaal-style], link[href$="widget.css"]')) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("widget.css", import.meta.url).href;
    link.dataset.onthaalStyle = "";
    document.head.append(link);
  }
  const widget = new ChatWidget({
    root,
    transport: new RestTransport(server),
    strings: new Strings(),
    startLanguage: (data.lang || "").trim().toLowerCase(),
    fullPage: root.hasAttribute("data-fullpage"),
  });
  widget.start();
  return widget;
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount, { once: true });
  else mount();
}
