/**
 * The widget's view: header, language menu, log, form, footer and dialogs. It owns its DOM and raises callbacks
 * (onText, onLanguage, onStartAgain, onDelete, ...) for what the person does; chat.js decides what they mean.
 *
 * Text only ever goes in through textContent: message text comes from the network and from the person.
 * Widget words are marked `data-text="widget_..."` (text) or `data-label="widget_..."` (aria-label and title)
 * and refreshed by applyChrome() whenever the language changes.
 */

import { element, setEnabled, toolButton } from "./dom.js";
import { assistantMessage, choiceButton, personMessage } from "./messages.js";

export { setEnabled } from "./dom.js";

let instances = 0;

function dialog(id, titleKey) {
  const node = element("dialog", { className: "onthaal-dialog", attrs: { "aria-labelledby": `${id}-title` } });
  const title = element("h2", { className: "onthaal-dialog-title", attrs: { id: `${id}-title`, "data-text": titleKey } });
  node.append(title);
  return node;
}

function openDialog(node) {
  if (typeof node.showModal === "function") node.showModal();
  else node.setAttribute("open", "");
}

/**
 * What the person does in the view. onOpenLanguages runs before the language menu opens (it fills it).
 * @typedef {{onText(text: string): void, onLanguage(pack: object): void, onOpenLanguages(): Promise<void>,
 *            onLarger(large: boolean): void, onStartAgain(): void, onDelete(): void}} ViewCallbacks
 */

export class View {
  /**
   * @param {HTMLElement} root the element the widget lives in
   * @param {{fullPage: boolean, staffPanel?: ((id: string) => HTMLElement) | null}} options full page: the widget
   *   owns the document's lang, dir and title; staffPanel: builds the reception desk's panel (reception.js), shown
   *   above the log, from this widget's id prefix
   * @param {ViewCallbacks} callbacks
   */
  constructor(root, { fullPage, staffPanel = null }, callbacks) {
    this.root = root;
    this.fullPage = fullPage;
    this.on = callbacks;
    this.dutchStrings = null;
    const id = `onthaal-${++instances}`;
    root.classList.add("onthaal");
    root.classList.toggle("onthaal--reception", Boolean(staffPanel));
    root.replaceChildren();

    const header = element("header", { className: "onthaal-header" });
    const heading = element("div", { className: "onthaal-heading" });
    this.title = element(fullPage ? "h1" : "h2", {
      className: "onthaal-title",
      attrs: { id: `${id}-title`, "data-text": "widget_title" },
    });
    this.subtitle = element("p", { className: "onthaal-subtitle", attrs: { "data-text": "widget_subtitle" } });
    heading.append(this.title, this.subtitle);
    this.languageButton = toolButton("onthaal-language", "globe", "widget_language", {
      "aria-expanded": "false",
      "aria-controls": `${id}-languages`,
    });
    this.largerButton = toolButton("onthaal-larger", "larger", "widget_larger_text", { "aria-pressed": "false" });
    const tools = element("div", { className: "onthaal-tools" });
    tools.append(this.languageButton, this.largerButton);
    header.append(heading, tools);

    this.languageMenu = element("div", {
      className: "onthaal-languages",
      attrs: { id: `${id}-languages`, role: "group", "data-label": "widget_language", hidden: "" },
    });

    this.log = element("div", {
      className: "onthaal-log",
      attrs: { role: "log", "aria-live": "polite", "aria-labelledby": `${id}-title`, tabindex: "-1" },
    });
    this.typing = element("div", { className: "onthaal-typing", attrs: { role: "status" } });
    this.notice = element("p", { className: "onthaal-notice", attrs: { role: "alert" } });
    this.info = element("p", { className: "onthaal-info", attrs: { "aria-live": "polite" } });
    // The open question's help buttons ("why do you ask this?", "talk to a person"): outside the log, just above
    // the input, so they never scroll away.
    this.helpRow = element("nav", { className: "onthaal-help", attrs: { hidden: "" } });

    root.append(header, this.languageMenu);
    if (staffPanel) root.append(staffPanel(id));
    root.append(this.log, this.typing, this.notice, this.info, this.helpRow, this.buildForm(id), this.buildFooter(id));
    root.append(this.privacyDialog, this.deleteDialog);
    this.reducedMotion = window.matchMedia?.("(prefers-reduced-motion: reduce)");
    this.listen();
  }

