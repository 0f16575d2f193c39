/**
 * The widget's own words (the `widget_*` keys of the language packs).
 *
 * Packs are served by the coach service at `{base}/widget/languages/{code}.json` as
 * `{code, name, direction, texts}`; this module sits at `{base}/widget/strings.js`, so the URL is derived from
 * its own location and the widget works wherever it is mounted.
 */

export const DEFAULT_LANGUAGE = "en";
/** The six languages, in the order the language menu shows them. */
export const LANGUAGE_CODES = Object.freeze(["nl", "en", "bg", "sk", "ro", "prs"]);
/** The id of the JSON block in which the full page served by the coach service carries the English words. */
const ENGLISH_BLOCK = "onthaal-english";

/** A pack as the widget uses it, or null when `pack` is not one. */
function asPack(pack, code) {
  if (!pack || typeof pack.texts !== "object" || pack.texts === null) return null;
  return {
    code: typeof pack.code === "string" ? pack.code : code,
    name: typeof pack.name === "string" ? pack.name : code,
    direction: pack.direction === "rtl" ? "rtl" : "ltr",
    texts: pack.texts,
  };
}

/**
 * The built-in English words (languages/en.yml's `widget_*`): the first screen needs them before any pack. The
 * full page carries them itself (one module less to wait for); elsewhere they come from english.js.
 */
export async function builtInEnglish(doc = globalThis.document) {
  try {
    const pack = asPack(JSON.parse(doc?.getElementById(ENGLISH_BLOCK)?.textContent ?? "null"), DEFAULT_LANGUAGE);
    if (pack) return pack;
  } catch {
    // not valid JSON: the module has the same words
  }
  return (await import("./english.js")).ENGLISH_PACK;
}

export function packUrl(code, moduleUrl = import.meta.url) {
  return new URL(`languages/${encodeURIComponent(code)}.json`, moduleUrl).href;
}

/** Fetches and caches language packs; a pack that fails to load falls back to English. */
export class Strings {
  /** @param {{english: object}} options english: the built-in English (builtInEnglish()), also the last resort */
  constructor({ english, fetch: fetchImpl = globalThis.fetch.bind(globalThis), moduleUrl = import.meta.url }) {
    this.english = english;
    this.fetch = fetchImpl;
    this.moduleUrl = moduleUrl;
    this.cache = new Map();
    this.pack = english;
  }

  async load(code) {
    // English is built in (equal to languages/en.yml's widget words, a test checks): no request.
    if (code === DEFAULT_LANGUAGE) return this.english;
    if (!this.cache.has(code)) {
      this.cache.set(code, this.fetchPack(code));
    }
    const pack = await this.cache.get(code);
    if (pack) return pack;
    this.cache.delete(code); // let a later attempt try again, e.g. when the connection is back
    return this.english;
  }

  async fetchPack(code) {
    try {
      const response = await this.fetch(packUrl(code, this.moduleUrl));
      if (!response.ok) return null;
      return asPack(await response.json(), code);
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

  /** A text of the current pack; missing keys fall back to English so the chrome is never blank. */
  t(key, pack = this.pack) {
    const text = pack.texts[key];
    return typeof text === "string" && text !== "" ? text : this.english.texts[key] ?? key;
  }
}
