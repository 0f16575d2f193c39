/**
 * What the widget remembers between page loads, so a reload or a lost connection does not lose the chat.
 *
 * One JSON record: the sender id, the conversation language, the rendered history and the outbox (messages
 * not yet answered by Rasa, each with a client message id). On a shared phone this is sensitive, so:
 * - "delete my answers" clears it at once;
 * - once the assistant has given a reference (ONT-XXXXXX, the hand-off) it is kept for 30 minutes of
 *   inactivity only; an unfinished conversation for 24 hours of inactivity;
 * - the reception desk keeps it in sessionStorage (gone when the tab closes), the person's phone in
 *   localStorage. Only the larger-text preference is kept longer (it is not personal).
 * Storage that is blocked (private mode, sandboxed iframe) degrades to memory for this page.
 */

export const HANDED_OFF_TTL_MS = 30 * 60 * 1000;
export const UNFINISHED_TTL_MS = 24 * 60 * 60 * 1000;
const VERSION = 1;
const REFERENCE = /\bONT-[2-9A-HJ-NP-Z]{6}\b/;

/** True when an assistant text hands off the intake (it carries a reference such as ONT-7K3M9Q). */
export function mentionsReference(text) {
  return typeof text === "string" && REFERENCE.test(text);
}

export function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Older phones on plain http have no randomUUID; getRandomValues is enough for an opaque id.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A Storage-like object that never throws. */
export function safeStorage(kind) {
  let backing = null;
  try {
    backing = kind === "session" ? window.sessionStorage : window.localStorage;
    backing.getItem("onthaal.probe");
  } catch {
    backing = null;
  }
  const memory = new Map();
  return {
    getItem(key) {
      try {
        return backing ? backing.getItem(key) : memory.get(key) ?? null;
      } catch {
        return memory.get(key) ?? null;
      }
    },
    setItem(key, value) {
      memory.set(key, value);
      try {
        backing?.setItem(key, value);
      } catch {
        /* full or blocked: memory keeps it for this page */
      }
    },
    removeItem(key) {
      memory.delete(key);
      try {
        backing?.removeItem(key);
      } catch {
        /* see setItem */
      }
    },
  };
}

export class SessionStore {
  /** @param {{getItem, setItem, removeItem}} storage @param {string} key @param {() => number} now */
  constructor(storage, key, now = () => Date.now()) {
    this.storage = storage;
    this.key = key;
    this.now = now;
  }

  /** The stored session, or null when there is none, it is unreadable or it expired (then it is removed). */
  load() {
    let state;
    try {
      state = JSON.parse(this.storage.getItem(this.key) || "null");
    } catch {
      state = null;
    }
    if (!state || state.v !== VERSION || typeof state.sender !== "string") return null;
    const ttl = state.handedOff ? HANDED_OFF_TTL_MS : UNFINISHED_TTL_MS;
    if (!(this.now() - state.updated < ttl)) {
      this.clear();
      return null;
    }
    return {
      sender: state.sender,
      language: state.language ?? null,
      history: Array.isArray(state.history) ? state.history : [],
      outbox: Array.isArray(state.outbox) ? state.outbox : [],
      remarks: Array.isArray(state.remarks) ? state.remarks : [],
      handedOff: Boolean(state.handedOff),
    };
  }

  save({ sender, language, history, outbox, remarks = [], handedOff }) {
    const record = { v: VERSION, updated: this.now(), sender, language, history, outbox, remarks, handedOff };
    this.storage.setItem(this.key, JSON.stringify(record));
  }

  clear() {
    this.storage.removeItem(this.key);
  }
}
