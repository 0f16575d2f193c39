/**
 * The conversation: history, language, answers, read-aloud, start again, delete. The outbox (outbox.js) sends,
 * the view (render.js) shows and raises what the person does, the reception desk (reception.js) adds its part.
 *
 * Loaded by widget.js (the entry point), which sends the greeting before this module has even arrived.
 */

import { speechAvailable } from "./dom.js";
import { Outbox } from "./outbox.js";
import { parseReplies, withoutPictograms } from "./parse.js";
import { setEnabled, View } from "./render.js";
import { HANDED_OFF_TTL_MS, mentionsReference, newId, newSenderId } from "./session.js";
import { DEFAULT_LANGUAGE } from "./strings.js";
import { greeting, messageMetadata } from "./transport.js";

const PREFS_KEY = "onthaal.prefs";

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
   *          Promise<unknown[]>}, strings: import("./strings.js").Strings, startLanguage?: string,
   *          fullPage?: boolean, store: import("./session.js").SessionStore, prefs: {getItem, setItem},
   *          desk?: import("./reception.js").ReceptionDesk | null}} options desk: the reception desk, or none
   */
  constructor({ root, transport, strings, store, prefs, startLanguage = "", fullPage = false, desk = null }) {
    this.transport = transport;
    this.strings = strings;
    this.store = store;
    this.prefs = prefs;
    this.desk = desk;
    this.startLanguage = /^[a-z]{2,3}$/.test(startLanguage) ? startLanguage : "";
    this.canReadAloud = speechAvailable();
    this.reader = null; // speech.js, loaded after the first answer: the first render does not need it
    this.generation = 0; // bumped by "start again" and "delete": answers to an older conversation are dropped
    this.history = [];
    this.handedOff = false;
    this.expiryTimer = null;
    this.language = null; // set by the language marker
    this.latestChoices = [];
    this.latestHelp = []; // the help row's buttons: those of the latest assistant message
    this.lastAction = "start";
    this.outbox = new Outbox({
      send: (entry) => this.transport.send(entry.sender, entry.message, messageMetadata(entry, desk?.reception)),
      onDelivered: (entry, replies) => this.delivered(entry, replies),
      onWaiting: (waiting) => this.view.showTyping(waiting),
      onNotice: (key) => this.view.showNotice(key),
      onLost: () => {
        this.view.showNotice("widget_error");
        this.openQuestion(true);
      },
      onChange: () => this.save(),
    });
    desk?.listen({
      onChange: () => this.save(),
      onInfo: (key, words) => this.view.showInfo(key, words),
      onHandBack: () => this.view.focusOpenQuestion(this.latestChoices),
    });
    this.view = new View(
      root,
      { fullPage, staffPanel: desk ? (id) => desk.buildPanel(id) : null },
      {
        onText: (text) => this.answerText(text),
        onLanguage: (pack) => this.chooseLanguage(pack),
        onOpenLanguages: () => this.loadLanguages(),
        onLarger: (large) => this.prefs.setItem(PREFS_KEY, JSON.stringify({ ...readPrefs(this.prefs), large })),
        onStartAgain: () => this.restart(),
        onDelete: () => this.deleteAnswers(),
      },
    );
    this.view.setLarger(Boolean(readPrefs(this.prefs).large));
    // Never a blank frame: the built-in English words until a pack arrives.
    this.view.applyChrome(strings, { lang: strings.pack.code, dir: strings.pack.direction });
  }

  /** A new conversation id: `web-` + UUID, or `desk-` + UUID at the reception desk (the channels accept no other). */
  newSender() {
    return newSenderId(this.desk ? "desk" : "web");
  }

  get startMessage() {
    return greeting(this.startLanguage);
  }

  /**
   * @param {{entry: object, promise: Promise<unknown[]>} | null} early the greeting widget.js already sent while
   *   this module loaded (one round trip less before the first buttons on a slow phone)
   */
  async start(early = null) {
    if (this.desk) {
      await this.desk.start();
      this.view.useDutchWords(this.desk.strings);
    }
    const state = this.store.load();
    if (state) {
      await this.restore(state);
    } else {
      this.sender = early?.entry.sender ?? this.newSender();
      this.outbox.adopt(early);
      // The greeting travels while the language pack loads: one round trip less before the first buttons.
      this.enqueue(this.startMessage, early ? { id: early.entry.id } : {});
      await this.resetChrome();
    }
  }

  /** Read-aloud, loaded once (after the first answer, or at the first "read aloud" if that comes sooner). */
  loadReader() {
    this.readerLoaded ??= import("./speech.js").then(({ Reader }) => {
      this.reader = new Reader();
      return this.reader;
    });
    return this.readerLoaded;
  }

  /** Loads the six packs for the language menu, once; not before the first answer (it would compete with it). */
  loadLanguages() {
    this.languages ??= this.strings.all().then((packs) => this.view.showLanguages(packs));
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
      handedOff: state.handedOff,
    });
    this.outbox.entries = state.outbox;
    if (this.language) await this.switchLanguage(this.language);
    else await this.resetChrome();
    let open = [];
    let latest = null;
    for (const entry of this.history) {
      if (entry.kind === "person") {
        this.view.addPersonMessage(entry.text, entry);
        open = [];
      } else {
        open.push(...this.renderAssistant(entry).buttons);
        latest = entry;
      }
    }
    this.showHelpOf(latest);
    this.view.disableAllChoices();
    this.latestChoices = open;
    this.desk?.setRemarks(state.remarks);
    this.view.scrollToEnd();
    const entries = this.outbox.entries;
    if (entries.some((entry) => entry.sender === this.sender && !entry.silent)) this.outbox.flush();
    else {
      this.openQuestion(true);
      if (entries.length) this.outbox.flush();
    }
  }

  save() {
    const { sender, language, history, handedOff } = this;
    const remarks = this.desk?.remarks ?? [];
    this.store.save({ sender, language, history, outbox: this.outbox.entries, remarks, handedOff });
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
    if (this.desk) this.sender = this.newSender();
    this.enqueue(this.startMessage);
    this.view.focusLog();
  }

  /** "Delete my answers": the assistant forgets (/stop), this device forgets, and a new conversation starts. */
  async deleteAnswers() {
    const old = this.sender;
    this.reset();
    this.desk?.setRemarks([]);
    this.store.clear();
    this.sender = this.newSender();
    await this.resetChrome();
    // /stop goes to the old conversation, also when it has to wait for the connection.
    this.enqueue("/stop", { silent: true, sender: old });
    this.enqueue(this.startMessage);
    this.view.showInfo("widget_deleted");
    this.view.focusLog();
  }

  reset() {
    this.generation += 1;
    this.reader?.stop();
    // Undelivered messages of this conversation are void; a /stop for an earlier one must still go.
    this.outbox.cancel((entry) => entry.sender !== this.sender && entry.message === "/stop");
    this.history = [];
    this.handedOff = false;
    this.language = null;
    this.latestChoices = [];
    this.latestHelp = [];
    this.lastAction = "start";
    this.view.clear();
  }

  answerText(text) {
    this.lastAction = "text";
    this.answer(text, text, { lang: this.language?.code ?? null, dir: "auto" });
  }

  choose(entry, index) {
    const button = entry.item.buttons[index];
    entry.chosen = index;
    this.lastAction = "button";
    this.answer(button.payload, button.title, { lang: button.lang, dir: "auto", button: true });
  }

  /** A help button ("why do you ask this?", "talk to a person"): sent like an answer button. */
  chooseHelp(entry, index) {
    const button = entry.item.help[index];
    this.lastAction = "button";
    this.answer(button.payload, button.title, { lang: button.lang, dir: "auto", button: true });
  }

  /** The help row shows the help buttons of `entry`, the latest assistant message (none: the row is hidden). */
  showHelpOf(entry) {
    this.latestHelp = this.view.showHelp(entry?.item ?? null, { onChoose: (index) => this.chooseHelp(entry, index) });
  }

  /** The open question's answer and help buttons on (it can be answered) or off (an answer is on its way). */
  openQuestion(open) {
    setEnabled(this.latestChoices, open);
    setEnabled(this.latestHelp, open);
  }

  /** The language menu: switch at any moment; the assistant repeats its open question in that language. */
  chooseLanguage(pack) {
    this.lastAction = "button";
    this.answer(`/choose_language{"language":"${pack.code}"}`, pack.name, { lang: pack.code, dir: "auto" });
    this.switchLanguage({ code: pack.code, direction: pack.direction }).then(() => this.save());
  }

  answer(message, shown, { lang, dir, button = false }) {
    // Answering closes the current question; its buttons come back only if the answer cannot be delivered.
    this.openQuestion(false);
    const id = newId();
    this.history.push({ kind: "person", id, text: shown, lang, dir, button });
    this.view.addPersonMessage(shown, { lang, dir, button });
    this.view.showInfo(null);
    this.enqueue(message, { id });
  }

  enqueue(message, { id = newId(), silent = false, sender = this.sender } = {}) {
    const entry = { id, sender, message, silent };
    if (!silent) this.desk?.attachRemarks(entry);
    this.outbox.push(entry);
  }

  /** Rasa answered a message: show the answer if it belongs to this conversation and was not a silent one. */
  async delivered(entry, replies) {
    const generation = this.generation;
    if (!entry.silent && entry.sender === this.sender) await this.show(replies, generation);
    if (generation !== this.generation) return;
    this.loadLanguages();
    if (this.canReadAloud) this.loadReader();
  }

  renderAssistant(entry) {
    return this.view.addAssistantMessage(entry.item, {
      chosen: entry.chosen ?? null,
      onChoose: (index) => this.choose(entry, index),
      onRead: this.canReadAloud ? (item, node) => this.readAloud(item, node) : null,
    });
  }

  async show(replies, generation) {
    const { items } = parseReplies(replies, this.language);
    const batchChoices = [];
    let first = null;
    let latest = null;
    for (const item of items) {
      if (item.type === "language") {
        await this.switchLanguage(item.language);
        if (generation !== this.generation) return;
        continue;
      }
      const entry = { kind: "assistant", item, chosen: null };
      this.history.push(entry);
      if (item.lines.some((line) => mentionsReference(line.text))) this.handedOff = true;
      const { node, buttons } = this.renderAssistant(entry);
      batchChoices.push(...buttons);
      first ??= node;
      latest = entry;
    }
    if (!first) {
      // Nothing to show (e.g. Rasa only listened): the previous question is still the open one.
      this.openQuestion(true);
      return;
    }
    this.view.reveal(first);
    this.latestChoices = batchChoices;
    this.showHelpOf(latest);
    if (this.lastAction === "button") this.view.keepFocusUseful(batchChoices);
  }

  async switchLanguage(language) {
    this.language = language;
    await this.strings.use(language.code);
    this.view.applyChrome(this.strings, { lang: language.code, dir: language.direction });
  }

  /** Reads a message and its answer buttons aloud; the multilingual language choice line by line. */
  async readAloud(item, node) {
    const reader = await this.loadReader();
    if (node.getAttribute("aria-pressed") === "true") {
      reader.stop();
      return;
    }
    const chrome = this.strings.pack.code;
    // The words only: a speech engine reads a pictogram as its name ("check mark button").
    const lines = [item.progress?.text, ...item.lines.map((line) => line.text)].filter(Boolean).map(withoutPictograms);
    let parts;
    if (item.lang) {
      const words = [...lines, ...item.buttons.map((button) => withoutPictograms(button.label ?? button.title))];
      parts = [{ text: words.filter(Boolean).join(". "), lang: item.lang }];
    } else if (item.buttons.length === lines.length) {
      parts = lines.map((text, index) => ({ text, lang: item.buttons[index].lang || chrome }));
    } else {
      parts = [{ text: lines.join(". "), lang: chrome }];
    }
    node.setAttribute("aria-pressed", "true");
    const spoken = reader.speak(parts, () => node.setAttribute("aria-pressed", "false"));
    if (!spoken) {
      node.setAttribute("aria-pressed", "false");
      this.view.showNotice("widget_no_voice");
    }
  }
}
