/**
 * Read-aloud with the browser's own speech synthesis (nothing leaves the phone).
 *
 * The voice is matched to the message language where the device has one (Dari: a Dari or Persian voice).
 * When the device has voices but none for this language, `speak` returns false and the widget says so,
 * rather than reading Dari with a Dutch voice.
 */

import { speechAvailable } from "./dom.js";

// BCP 47 prefixes per widget language; Dari is written fa-AF on most systems, Persian (fa) is close enough.
const VOICE_LANGS = { nl: ["nl"], en: ["en"], bg: ["bg"], sk: ["sk"], ro: ["ro"], prs: ["prs", "fa-af", "fa"] };

/** The best voice for `code` among `voices`, or null. Exact regional matches (fa-AF for Dari) win. */
export function pickVoice(voices, code) {
  const wanted = VOICE_LANGS[code] ?? [code];
  for (const prefix of wanted) {
    const voice = voices.find((candidate) => candidate.lang.toLowerCase().replace("_", "-").startsWith(prefix));
    if (voice) return voice;
  }
  return null;
}

export class Reader {
  constructor() {
    this.current = null;
  }

  stop() {
    if (!speechAvailable()) return;
    window.speechSynthesis.cancel();
    this.current?.onEnd?.();
    this.current = null;
  }

  /**
   * Reads the parts one after the other, each in its own language; onEnd is called when it stops.
   * Parts in a language the device has no voice for are left out (a Dutch voice reading Dari helps nobody).
   * @param {{text: string, lang: string}[]} parts
   * @returns {boolean} false when nothing can be read
   */
  speak(parts, onEnd) {
    this.stop();
    if (!speechAvailable()) return false;
    const voices = window.speechSynthesis.getVoices();
    const readable = parts
      .map((part) => ({ ...part, voice: pickVoice(voices, part.lang) }))
      .filter((part) => part.text && (voices.length === 0 || part.voice));
    if (readable.length === 0) return false;
    const current = { onEnd };
    this.current = current;
    const finish = () => {
      if (this.current !== current) return;
      this.current = null;
      onEnd?.();
    };
    readable.forEach((part, index) => {
      const utterance = new SpeechSynthesisUtterance(part.text);
      // Without a voice list (some phones fill it late) the language tag still picks a fitting voice.
      utterance.lang = part.voice ? part.voice.lang : part.lang === "prs" ? "fa-AF" : part.lang;
      if (part.voice) utterance.voice = part.voice;
      utterance.rate = 0.9; // a little slower: easier to follow in a second language
      utterance.onerror = finish;
      if (index === readable.length - 1) utterance.onend = finish;
      window.speechSynthesis.speak(utterance);
    });
    return true;
  }
}
