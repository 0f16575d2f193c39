/**
 * How the widget talks to Rasa.
 *
 * A transport is any object with `async send(sender, message)` that resolves to Rasa's list of bot messages
 * and rejects with a `TransportError`. Only the REST channel exists today; a socket.io transport can be added
 * beside it without touching parsing or rendering.
 */

// What a proxy answers when no Rasa server behind it answered (bad gateway, unavailable, gateway timeout).
const NO_SERVER = [502, 503, 504];

export class TransportError extends Error {
  /**
   * @param {"offline" | "busy" | "server"} kind "offline": the request never got an answer (keep the message,
   *   retry); "busy": too many messages at once (429: nothing reached the assistant; keep it, retry);
   *   "server": Rasa answered with an error or with something that is not a reply list.
   */
  constructor(kind, message) {
    super(message);
    this.name = "TransportError";
    this.kind = kind;
  }
}

export class RestTransport {
  /**
   * @param {string} server Rasa's base URL, e.g. http://127.0.0.1:5005
   * @param {{fetch?: typeof fetch, timeoutMs?: number, channel?: string}} [options] channel: Rasa's input
   *   channel, "rest" or "reception" (the reception desk: same protocol, Dutch versions added to each reply)
   */
  constructor(server, { fetch: fetchImpl = globalThis.fetch.bind(globalThis), timeoutMs = 30000, channel = "rest" } = {}) {
    this.endpoint = `${server.replace(/\/+$/, "")}/webhooks/${channel}/webhook`;
    this.fetch = fetchImpl;
    this.timeoutMs = timeoutMs;
  }

  /** @param {Record<string, unknown>} [metadata] stored by Rasa with the message (client message id ...) */
  async send(sender, message, metadata) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response;
    try {
      response = await this.fetch(this.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(metadata ? { sender, message, metadata } : { sender, message }),
        signal: controller.signal,
      });
    } catch (error) {
      throw new TransportError("offline", String(error));
    } finally {
      clearTimeout(timer);
    }
    if (response.status === 429) throw new TransportError("busy", "HTTP 429");
    // A proxy in front found no Rasa server to answer (one died or restarts): nothing was said yet, keep the
    // message and send it again (with its id, so a hand-off that already ran is the same intake again).
    if (NO_SERVER.includes(response.status)) throw new TransportError("offline", `HTTP ${response.status}`);
    if (!response.ok) throw new TransportError("server", `HTTP ${response.status}`);
    let body;
    try {
      body = await response.json();
    } catch (error) {
      throw new TransportError("server", `invalid JSON: ${error}`);
    }
    if (!Array.isArray(body)) throw new TransportError("server", "reply is not a list");
    return body;
  }
}

/** The first message of a conversation: the greeting, or the language the embedding page asked for. */
export function greeting(startLanguage) {
  return /^[a-z]{2,3}$/.test(startLanguage) ? `/choose_language{"language":"${startLanguage}"}` : "/greet";
}

/**
 * The metadata sent with a message. The client message id lets a server drop a message it already got (a reload
 * during a slow answer); at the reception desk the staff token and the remarks ride along.
 * @param {{id: string, remarks?: string[]}} entry @param {{token: string} | null} reception
 */
export function messageMetadata(entry, reception) {
  const metadata = { onthaal_message_id: entry.id };
  if (reception) {
    metadata.onthaal_reception_token = reception.token;
    if (entry.remarks) metadata.onthaal_remarks = entry.remarks;
  }
  return metadata;
}
