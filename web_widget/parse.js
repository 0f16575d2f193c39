/**
 * Pure parser: turns the list Rasa's REST channel returns into render items.
 *
 * No DOM and no I/O here, so it can be unit-tested with `node --test`.
 *
 * Contract (docs/architecture.md, "Widget <-> Rasa"): a message
 * `{"custom": {"onthaal": {"language": "bg", "direction": "ltr"}}}` announces the conversation language;
 * every following message is rendered in it. Before any marker (the multilingual language choice) each line
 * gets `dir="auto"` because the lines are in different languages and scripts.
 */

const LANGUAGE_CODE = /^[a-z]{2,3}$/;
const CHOOSE_LANGUAGE = /^\/choose_language\s*(\{.*\})\s*$/s;

/**
 * @typedef {{code: string, direction: "ltr" | "rtl"}} Language
 * @typedef {{title: string, payload: string, lang: string | null, dir: string, choosesLanguage: boolean}} Button
 * @typedef {{type: "language", language: Language}} LanguageItem
 * @typedef {{lines: string[], buttons: (string | null)[]}} Dutch the Dutch version (reception desk only)
 * @typedef {{type: "message", lang: string | null, dir: string, lines: {text: string, dir: string | null}[],
 *            buttons: Button[], dutch: Dutch | null}} MessageItem
 */

/** Reads the language marker of one Rasa message, or null when it has none (or an unusable one). */
export function languageMarker(message) {
  const onthaal = message && message.custom && message.custom.onthaal;
  if (!onthaal || typeof onthaal.language !== "string") return null;
  const code = onthaal.language.trim().toLowerCase();
  if (!LANGUAGE_CODE.test(code)) return null;
  const direction = onthaal.direction === "rtl" ? "rtl" : "ltr";
  return { code, direction };
}

/** The language code a `/choose_language{"language":"xx"}` payload asks for, or null. */
export function chosenLanguage(payload) {
  if (typeof payload !== "string") return null;
  const match = CHOOSE_LANGUAGE.exec(payload.trim());
  if (!match) return null;
  try {
    const entities = JSON.parse(match[1]);
    const code = typeof entities.language === "string" ? entities.language.trim().toLowerCase() : "";
    return LANGUAGE_CODE.test(code) ? code : null;
  } catch {
    return null;
  }
}

function parseButtons(buttons, language) {
  if (!Array.isArray(buttons)) return [];
  return buttons
    .filter((button) => button && typeof button.title === "string" && button.title.trim() !== "")
    .map((button) => {
      const payload = typeof button.payload === "string" && button.payload !== "" ? button.payload : button.title;
      const languageOfChoice = chosenLanguage(payload);
      if (languageOfChoice) {
        // A language button is written in its own language, whatever the conversation language is.
        return { title: button.title, payload, lang: languageOfChoice, dir: "auto", choosesLanguage: true };
      }
      return {
        title: button.title,
        payload,
        lang: language ? language.code : null,
        dir: language ? language.direction : "auto",
        choosesLanguage: false,
      };
    });
}

function parseLines(text, language) {
  if (typeof text !== "string") return [];
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => ({ text: line, dir: language ? null : "auto" }));
}

/**
 * The Dutch version the reception channel adds to a message (`onthaal_nl: {text, buttons}`), or null.
 * Lines identical to the original are left out: a Dutch conversation needs no translation.
 */
export function dutchVersion(message, lines, buttons) {
  const dutch = message.onthaal_nl;
  if (!dutch || typeof dutch !== "object") return null;
  const dutchLines = parseLines(dutch.text, null).map((line) => line.text);
  const original = lines.map((line) => line.text).join("\n");
  const titles = buttons.map((button, index) => {
    const title = Array.isArray(dutch.buttons) ? dutch.buttons[index] : null;
    return typeof title === "string" && title.trim() !== "" && title !== button.title ? title : null;
  });
  const sameText = dutchLines.join("\n") === original;
  if ((sameText || dutchLines.length === 0) && titles.every((title) => title === null)) return null;
  return { lines: sameText ? [] : dutchLines, buttons: titles };
}

/**
 * Turns Rasa's reply list into render items.
 *
 * @param {unknown} replies the parsed JSON body of the REST webhook
 * @param {Language | null} language the conversation language before these replies
 * @returns {{items: (LanguageItem | MessageItem)[], language: Language | null}}
 */
export function parseReplies(replies, language = null) {
  const items = [];
  let current = language;
  for (const message of Array.isArray(replies) ? replies : []) {
    if (!message || typeof message !== "object") continue;
    const marker = languageMarker(message);
    if (marker) {
      current = marker;
      items.push({ type: "language", language: marker });
    }
    const lines = parseLines(message.text, current);
    const buttons = parseButtons(message.buttons, current);
    if (lines.length === 0 && buttons.length === 0) continue;
    items.push({
      type: "message",
      lang: current ? current.code : null,
      dir: current ? current.direction : "auto",
      lines,
      buttons,
      dutch: dutchVersion(message, lines, buttons),
    });
  }
  return { items, language: current };
}
