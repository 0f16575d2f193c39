/**
 * Everything that touches the DOM: builds the widget, shows messages and the widget's own words.
 *
 * Text only ever goes in through textContent: message text comes from the network and from the person.
 */

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

export class View {
  /**
   * @param {HTMLElement} root the element the widget lives in
   * @param {{fullPage: boolean}} options full page: the widget owns the document's lang, dir and title
   */
  constructor(root, { fullPage }) {
    this.root = root;
    this.fullPage = fullPage;
    const id = `onthaal-${++instances}`;
    root.classList.add("onthaal");
    root.replaceChildren();

    const header = element("header", { className: "onthaal-header" });
    const heading = element("div", { className: "onthaal-heading" });
    this.title = element(fullPage ? "h1" : "h2", {
      className: "onthaal-title",
      attrs: { id: `${id}-title`, "data-text": "widget_title" },
    });
    this.subtitle = element("p", { className: "onthaal-subtitle", attrs: { "data-text": "widget_subtitle" } });
    heading.append(this.title, this.subtitle);
    this.restartButton = element("button", {
      className: "onthaal-restart",
      attrs: { type: "button", "data-text": "widget_restart" },
    });
    header.append(heading, this.restartButton);

    this.log = element("div", {
      className: "onthaal-log",
      attrs: { role: "log", "aria-live": "polite", "aria-labelledby": `${id}-title`, tabindex: "-1" },
    });
    this.typing = element("div", { className: "onthaal-typing", attrs: { role: "status" } });
    this.notice = element("p", { className: "onthaal-notice", attrs: { role: "alert" } });

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

    root.append(header, this.log, this.typing, this.notice, this.form);
    this.reducedMotion = window.matchMedia?.("(prefers-reduced-motion: reduce)");
  }

  /** Shows the widget's own words in the pack's language; lang and dir follow the conversation language. */
  applyChrome(strings, { lang, dir }) {
    for (const node of this.root.querySelectorAll("[data-text]")) {
      node.textContent = strings.t(node.dataset.text);
    }
    this.input.placeholder = strings.t("widget_input_placeholder");
    this.root.setAttribute("lang", lang);
    this.root.setAttribute("dir", dir);
    if (this.fullPage) {
      document.documentElement.setAttribute("lang", lang);
      document.documentElement.setAttribute("dir", dir);
      document.title = strings.t("widget_title");
    }
    this.strings = strings;
    if (this.typing.childElementCount) this.showTyping(true);
  }

  clear() {
    this.log.replaceChildren();
    this.showNotice(null);
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
   * @param {(button: import("./parse.js").Button, node: HTMLButtonElement) => void} onChoose
   */
  addAssistantMessage(item, onChoose) {
    const message = element("div", { className: "onthaal-msg onthaal-msg--assistant" });
    setLanguage(message, item.lang, item.dir);
    message.append(this.speakerLabel("widget_assistant"));
    for (const line of item.lines) {
      message.append(element("p", { className: "onthaal-line", attrs: { dir: line.dir }, text: line.text }));
    }
    const buttons = [];
    if (item.buttons.length) {
      const group = element("div", { className: "onthaal-choices" });
      if (item.buttons.every((button) => button.choosesLanguage)) {
        // The multilingual language choice: name the group so screen readers say what the buttons are for.
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", this.strings.t("widget_language"));
      }
      for (const button of item.buttons) {
        const node = element("button", { className: "onthaal-choice", attrs: { type: "button" }, text: button.title });
        setLanguage(node, button.lang, button.dir);
        node.addEventListener("click", () => {
          node.classList.add("is-chosen");
          onChoose(button, node);
        });
        group.append(node);
        buttons.push(node);
      }
      message.append(group);
    }
    this.log.append(message);
    return { node: message, buttons };
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

  /** @param {"widget_error" | "widget_offline" | null} key */
  showNotice(key) {
    this.notice.textContent = key ? this.strings.t(key) : "";
    this.notice.setAttribute("lang", this.strings?.pack.code ?? "en");
    this.notice.classList.toggle("is-visible", Boolean(key));
    // The notice takes room from the log; keep the message it is about in view.
    if (key) this.scrollToEnd();
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
