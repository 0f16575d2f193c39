/**
 * Pure parser: turns the list Rasa's REST channel returns into render items.
 *
 * No DOM and no I/O here, so it can be unit-tested with `node --test`.
 *
 * Contract (docs/architecture.md, "Widget <-> Rasa"): a message
 * `{"custom": {"onthaal": {"language": "bg", "direction": "ltr"}}}` announces the conversation language;
 * every following message is rendered in it. Before any marker (the multilingual language choice) each line
 * gets `dir="auto"` because the lines are in different languages and scripts.
 *
 * Shapes, never words (the words are the language packs'):
 * - buttons whose payload is `/why_ask` or `/talk_to_person` are the help buttons, kept apart from the answers;
 * - a button title may start with a pictogram (an emoji) and one space: "✅ Yes";
 * - a question may start with a progress line ("Question 3 of 7", "پرسش ۳ از ۷") and a line break.
 */

const LANGUAGE_CODE = /^[a-z]{2,3}$/;
const CHOOSE_LANGUAGE = /^\/choose_language\s*(\{.*\})\s*$/s;
/** The help buttons every question carries after its answers; the widget shows them in a row of their own. */
export const HELP_PAYLOADS = Object.freeze(["/why_ask", "/talk_to_person"]);
// One emoji: a pictographic character with its variation selector, skin tone, tags and ZWJ-joined parts; a flag
// (two regional indicators); or a keycap (1️⃣).
const EMOJI_PART = "(?:\\p{Extended_Pictographic}|\\p{Emoji_Presentation})(?:\\uFE0F|\\p{Emoji_Modifier}|[\\u{E0020}-\\u{E007F}])*";
const EMOJI = `${EMOJI_PART}(?:\\u200D${EMOJI_PART})*|\\p{Regional_Indicator}{2}|[#*0-9]\\uFE0F?\\u20E3`;
const LEADING_PICTOGRAM = new RegExp(`^(${EMOJI})\\s+(?=\\S)`, "u");
const ANY_PICTOGRAM = new RegExp(`(?:${EMOJI})\\s*`, "gu");
// A progress line: short, two numbers (ASCII, Arabic-Indic or Persian digits), only words and spaces besides.
const PROGRESS_MAX_LENGTH = 32;
const PROGRESS_MAX_TOTAL = 99; // a questionnaire, not a phone number ("Call 112 or 1813")
const NUMBER = /[0-9]+|[\u0660-\u0669]+|[\u06F0-\u06F9]+/gu;
const PROGRESS_SHAPE = /^[\p{L}\p{M}\p{Cf}\s0-9\u0660-\u0669\u06F0-\u06F9/]+$/u;

/**
 * @typedef {{code: string, direction: "ltr" | "rtl"}} Language
 * @typedef {{title: string, payload: string, lang: string | null, dir: string, choosesLanguage: boolean,
 *            pictogram: string | null, label: string}} Button  title: as Rasa sent it (what the person is shown as
 *   their answer); pictogram: its leading emoji, or null; label: the title's words, without the pictogram
 * @typedef {{type: "language", language: Language}} LanguageItem
 * @typedef {{lines: string[], buttons: (string | null)[], help: (string | null)[]}} Dutch the Dutch version
 *   (reception desk only), each button's Dutch words without the pictogram
 * @typedef {{text: string, current: number, total: number}} Progress
 * @typedef {{type: "message", lang: string | null, dir: string, lines: {text: string, dir: string | null}[],
 *            progress: Progress | null, buttons: Button[], help: Button[], dutch: Dutch | null}} MessageItem
 *   buttons: the answers; help: the help buttons (HELP_PAYLOADS), in the order Rasa sent them
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

/** Whether a button payload is one of the help buttons (`/why_ask`, `/talk_to_person`). */
export function isHelpPayload(payload) {
  return typeof payload === "string" && HELP_PAYLOADS.includes(payload.trim());
}

/**
 * A button title split into its leading pictogram and its words: "⏭️ I'd rather not say" ->
 * {pictogram: "⏭️", label: "I'd rather not say"}. A title without one (or with nothing after it) stays whole.
 */