  buildForm(id) {
    this.form = element("form", { className: "onthaal-form" });
    const label = element("label", {
      className: "onthaal-label",
      attrs: { for: `${id}-input`, "data-text": "widget_input_label" },
    });
    const row = element("div", { className: "onthaal-row" });
    this.input = element("input", {
      className: "onthaal-input",
      attrs: { id: `${id}-input`, type: "text", autocomplete: "off", enterkeyhint: "send", dir: "auto", maxlength: "2000" },
    });
    this.sendButton = element("button", {
      className: "onthaal-send",
      attrs: { type: "submit", "data-text": "widget_send" },
    });
    row.append(this.input, this.sendButton);
    this.form.append(label, row);
    return this.form;
  }

  /** The footer (privacy, start again, delete) and the two dialogs it opens. */
  buildFooter(id) {
    const footer = element("nav", { className: "onthaal-footer", attrs: { "data-label": "widget_title" } });
    this.privacyButton = toolButton("onthaal-privacy-open", "private", "widget_privacy");
    this.restartButton = toolButton("onthaal-restart", "restart", "widget_restart");
    this.deleteButton = toolButton("onthaal-delete", "bin", "widget_delete");
    footer.append(this.privacyButton, this.restartButton, this.deleteButton);

    this.privacyDialog = dialog(`${id}-privacy`, "widget_privacy_title");
    this.privacyText = element("div", { className: "onthaal-privacy-text" });
    this.closePrivacy = element("button", {
      className: "onthaal-dialog-button",
      attrs: { type: "button", "data-text": "widget_close" },
    });
    this.privacyDialog.append(this.privacyText, this.closePrivacy);

    this.deleteDialog = dialog(`${id}-delete`, "widget_delete");
    this.deleteConfirm = element("button", {
      className: "onthaal-dialog-button onthaal-danger",
      attrs: { type: "button", "data-text": "widget_delete_yes" },
    });
    this.deleteCancel = element("button", {
      className: "onthaal-dialog-button",
      attrs: { type: "button", "data-text": "widget_delete_no" },
    });
    this.deleteDialog.append(
      element("p", { attrs: { "data-text": "widget_delete_question" } }),
      element("div", { className: "onthaal-dialog-actions" }),
    );
    this.deleteDialog.lastChild.append(this.deleteConfirm, this.deleteCancel);
    return footer;
  }

