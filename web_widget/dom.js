/**
 * Small DOM building blocks shared by the widget's views (render.js, messages.js, staff_panel.js), and what the
 * browser offers them.
 *
 * Text only ever goes in through textContent: message text comes from the network and from the person.
 */

import { pictogramSvg } from "./pictograms.js";

export function element(tag, { className, attrs = {}, text } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Sets lang and dir; a null lang means "not known yet" (lang=""), which is what HTML uses for unknown. */
export function setLanguage(node, lang, dir) {
  node.setAttribute("lang", lang ?? "");
  if (dir) node.setAttribute("dir", dir);
}

/** A button with a pictogram and a translated text (`key`). */
export function toolButton(className, icon, key, attrs = {}) {
  const button = element("button", { className: `onthaal-tool ${className}`, attrs: { type: "button", ...attrs } });
  if (icon) button.append(pictogramSvg(icon));
  button.append(element("span", { attrs: { "data-text": key } }));
  return button;
}

export function setEnabled(buttons, enabled) {
  for (const button of buttons) button.disabled = !enabled;
}

/** Whether the browser can read aloud (speech.js does it; chat.js loads it only after the first answer). */
export function speechAvailable() {
  return typeof window !== "undefined" && "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
}