export function splitPictogram(title) {
  const match = typeof title === "string" ? LEADING_PICTOGRAM.exec(title) : null;
  if (!match) return { pictogram: null, label: title };
  return { pictogram: match[1], label: title.slice(match[0].length) };
}

/** The text without its pictograms, for reading aloud (a speech engine would say "check mark button"). */
export function withoutPictograms(text) {
  return typeof text === "string" ? text.replace(ANY_PICTOGRAM, "").trim() : "";
}

/** Reads a number written in ASCII, Arabic-Indic (٣) or Persian (۳) digits. */
function readNumber(digits) {
  return Number([...digits].map((digit) => String(digit.charCodeAt(0) & 0xf)).join(""));
}

/**
 * The progress line ("Question 3 of 7", "پرسش ۳ از ۷") at the start of a message, recognised by its shape only:
 * short, exactly two numbers, the first not above the second (at most 99), nothing but words and spaces besides.
 * Returns null for any other line.
 */
export function progressOf(line) {
  if (typeof line !== "string" || line.length > PROGRESS_MAX_LENGTH || !PROGRESS_SHAPE.test(line)) return null;
  const numbers = line.match(NUMBER) ?? [];
  if (numbers.length !== 2 || !/\p{L}/u.test(line)) return null;
  const [current, total] = numbers.map(readNumber);
  if (!(current >= 1 && current <= total && total <= PROGRESS_MAX_TOTAL)) return null;
  return { text: line, current, total };
}

function parseButtons(buttons, language) {
  if (!Array.isArray(buttons)) return [];
  return buttons
    .filter((button) => button && typeof button.title === "string" && button.title.trim() !== "")
    .map((button) => {
      const payload = typeof button.payload === "string" && button.payload !== "" ? button.payload : button.title;
      const languageOfChoice = chosenLanguage(payload);
      const words = splitPictogram(button.title);
      if (languageOfChoice) {
        // A language button is written in its own language, whatever the conversation language is.
        return { title: button.title, payload, lang: languageOfChoice, dir: "auto", choosesLanguage: true, ...words };
      }
      return {
        title: button.title,
        payload,
        lang: language ? language.code : null,
        dir: language ? language.direction : "auto",
        choosesLanguage: false,
        ...words,
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
 * Lines identical to the original are left out: a Dutch conversation needs no translation. The Dutch progress
 * line is left out too (the numbers are the same), and so are the Dutch buttons' pictograms (the button shows one).
 * @param {Button[]} buttons all the message's buttons, in Rasa's order (answers and help)
 */
export function dutchVersion(message, lines, buttons) {
  const dutch = message.onthaal_nl;
  if (!dutch || typeof dutch !== "object") return null;
  let dutchLines = parseLines(dutch.text, null).map((line) => line.text);
  if (dutchLines.length > 1 && progressOf(dutchLines[0])) dutchLines = dutchLines.slice(1);
  const original = lines.map((line) => line.text).join("\n");
  const titles = buttons.map((button, index) => {
    const title = Array.isArray(dutch.buttons) ? dutch.buttons[index] : null;
    return typeof title === "string" && title.trim() !== "" && title !== button.title ? splitPictogram(title).label : null;
  });
  const sameText = dutchLines.join("\n") === original;
  if ((sameText || dutchLines.length === 0) && titles.every((title) => title === null)) return null;
  const isHelp = buttons.map((button) => isHelpPayload(button.payload));
  return {
    lines: sameText ? [] : dutchLines,
    buttons: titles.filter((_, index) => !isHelp[index]),
    help: titles.filter((_, index) => isHelp[index]),
  };
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
    let lines = parseLines(message.text, current);
    const progress = lines.length > 1 ? progressOf(lines[0].text) : null;
    if (progress) lines = lines.slice(1);
    const buttons = parseButtons(message.buttons, current);
    if (lines.length === 0 && buttons.length === 0) continue;
    items.push({
      type: "message",
      lang: current ? current.code : null,
      dir: current ? current.direction : "auto",
      lines,
      progress,
      buttons: buttons.filter((button) => !isHelpPayload(button.payload)),
      help: buttons.filter((button) => isHelpPayload(button.payload)),
      dutch: dutchVersion(message, lines, buttons),
    });
  }
  return { items, language: current };
}
