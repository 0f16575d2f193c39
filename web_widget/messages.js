/**
 * The messages in the log: the assistant's (lines, Dutch lines at the reception desk, read-aloud button, answer
 * buttons with pictograms) and the person's. Builds nodes only; render.js puts them in the log.
 */

import { element, setLanguage } from "./dom.js";
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

function answerButtons(item, strings, { onChoose, chosen }) {
  const group = element("div", { className: "onthaal-choices" });
  if (item.buttons.every((button) => button.choosesLanguage)) {
    // The multilingual language choice: name the group so screen readers say what the buttons are for.
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", strings.t("widget_language"));
  }
  const buttons = item.buttons.map((button, index) => {
    const node = element("button", { className: "onthaal-choice", attrs: { type: "button" } });
    setLanguage(node, button.lang, button.dir);
    const icon = button.choosesLanguage ? null : pictogramFor(button.payload);
    if (icon) node.append(pictogramSvg(icon));
    node.append(element("span", { className: "onthaal-choice-label", text: button.title }));
    const dutch = item.dutch?.buttons[index];
    if (dutch) node.append(element("span", { className: "onthaal-nl", attrs: { lang: "nl", dir: "ltr" }, text: dutch }));
    if (chosen === index) node.classList.add("is-chosen");
    node.addEventListener("click", () => {
      node.classList.add("is-chosen");
      onChoose(index);
    });
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

/** What the person said (typed text or a button's title). */
export function personMessage(text, { lang, dir = "auto" }, strings) {
  const message = element("div", { className: "onthaal-msg onthaal-msg--person" });
  setLanguage(message, lang, dir);
  message.append(speakerLabel(strings, "widget_you"), element("p", { className: "onthaal-line", text }));
  return message;
}