  /** Turns clicks and keys into the callbacks. */
  listen() {
    this.closePrivacy.addEventListener("click", () => this.privacyDialog.close());
    this.deleteCancel.addEventListener("click", () => this.deleteDialog.close());
    this.privacyButton.addEventListener("click", () => openDialog(this.privacyDialog));
    this.deleteButton.addEventListener("click", () => openDialog(this.deleteDialog));
    this.restartButton.addEventListener("click", () => this.on.onStartAgain());
    this.deleteConfirm.addEventListener("click", () => {
      this.deleteDialog.close();
      this.on.onDelete();
    });
    this.languageButton.addEventListener("click", async () => {
      if (this.languageMenu.hidden) await this.on.onOpenLanguages();
      this.toggleLanguageMenu();
    });
    this.languageMenu.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      this.toggleLanguageMenu(false);
      this.languageButton.focus();
    });
    this.largerButton.addEventListener("click", () => {
      const large = this.largerButton.getAttribute("aria-pressed") !== "true";
      this.setLarger(large);
      this.on.onLarger(large);
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) {
        this.input.focus();
        return;
      }
      this.input.value = "";
      this.on.onText(text);
    });
  }

  /** Shows the widget's own words in the pack's language; lang and dir follow the conversation language. */
  applyChrome(strings, { lang, dir }) {
    const chrome = { pack: strings.pack, lang, dir };
    // The same words again (the built-in English at the start, then as the start language): nothing to redo.
    if (strings === this.strings && ["pack", "lang", "dir"].every((key) => this.chrome[key] === chrome[key])) return;
    this.strings = strings;
    this.chrome = chrome;
    for (const node of this.root.querySelectorAll("[data-text]")) {
      node.textContent = strings.t(node.dataset.text);
    }
    for (const node of this.root.querySelectorAll("[data-label]")) {
      node.setAttribute("aria-label", strings.t(node.dataset.label));
      if (node.tagName === "BUTTON") {
        node.setAttribute("title", strings.t(node.dataset.label));
        node.setAttribute("lang", strings.pack.code);
      }
    }
    this.privacyText.replaceChildren(
      ...strings
        .t("widget_privacy_text")
        .split("\n")
        .map((line) => element("p", { text: line })),
    );
    this.input.placeholder = strings.t("widget_input_placeholder");
    this.root.setAttribute("lang", lang);
    this.root.setAttribute("dir", dir);
    if (this.fullPage) {
      document.documentElement.setAttribute("lang", lang);
      document.documentElement.setAttribute("dir", dir);
      document.title = strings.t("widget_title");
    }
    if (this.typing.childElementCount) this.showTyping(true);
  }

  /** The words of the "in Dutch" label under the reception desk's Dutch lines (the staff's, always Dutch). */
  useDutchWords(strings) {
    this.dutchStrings = strings;
  }

  /** Fills the language menu: each language named in its own language and script; a click raises onLanguage. */
  showLanguages(packs) {
    const seen = new Set();
    const buttons = [];
    for (const pack of packs) {
      if (seen.has(pack.code)) continue; // a pack that failed to load came back as English
      seen.add(pack.code);
      const button = element("button", {
        className: "onthaal-tool onthaal-language-choice",
        attrs: { type: "button", lang: pack.code, dir: pack.direction },
        text: pack.name,
      });
      button.addEventListener("click", () => {
        this.toggleLanguageMenu(false);
        this.on.onLanguage(pack);
        this.languageButton.focus();
      });
      buttons.push(button);
    }
    this.languageMenu.replaceChildren(...buttons);
  }

  toggleLanguageMenu(open = this.languageMenu.hidden) {
    this.languageMenu.hidden = !open;
    this.languageButton.setAttribute("aria-expanded", String(open));
    if (open) this.languageMenu.querySelector("button")?.focus();
  }

  setLarger(on) {
    this.root.classList.toggle("onthaal--large", on);
    this.largerButton.setAttribute("aria-pressed", String(on));
  }

  /**
   * Shows the help buttons of the latest assistant message in the help row, or hides the row when it has none.
   * Returns the buttons, so the caller can decide when they are usable (as with answer buttons).
   * @param {import("./parse.js").MessageItem | null} item @param {{onChoose: (index: number) => void}} handlers
   */
  showHelp(item, { onChoose }) {
    const help = item?.help ?? [];
    const buttons = help.map((button, index) =>
      choiceButton(button, item.dutch?.help?.[index], "onthaal-help-button", () => onChoose(index)),
    );
    this.helpRow.replaceChildren(...buttons);
    this.helpRow.hidden = buttons.length === 0;
    this.labelHelpRow();
    return buttons;
  }

  /** The help row's name for screen readers: what its buttons say, in the words Rasa sent (no word of its own). */
  labelHelpRow() {
    const labels = [...this.helpRow.querySelectorAll(".onthaal-choice-label")].map((node) => node.textContent);
    if (labels.length) this.helpRow.setAttribute("aria-label", labels.join(" · "));
    else this.helpRow.removeAttribute("aria-label");
  }

  clear() {
    this.showHelp(null, { onChoose() {} });
    this.log.replaceChildren();
    this.showNotice(null);
    this.showInfo(null);
    this.showTyping(false);
    this.input.value = "";
  }

  /**
   * Shows one assistant message; returns it and its buttons so the caller can decide when they are usable.
   * Call reveal() once the whole answer is shown.
   * @param {import("./parse.js").MessageItem} item
   * @param {{onChoose: (index: number) => void, onRead: ((item: object, node: HTMLButtonElement) => void) | null,
   *          chosen?: number | null}} handlers
   */
  addAssistantMessage(item, handlers) {
    const dutchStrings = this.dutchStrings ?? this.strings;
    const message = assistantMessage(item, { ...handlers, strings: this.strings, dutchStrings });
    this.log.append(message.node);
    return message;
  }

  /** Shows what the person said (typed text, or a button's title: `button`). */
  addPersonMessage(text, { lang, dir = "auto", button = false }) {
    const message = personMessage(text, { lang, dir, button }, this.strings);
    this.log.append(message);
    this.scrollToEnd();
    return message;
  }

  /** Every answer button in the log off (a restored conversation: the open question's come back after). */
  disableAllChoices() {
    setEnabled(this.log.querySelectorAll(".onthaal-choice"), false);
    setEnabled(this.helpRow.querySelectorAll("button"), false);
  }

  /**
   * After a button click the focused button is now disabled; put keyboard focus somewhere useful without popping
   * up the phone keyboard: the first of the new answer buttons, or the log.
   */
  keepFocusUseful(choices) {
    const active = document.activeElement;
    if (active && active !== document.body && !active.disabled) return;
    if (choices.length > 0) choices[0].focus({ preventScroll: true });
    else this.focusLog();
  }

  /** Focus to the open question's first usable button, or to the text input. */
  focusOpenQuestion(choices) {
    const open = choices.find((button) => !button.disabled);
    (open ?? this.input).focus();
  }

  focusLog() {
    this.log.focus({ preventScroll: true });
  }

  showTyping(visible) {
    if (!visible) {
      this.typing.replaceChildren();
      this.typing.classList.remove("is-visible");
      return;
    }
    const dots = element("span", { className: "onthaal-dots", attrs: { "aria-hidden": "true" } });
    dots.append(element("span"), element("span"), element("span"));
    this.typing.replaceChildren(dots, element("span", { text: this.strings.t("widget_typing") }));
    this.typing.setAttribute("lang", this.strings.pack.code);
    this.typing.classList.add("is-visible");
    this.scrollToEnd();
  }

  /** @param {"widget_error" | "widget_offline" | "widget_busy" | "widget_no_voice" | null} key */
  showNotice(key) {
    this.notice.textContent = key ? this.strings.t(key) : "";
    this.notice.setAttribute("lang", this.strings?.pack.code ?? "en");
    this.notice.classList.toggle("is-visible", Boolean(key));
    // The notice takes room from the log; keep the message it is about in view.
    if (key) this.scrollToEnd();
  }

  /** A calm, non-error message ("your answers are deleted"); text in `strings`' language. */
  showInfo(key, strings = this.strings) {
    this.info.textContent = key ? strings.t(key) : "";
    this.info.setAttribute("lang", strings?.pack.code ?? "en");
    this.info.classList.toggle("is-visible", Boolean(key));
  }

  scrollToEnd() {
    // An empty log has nothing to scroll; reading its height would only force a layout before the first answer.
    if (this.log.childElementCount === 0) return;
    this.scrollTo(this.log.scrollHeight);
  }

  /** Scrolls so a new answer can be read from its first line, or to the end when it all fits. */
  reveal(firstNode) {
    const top = firstNode.offsetTop - 12; // the log is the offset parent (position: relative)
    this.scrollTo(Math.min(top, this.log.scrollHeight - this.log.clientHeight));
  }

  scrollTo(top) {
    const smooth = this.reducedMotion && !this.reducedMotion.matches;
    this.log.scrollTo({ top, behavior: smooth ? "smooth" : "auto" });
  }
}
