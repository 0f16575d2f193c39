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

/** A random UUID (version 4, lowercase), also on older phones on plain http that have no randomUUID. */
function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A client message id (opaque to Rasa). */
export function newId() {
  return uuid();
}

/**
 * A conversation id as the channel accepts it: `web-` + UUID (REST), `desk-` + UUID (reception desk). Rasa's
 * channels refuse any other, so a WhatsApp or Telegram conversation id can never be sent from a browser.
 * @param {"web" | "desk"} prefix
 */
export function newSenderId(prefix) {
  return `${prefix}-${uuid()}`;
}

const SENDER_ID = /^(web|desk)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `sender` is a conversation id of the channel with this prefix. */
export function isSenderId(sender, prefix) {
  const match = typeof sender === "string" ? SENDER_ID.exec(sender) : null;
  return Boolean(match) && match[1] === prefix;
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
  /**
   * @param {{getItem, setItem, removeItem}} storage @param {string} key @param {() => number} now
   * @param {"web" | "desk"} senderPrefix the channel's conversation ids
   */
  constructor(storage, key, now = () => Date.now(), senderPrefix = "web") {
    this.storage = storage;
    this.key = key;
    this.now = now;
    this.senderPrefix = senderPrefix;
  }

  /**
   * The stored session, or null when there is none, it is unreadable or it expired (then it is removed). A session
   * of an older widget, whose sender id the channel no longer accepts, is removed too: a new conversation starts.
   */
  load() {
    let state;
    try {
      state = JSON.parse(this.storage.getItem(this.key) || "null");
    } catch {
      state = null;
    }
    if (!state || state.v !== VERSION || typeof state.sender !== "string") return null;
    const ttl = state.handedOff ? HANDED_OFF_TTL_MS : UNFINISHED_TTL_MS;
    if (!(this.now() - state.updated < ttl) || !isSenderId(state.sender, this.senderPrefix)) {
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
