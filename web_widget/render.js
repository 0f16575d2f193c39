/**
 * Everything that touches the DOM: builds the widget, shows messages and the widget's own words.
 *
 * Text only ever goes in through textContent: message text comes from the network and from the person.
 * Widget words are marked `data-text="widget_..."` (text) or `data-label="widget_..."` (aria-label and title)
 * and refreshed by applyChrome() whenever the language changes.
 */

import { pictogramFor, pictogramSvg } from "./pictograms.js";

let instances = 0;

function element(tag, { className, attrs = {}, text } = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Sets lang and dir; a null lang means "not known yet" (lang=""), which is what HTML uses for unknown. */
function setLanguage(node, lang, dir) {
  node.setAttribute("lang", lang ?? "");
  if (dir) node.setAttribute("dir", dir);
}

/** A button with a pictogram and a translated text (`key`). */
function toolButton(className, icon, key, attrs = {}) {
  const button = element("button", { className: `onthaal-tool ${className}`, attrs: { type: "button", ...attrs } });
  if (icon) button.append(pictogramSvg(icon));
  button.append(element("span", { attrs: { "data-text": key } }));
  return button;
}

function dialog(id, titleKey) {
  const node = element("dialog", { className: "onthaal-dialog", attrs: { "aria-labelledby": `${id}-title` } });
  const title = element("h2", { className: "onthaal-dialog-title", attrs: { id: `${id}-title`, "data-text": titleKey } });
  node.append(title);
  return node;
}

export class View {
  /**
   * @param {HTMLElement} root the element the widget lives in
   * @param {{fullPage: boolean, reception?: {staff: string} | null}} options full page: the widget owns the
   *   document's lang, dir and title; reception: the reception desk (Dutch lines, staff panel)
   */
  constructor(root, { fullPage, reception = null }) {
    this.root = root;
    this.fullPage = fullPage;
    this.reception = reception;
    const id = `onthaal-${++instances}`;
    root.classList.add("onthaal");
    root.classList.toggle("onthaal--reception", Boolean(reception));
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

    const footer = element("nav", { className: "onthaal-footer", attrs: { "data-label": "widget_title" } });
    this.privacyButton = toolButton("onthaal-privacy-open", "private", "widget_privacy");
    this.restartButton = toolButton("onthaal-restart", "restart", "widget_restart");
    this.deleteButton = toolButton("onthaal-delete", "bin", "widget_delete");
    footer.append(this.privacyButton, this.restartButton, this.deleteButton);

    this.privacyDialog = dialog(`${id}-privacy`, "widget_privacy_title");
    this.privacyText = element("div", { className: "onthaal-privacy-text" });
    const closePrivacy = element("button", {
      className: "onthaal-dialog-button",
      attrs: { type: "button", "data-text": "widget_close" },
    });
    closePrivacy.addEventListener("click", () => this.privacyDialog.close());
    this.privacyDialog.append(this.privacyText, closePrivacy);

    this.deleteDialog = dialog(`${id}-delete`, "widget_delete");
    this.deleteConfirm = element("button", {
      className: "onthaal-dialog-button onthaal-danger",
      attrs: { type: "button", "data-text": "widget_delete_yes" },
    });
    const deleteCancel = element("button", {
      className: "onthaal-dialog-button",
      attrs: { type: "button", "data-text": "widget_delete_no" },
    });
    deleteCancel.addEventListener("click", () => this.deleteDialog.close());
    this.deleteDialog.append(
      element("p", { attrs: { "data-text": "widget_delete_question" } }),
      element("div", { className: "onthaal-dialog-actions" }),
    );
    this.deleteDialog.lastChild.append(this.deleteConfirm, deleteCancel);
    this.privacyButton.addEventListener("click", () => this.openDialog(this.privacyDialog));
    this.deleteButton.addEventListener("click", () => this.openDialog(this.deleteDialog));

    root.append(header, this.languageMenu);
    if (reception) root.append(this.buildStaffPanel(id, reception));
    root.append(this.log, this.typing, this.notice, this.info, this.form, footer, this.privacyDialog, this.deleteDialog);
    this.reducedMotion = window.matchMedia?.("(prefers-reduced-motion: reduce)");
  }

  /** The reception desk's panel: always in Dutch, for the staff member (applyStaffChrome). */
  buildStaffPanel(id, { staff }) {
    this.staffPanel = element("section", {
      className: "onthaal-staff",
      attrs: { lang: "nl", dir: "ltr", "aria-labelledby": `${id}-staff` },
    });
    const heading = element("h2", { className: "onthaal-staff-title", attrs: { id: `${id}-staff` } });
    heading.append(element("span", { attrs: { "data-staff-text": "widget_reception" } }), ` · ${staff}`);
    this.remarkInput = element("textarea", {
      className: "onthaal-remark",
      attrs: { id: `${id}-remark`, rows: "2", maxlength: "2000" },
    });
    this.remarkButton = element("button", {
      className: "onthaal-tool",
      attrs: { type: "button", "data-staff-text": "widget_reception_remark_add" },
    });
    this.handBackButton = element("button", {
      className: "onthaal-tool",
      attrs: { type: "button", "data-staff-text": "widget_reception_hand_back" },
    });
    this.remarkList = element("ul", { className: "onthaal-remarks" });
    const actions = element("div", { className: "onthaal-staff-actions" });
    actions.append(this.remarkButton, this.handBackButton);
    this.staffPanel.append(
      heading,
      element("label", {
        className: "onthaal-label",
        attrs: { for: `${id}-remark`, "data-staff-text": "widget_reception_remark_label" },
      }),
      this.remarkInput,
      actions,
      this.remarkList,
    );
    this.takeOverButton = element("button", {
      className: "onthaal-tool onthaal-take-over",
      attrs: { type: "button", lang: "nl", dir: "ltr", "data-staff-text": "widget_reception_take_over", hidden: "" },
    });
    const wrapper = element("div", { className: "onthaal-staff-wrap" });
    wrapper.append(this.staffPanel, this.takeOverButton);
    return wrapper;
  }

  applyStaffChrome(staffStrings) {
    this.staffStrings = staffStrings;
    for (const node of this.root.querySelectorAll("[data-staff-text]")) {
      node.textContent = staffStrings.t(node.dataset.staffText);
    }
  }

  /** Staff panel open (staff member at the keyboard) or closed (the screen is the client's). */
  showStaffPanel(open) {
    if (!this.staffPanel) return;
    this.staffPanel.hidden = !open;
    this.takeOverButton.hidden = open;
  }

  showRemarks(remarks) {
    if (!this.remarkList) return;
    this.remarkList.replaceChildren(...remarks.map((text) => element("li", { text })));
  }

  openDialog(node) {
    if (typeof node.showModal === "function") node.showModal();
    else node.setAttribute("open", "");
  }

  /** Shows the widget's own words in the pack's language; lang and dir follow the conversation language. */
  applyChrome(strings, { lang, dir }) {
    this.strings = strings;
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
    if (this.staffStrings) this.applyStaffChrome(this.staffStrings);
  }

  /** Fills the language menu: each language named in its own language and script. */
  showLanguages(packs, onChoose) {
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
      button.addEventListener("click", () => onChoose(pack));
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

  clear() {
    this.log.replaceChildren();
    this.showNotice(null);
    this.showInfo(null);
    this.showTyping(false);
    this.input.value = "";
  }

  speakerLabel(key) {
    // Screen readers hear who speaks; the visual difference is the bubble's side and colour.
    return element("span", {
      className: "onthaal-sr",
      attrs: { lang: this.strings.pack.code },
      text: `${this.strings.t(key)}: `,
    });
  }

  /**
   * Shows one assistant message; returns it and its buttons so the caller can decide when they are usable.
   * Call reveal() once the whole answer is shown.
   * @param {import("./parse.js").MessageItem} item
   * @param {{onChoose: (index: number) => void, onRead: ((item: object, node: HTMLButtonElement) => void) | null,
   *          chosen?: number | null}} handlers
   */
  addAssistantMessage(item, { onChoose, onRead, chosen = null }) {
    const message = element("div", { className: "onthaal-msg onthaal-msg--assistant" });
    setLanguage(message, item.lang, item.dir);
    const body = element("div", { className: "onthaal-msg-body" });
    const text = element("div", { className: "onthaal-msg-text" });
    text.append(this.speakerLabel("widget_assistant"));
    for (const line of item.lines) {
      text.append(element("p", { className: "onthaal-line", attrs: { dir: line.dir }, text: line.text }));
    }
    for (const line of item.dutch?.lines ?? []) {
      const dutch = element("p", { className: "onthaal-line onthaal-nl", attrs: { lang: "nl", dir: "ltr" } });
      dutch.append(this.dutchLabel(), line);
      text.append(dutch);
    }
    body.append(text);
    if (onRead && (item.lines.length || item.buttons.length)) {
      const read = element("button", {
        className: "onthaal-read",
        attrs: { type: "button", "data-label": "widget_read_aloud", "aria-pressed": "false" },
      });
      read.setAttribute("aria-label", this.strings.t("widget_read_aloud"));
      read.setAttribute("title", this.strings.t("widget_read_aloud"));
      read.setAttribute("lang", this.strings.pack.code);
      read.append(pictogramSvg("speaker"));
      read.addEventListener("click", () => onRead(item, read));
      body.append(read);
    }
    message.append(body);
    const buttons = [];
    if (item.buttons.length) {
      const group = element("div", { className: "onthaal-choices" });
      if (item.buttons.every((button) => button.choosesLanguage)) {
        // The multilingual language choice: name the group so screen readers say what the buttons are for.
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", this.strings.t("widget_language"));
      }
      item.buttons.forEach((button, index) => {
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
        group.append(node);
        buttons.push(node);
      });
      message.append(group);
    }
    this.log.append(message);
    return { node: message, buttons };
  }

  dutchLabel() {
    // Seen: a small "NL" tag; heard: "In het Nederlands:".
    const text = (this.staffStrings ?? this.strings).t("widget_dutch");
    const label = element("span");
    label.append(
      element("span", { className: "onthaal-nl-tag", text: "NL", attrs: { title: text, "aria-hidden": "true" } }),
      element("span", { className: "onthaal-sr", text: `${text}: ` }),
    );
    return label;
  }

  /** Shows what the person said (typed text or a button's title). */
  addPersonMessage(text, { lang, dir = "auto" }) {
    const message = element("div", { className: "onthaal-msg onthaal-msg--person" });
    setLanguage(message, lang, dir);
    message.append(this.speakerLabel("widget_you"), element("p", { className: "onthaal-line", text }));
    this.log.append(message);
    this.scrollToEnd();
    return message;
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

  /** @param {"widget_error" | "widget_offline" | "widget_no_voice" | null} key */
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

export function setEnabled(buttons, enabled) {
  for (const button of buttons) button.disabled = !enabled;
}
