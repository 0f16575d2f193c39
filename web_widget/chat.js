/**
 * The conversation: outbox, history, language, read-aloud, start again, delete, the reception desk's staff panel.
 *
 * Loaded by widget.js (the entry point), which sends the greeting before this module has even arrived.
 */

import { parseReplies } from "./parse.js";
import { setEnabled, View } from "./render.js";
import { HANDED_OFF_TTL_MS, mentionsReference, newId, newSenderId } from "./session.js";
import { Reader, speechAvailable } from "./speech.js";
import { DEFAULT_LANGUAGE, Strings } from "./strings.js";
import { greeting, messageMetadata, TransportError } from "./transport.js";

const PREFS_KEY = "onthaal.prefs";
const RETRY_MS = 5000;

function readPrefs(storage) {
  try {
    return JSON.parse(storage.getItem(PREFS_KEY) || "{}") || {};
  } catch {
    return {};
  }
}

export class ChatWidget {
  /**
   * @param {{root: HTMLElement, transport: {send(sender: string, message: string, metadata?: object):
   *          Promise<unknown[]>}, strings: Strings, startLanguage?: string, fullPage?: boolean,
   *          store: SessionStore, prefs: {getItem, setItem}, reception?: {staff: string, token: string} | null}}
   *   options
   */
  constructor({ root, transport, strings, store, prefs, startLanguage = "", fullPage = false, reception = null }) {
    this.transport = transport;
    this.strings = strings;
    this.store = store;
    this.prefs = prefs;
    this.reception = reception;
    this.startLanguage = /^[a-z]{2,3}$/.test(startLanguage) ? startLanguage : "";
    this.view = new View(root, { fullPage, reception });
    this.reader = speechAvailable() ? new Reader() : null;
    this.generation = 0; // bumped by "start again" and "delete": answers to an older conversation are dropped
    this.outbox = [];
    this.history = [];
    this.remarks = [];
    this.handedOff = false;
    this.flushing = false;
    this.retryTimer = null;
    this.expiryTimer = null;
    this.language = null; // set by the language marker
    this.latestChoices = [];
    this.lastAction = "start";

    const view = this.view;
    view.restartButton.addEventListener("click", () => this.restart());
    view.deleteConfirm.addEventListener("click", () => {
      view.deleteDialog.close();
      this.deleteAnswers();
    });
    view.languageButton.addEventListener("click", async () => {
      if (view.languageMenu.hidden) await this.loadLanguages();
      view.toggleLanguageMenu();
    });
    view.languageMenu.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      view.toggleLanguageMenu(false);
      view.languageButton.focus();
    });
    view.largerButton.addEventListener("click", () => {
      const large = view.largerButton.getAttribute("aria-pressed") !== "true";
      view.setLarger(large);
      this.prefs.setItem(PREFS_KEY, JSON.stringify({ ...readPrefs(this.prefs), large }));
    });
    view.setLarger(Boolean(readPrefs(this.prefs).large));
    // Never a blank frame: the built-in English words until a pack arrives.
    view.applyChrome(strings, { lang: strings.pack.code, dir: strings.pack.direction });
    view.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitText();
    });
    if (reception) {
      view.remarkButton.addEventListener("click", () => this.addRemark());
      view.handBackButton.addEventListener("click", () => this.handBack());
      view.takeOverButton.addEventListener("click", () => {
        view.showStaffPanel(true);
        view.remarkInput.focus();
      });
    }
    window.addEventListener("online", () => this.flush());
  }

  /** A new conversation id: `web-` + UUID, or `desk-` + UUID at the reception desk (the channels accept no other). */
  newSender() {
    return newSenderId(this.reception ? "desk" : "web");
  }

  get startMessage() {
    return greeting(this.startLanguage);
  }

  /**
   * @param {{entry: object, promise: Promise<unknown[]>} | null} early the greeting widget.js already sent while
   *   this module loaded (one round trip less before the first buttons on a slow phone)
   */
  async start(early = null) {
    if (this.reception) {
      this.staffStrings = new Strings({ moduleUrl: this.strings.moduleUrl });
      await this.staffStrings.use("nl");
      this.view.applyStaffChrome(this.staffStrings);
    }
    const state = this.store.load();
    if (state) {
      await this.restore(state);
    } else {
      this.sender = early?.entry.sender ?? this.newSender();
      this.early = early;
      // The greeting travels while the language pack loads: one round trip less before the first buttons.
      this.enqueue(this.startMessage, early ? { id: early.entry.id } : {});
      await this.resetChrome();
    }
  }

  /** Loads the six packs for the language menu, once; not before the first answer (it would compete with it). */
  loadLanguages() {
    this.languages ??= this.strings.all().then((packs) => {
      this.view.showLanguages(packs, (pack) => this.chooseLanguage(pack));
    });
    return this.languages;
  }

  async resetChrome() {
    const generation = this.generation;
    const pack = await this.strings.load(this.startLanguage || DEFAULT_LANGUAGE);
    if (generation !== this.generation || this.language) return; // the conversation's language came first
    this.strings.pack = pack;
    this.view.applyChrome(this.strings, { lang: pack.code, dir: pack.direction });
  }

  /** Shows the stored conversation again and sends what was not delivered yet (each message once). */
  async restore(state) {
    Object.assign(this, {
      sender: state.sender,
      language: state.language,
      history: state.history,
      outbox: state.outbox,
      remarks: state.remarks,
      handedOff: state.handedOff,
    });
    if (this.language) await this.switchLanguage(this.language);
    else await this.resetChrome();
    let open = [];
    for (const entry of this.history) {
      if (entry.kind === "person") {
        this.view.addPersonMessage(entry.text, entry);
        open = [];
      } else {
        open.push(...this.renderAssistant(entry));
      }
    }
    const all = [...this.view.log.querySelectorAll(".onthaal-choice")];
    setEnabled(all, false);
    this.latestChoices = open;
    this.view.showRemarks(this.remarks.map((remark) => remark.text));
    this.view.scrollToEnd();
    if (this.outbox.some((entry) => entry.sender === this.sender && !entry.silent)) this.flush();
    else {
      setEnabled(open, true);
      if (this.outbox.length) this.flush();
    }
  }

  save() {
    const { sender, language, history, outbox, remarks, handedOff } = this;
    this.store.save({ sender, language, history, outbox, remarks, handedOff });
    clearTimeout(this.expiryTimer);
    if (handedOff) {
      // Shared phones: after the hand-off the stored chat goes after 30 minutes without activity.
      this.expiryTimer = setTimeout(() => this.store.clear(), HANDED_OFF_TTL_MS);
    }
  }

  /** "Start again": Rasa's /restart resets this conversation, then the greeting. */
  async restart() {
    const old = this.sender;
    this.reset();
    await this.resetChrome();
    this.enqueue("/restart", { silent: true, sender: old });
    // At the desk "start again" usually means the next client: a new conversation, never a shared one.
    if (this.reception) this.sender = this.newSender();
    this.enqueue(this.startMessage);
    this.view.log.focus({ preventScroll: true });
  }

  /** "Delete my answers": the assistant forgets (/stop), this device forgets, and a new conversation starts. */
  async deleteAnswers() {
    const old = this.sender;
    this.reset();
    this.remarks = [];
    this.view.showRemarks([]);
    this.store.clear();
    this.sender = this.newSender();
    await this.resetChrome();
    // /stop goes to the old conversation, also when it has to wait for the connection.
    this.enqueue("/stop", { silent: true, sender: old });
    this.enqueue(this.startMessage);
    this.view.showInfo("widget_deleted");
    this.view.log.focus({ preventScroll: true });
  }

  reset() {
    this.generation += 1;
    this.flushing = false;
    clearTimeout(this.retryTimer);
    this.reader?.stop();
    // Undelivered messages of this conversation are void; a /stop for an earlier one must still go.
    this.outbox = this.outbox.filter((entry) => entry.sender !== this.sender && entry.message === "/stop");
    this.history = [];
    this.handedOff = false;
    this.language = null;
    this.latestChoices = [];
    this.lastAction = "start";
    this.view.clear();
  }

  submitText() {
    const text = this.view.input.value.trim();
    if (!text) {
      this.view.input.focus();
      return;
    }
    this.view.input.value = "";
    this.lastAction = "text";
    this.answer(text, text, { lang: this.language?.code ?? null, dir: "auto" });
  }

  choose(entry, index) {
    const button = entry.item.buttons[index];
    entry.chosen = index;
    this.lastAction = "button";
    this.answer(button.payload, button.title, { lang: button.lang, dir: "auto" });
  }

  /** The language menu: switch at any moment; the assistant repeats its open question in that language. */
  chooseLanguage(pack) {
    this.view.toggleLanguageMenu(false);
    this.lastAction = "button";
    this.answer(`/choose_language{"language":"${pack.code}"}`, pack.name, { lang: pack.code, dir: "auto" });
    this.switchLanguage({ code: pack.code, direction: pack.direction }).then(() => this.save());
    this.view.languageButton.focus();
  }

  answer(message, shown, { lang, dir }) {
    // Answering closes the current question; its buttons come back only if the answer cannot be delivered.
    setEnabled(this.latestChoices, false);
    const id = newId();
    this.history.push({ kind: "person", id, text: shown, lang, dir });
    this.view.addPersonMessage(shown, { lang, dir });
    this.view.showInfo(null);
    this.enqueue(message, { id });
  }

  enqueue(message, { id = newId(), silent = false, sender = this.sender } = {}) {
    const entry = { id, sender, message, silent };
    if (this.reception && !silent) {
      const pending = this.remarks.filter((remark) => !remark.sent);
      if (pending.length) entry.remarks = pending.map((remark) => remark.text);
      for (const remark of pending) remark.sent = true;
    }
    this.outbox.push(entry);
    this.save();
    this.flush();
  }

  metadata(entry) {
    return messageMetadata(entry, this.reception);
  }

  /** Sends queued messages one at a time, in order, so Rasa sees them as they were given. */
  async flush() {
    if (this.flushing || this.outbox.length === 0) return;
    const generation = this.generation;
    this.flushing = true;
    clearTimeout(this.retryTimer);
    this.view.showTyping(true);
    try {
      while (this.outbox.length > 0) {
        const entry = this.outbox[0];
        let replies;
        const early = this.early?.entry.id === entry.id ? this.early : null;
        this.early = null;
        try {
          replies = await (early ? early.promise : this.transport.send(entry.sender, entry.message, this.metadata(entry)));
        } catch (error) {
          if (generation !== this.generation) return;
          this.handleFailure(error, entry);
          return;
        }
        if (generation !== this.generation) return;
        this.outbox.shift();
        this.view.showNotice(null);
        if (!entry.silent && entry.sender === this.sender) await this.show(replies, generation);
        if (generation !== this.generation) return;
        this.save();
        this.loadLanguages();
      }
    } finally {
      if (generation === this.generation) {
        this.flushing = false;
        this.view.showTyping(false);
      }
    }
  }

  handleFailure(error, entry) {
    if (error instanceof TransportError && (error.kind === "offline" || error.kind === "busy")) {
      // Keep the message; send it when the browser says it is online again, or on the next retry.
      this.view.showNotice(error.kind === "busy" ? "widget_busy" : "widget_offline");
      this.retryTimer = setTimeout(() => this.flush(), RETRY_MS);
      return;
    }
    // Rasa answered but failed: drop this message and let the person try again.
    this.outbox.shift();
    this.save();
    if (entry.silent) {
      this.flushing = false;
      this.flush();
      return;
    }
    this.view.showNotice("widget_error");
    setEnabled(this.latestChoices, true);
  }

  renderAssistant(entry) {
    const { buttons } = this.view.addAssistantMessage(entry.item, {
      chosen: entry.chosen ?? null,
      onChoose: (index) => this.choose(entry, index),
      onRead: this.reader ? (item, node) => this.readAloud(item, node) : null,
    });
    return buttons;
  }

  async show(replies, generation) {
    const { items } = parseReplies(replies, this.language);
    const batchChoices = [];
    let first = null;
    for (const item of items) {
      if (item.type === "language") {
        await this.switchLanguage(item.language);
        if (generation !== this.generation) return;
        continue;
      }
      const entry = { kind: "assistant", item, chosen: null };
      this.history.push(entry);
      if (item.lines.some((line) => mentionsReference(line.text))) this.handedOff = true;
      const before = this.view.log.lastElementChild;
      batchChoices.push(...this.renderAssistant(entry));
      first ??= before ? before.nextElementSibling : this.view.log.firstElementChild;
    }
    if (!first) {
      // Nothing to show (e.g. Rasa only listened): the previous question is still the open one.
      setEnabled(this.latestChoices, true);
      return;
    }
    this.view.reveal(first);
    this.latestChoices = batchChoices;
    this.moveFocus(batchChoices);
  }

  async switchLanguage(language) {
    this.language = language;
    await this.strings.use(language.code);
    this.view.applyChrome(this.strings, { lang: language.code, dir: language.direction });
  }

  /** Reads a message and its answer buttons aloud; the multilingual language choice line by line. */
  readAloud(item, node) {
    if (node.getAttribute("aria-pressed") === "true") {
      this.reader.stop();
      return;
    }
    const chrome = this.strings.pack.code;
    let parts;
    if (item.lang) {
      const words = [...item.lines.map((line) => line.text), ...item.buttons.map((button) => button.title)];
      parts = [{ text: words.join(". "), lang: item.lang }];
    } else if (item.buttons.length === item.lines.length) {
      parts = item.lines.map((line, index) => ({ text: line.text, lang: item.buttons[index].lang || chrome }));
    } else {
      parts = [{ text: item.lines.map((line) => line.text).join(". "), lang: chrome }];
    }
    node.setAttribute("aria-pressed", "true");
    const spoken = this.reader.speak(parts, () => node.setAttribute("aria-pressed", "false"));
    if (!spoken) {
      node.setAttribute("aria-pressed", "false");
      this.view.showNotice("widget_no_voice");
    }
  }

  addRemark() {
    const text = this.view.remarkInput.value.trim();
    if (!text) {
      this.view.remarkInput.focus();
      return;
    }
    this.remarks.push({ text, sent: false });
    this.view.remarkInput.value = "";
    this.view.showRemarks(this.remarks.map((remark) => remark.text));
    this.view.showInfo("widget_reception_remark_saved", this.staffStrings);
    this.save();
  }

  /** The staff member hands the screen back: the staff panel folds away, the client's question gets focus. */
  handBack() {
    this.view.showStaffPanel(false);
    const open = this.latestChoices.find((button) => !button.disabled);
    (open ?? this.view.input).focus();
  }

  moveFocus(choices) {
    // After a button click the focused button is now disabled; put keyboard focus somewhere useful
    // without popping up the phone keyboard.
    if (this.lastAction !== "button") return;
    const active = document.activeElement;
    if (active && active !== document.body && !active.disabled) return;
    if (choices.length > 0) choices[0].focus({ preventScroll: true });
    else this.view.log.focus({ preventScroll: true });
  }
}
