/**
 * The messages in the log: the assistant's (progress label, lines, Dutch lines at the reception desk, read-aloud
 * button, answer buttons with pictograms) and the person's. Builds nodes only; render.js puts them in the log.
 */

import { element, setLanguage } from "./dom.js";
import { splitPictogram } from "./parse.js";
import { pictogramFor, pictogramSvg } from "./pictograms.js";

function speakerLabel(strings, key) {
  // Screen readers hear who speaks; the visual difference is the bubble's side and colour.
  return element("span", { className: "onthaal-sr", attrs: { lang: strings.pack.code }, text: `${strings.t(key)}: ` });
}

function dutchLabel(dutchStrings) {
  // Seen: a small "NL" tag; heard: "In het Nederlands:".
  const text = dutchStrings.t("widget_dutch");
  const label = element("span");
  label.append(
    element("span", { className: "onthaal-nl-tag", text: "NL", attrs: { title: text, "aria-hidden": "true" } }),
    element("span", { className: "onthaal-sr", text: `${text}: ` }),
  );
  return label;
}

function readButton(strings, onRead, item) {
  const read = element("button", {
    className: "onthaal-read",
    attrs: { type: "button", "data-label": "widget_read_aloud", "aria-pressed": "false" },
  });
  read.setAttribute("aria-label", strings.t("widget_read_aloud"));
  read.setAttribute("title", strings.t("widget_read_aloud"));
  read.setAttribute("lang", strings.pack.code);
  read.append(pictogramSvg("speaker"));
  read.addEventListener("click", () => onRead(item, read));
  return read;
}

/**
 * A pictogram written in the text (an emoji), larger, for people who read with difficulty; hidden from screen
 * readers, which read the words.
 */
function pictogramSpan(pictogram) {
  return element("span", { className: "onthaal-pictogram", attrs: { "aria-hidden": "true" }, text: pictogram });
}

/**
 * One button of a message: its pictogram (the title's emoji, else one chosen by the payload), its words and, at the
 * reception desk, its Dutch words. Answer buttons and the help row's buttons are built alike.
 * @param {import("./parse.js").Button} button @param {string | null | undefined} dutch
 */
export function choiceButton(button, dutch, className, onClick) {
  const node = element("button", { className, attrs: { type: "button" } });
  setLanguage(node, button.lang, button.dir);
  const icon = button.pictogram || button.choosesLanguage ? null : pictogramFor(button.payload);
  if (button.pictogram) node.append(pictogramSpan(button.pictogram));
  else if (icon) node.append(pictogramSvg(icon));
  node.append(element("span", { className: "onthaal-choice-label", text: button.label ?? button.title }));
  if (dutch) node.append(element("span", { className: "onthaal-nl", attrs: { lang: "nl", dir: "ltr" }, text: dutch }));
  node.addEventListener("click", onClick);
  return node;
}

/** "Question 3 of 7": a small label above the question, and a thin bar that only shows the same. */
function progressLabel(progress) {
  const label = element("p", { className: "onthaal-progress" });
  const bar = element("span", { className: "onthaal-progress-bar", attrs: { "aria-hidden": "true" } });
  const done = element("span", { className: "onthaal-progress-done" });
  done.style.inlineSize = `${Math.round((100 * progress.current) / progress.total)}%`; // CSSOM: allowed by the CSP
  bar.append(done);
  label.append(element("span", { className: "onthaal-progress-text", text: progress.text }), bar);
  return label;
}

function answerButtons(item, strings, { onChoose, chosen }) {
  const group = element("div", { className: "onthaal-choices" });
  if (item.buttons.every((button) => button.choosesLanguage)) {
    // The multilingual language choice: name the group so screen readers say what the buttons are for.
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", strings.t("widget_language"));
  }
  const buttons = item.buttons.map((button, index) => {
    const node = choiceButton(button, item.dutch?.buttons[index], "onthaal-choice", () => {
      node.classList.add("is-chosen");
      onChoose(index);
    });
    if (chosen === index) node.classList.add("is-chosen");
    return node;
  });
  group.append(...buttons);
  return { group, buttons };
}

/**
 * One assistant message and its answer buttons.
 * @param {import("./parse.js").MessageItem} item
 * @param {{strings: object, dutchStrings: object, onChoose: (index: number) => void,
 *          onRead: ((item: object, node: HTMLButtonElement) => void) | null, chosen?: number | null}} options
 *   strings: the widget's words now; dutchStrings: the words of the "in Dutch" label (the staff's at the desk)
 * @returns {{node: HTMLElement, buttons: HTMLButtonElement[]}}
 */
export function assistantMessage(item, { strings, dutchStrings, onChoose, onRead, chosen = null }) {
  const message = element("div", { className: "onthaal-msg onthaal-msg--assistant" });
  setLanguage(message, item.lang, item.dir);
  const body = element("div", { className: "onthaal-msg-body" });
  const text = element("div", { className: "onthaal-msg-text" });
  text.append(speakerLabel(strings, "widget_assistant"));
  if (item.progress) text.append(progressLabel(item.progress));
  for (const line of item.lines) {
    text.append(element("p", { className: "onthaal-line", attrs: { dir: line.dir }, text: line.text }));
  }
  for (const line of item.dutch?.lines ?? []) {
    const dutch = element("p", { className: "onthaal-line onthaal-nl", attrs: { lang: "nl", dir: "ltr" } });
    dutch.append(dutchLabel(dutchStrings), line);
    text.append(dutch);
  }
  body.append(text);
  if (onRead && (item.lines.length || item.buttons.length)) body.append(readButton(strings, onRead, item));
  message.append(body);
  if (!item.buttons.length) return { node: message, buttons: [] };
  const { group, buttons } = answerButtons(item, strings, { onChoose, chosen });
  message.append(group);
  return { node: message, buttons };
}

/**
 * What the person said (typed text or a button's title). A button's pictogram is shown as on the button, hidden
 * from screen readers; what the person typed is shown as typed.
 */
export function personMessage(text, { lang, dir = "auto", button = false }, strings) {
  const message = element("div", { className: "onthaal-msg onthaal-msg--person" });
  setLanguage(message, lang, dir);
  const line = element("p", { className: "onthaal-line" });
  const { pictogram, label } = button ? splitPictogram(text) : { pictogram: null, label: text };
  if (pictogram) line.append(pictogramSpan(pictogram), " ");
  line.append(label);
  message.append(speakerLabel(strings, "widget_you"), line);
  return message;
}
