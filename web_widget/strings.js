/**
 * The widget's own words (the `widget_*` keys of the language packs).
 *
 * Packs are served by the coach service at `{base}/widget/languages/{code}.json` as
 * `{code, name, direction, texts}`; this module sits at `{base}/widget/strings.js`, so the URL is derived from
 * its own location and the widget works wherever it is mounted.
 */

import { ENGLISH_PACK } from "./english.js";

export const DEFAULT_LANGUAGE = "en";
/** The six languages, in the order the language menu shows them. */
export const LANGUAGE_CODES = Object.freeze(["nl", "en", "bg", "sk", "ro", "prs"]);

/** Last resort when even the English pack cannot be fetched: generated from languages/en.yml. */
export const FALLBACK_PACK = ENGLISH_PACK;

export function packUrl(code, moduleUrl = import.meta.url) {
  return new URL(`languages/${encodeURIComponent(code)}.json`, moduleUrl).href;
}

/** Fetches and caches language packs; a pack that fails to load falls back to English. */
export class Strings {
  constructor({ fetch: fetchImpl = globalThis.fetch.bind(globalThis), moduleUrl = import.meta.url } = {}) {
    this.fetch = fetchImpl;
    this.moduleUrl = moduleUrl;
    this.cache = new Map();
    this.pack = FALLBACK_PACK;
  }

  async load(code) {
    // English is built in (FALLBACK_PACK equals languages/en.yml's widget words, a test checks): no request.
    if (code === DEFAULT_LANGUAGE) return FALLBACK_PACK;
    if (!this.cache.has(code)) {
      this.cache.set(code, this.fetchPack(code));
    }
    const pack = await this.cache.get(code);
    if (pack) return pack;
    this.cache.delete(code); // let a later attempt try again, e.g. when the connection is back
    return code === DEFAULT_LANGUAGE ? FALLBACK_PACK : this.load(DEFAULT_LANGUAGE);
  }

  async fetchPack(code) {
    try {
      const response = await this.fetch(packUrl(code, this.moduleUrl));
      if (!response.ok) return null;
      const pack = await response.json();
      if (!pack || typeof pack.texts !== "object" || pack.texts === null) return null;
      return {
        code: typeof pack.code === "string" ? pack.code : code,
        name: typeof pack.name === "string" ? pack.name : code,
        direction: pack.direction === "rtl" ? "rtl" : "ltr",
        texts: pack.texts,
      };
    } catch {
      return null;
    }
  }

  /** All six packs (for the language menu: each language named in its own script). */
  async all() {
    return Promise.all(LANGUAGE_CODES.map((code) => this.load(code)));
  }

  /** Switches the current pack and returns it. */
  async use(code) {
    this.pack = await this.load(code);
    return this.pack;
  }

  /** A text of the current pack or, missing there, of English; null when neither has it (a word not written yet). */
  optional(key, pack = this.pack) {
    const text = pack.texts[key] || FALLBACK_PACK.texts[key];
    return typeof text === "string" && text !== "" ? text : null;
  }

  /** A text of the current pack; missing keys fall back to English so the chrome is never blank. */
  t(key, pack = this.pack) {
    const text = pack.texts[key];
    return typeof text === "string" && text !== "" ? text : FALLBACK_PACK.texts[key] ?? key;
  }
}
