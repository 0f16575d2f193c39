// Unit tests for web_widget/parse.js (pure). Run: node --test tests/browser/parse.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  chosenLanguage,
  isHelpPayload,
  languageMarker,
  parseReplies,
  progressOf,
  splitPictogram,
} from "../../web_widget/parse.js";

const languageChoice = {
  recipient_id: "s",
  text: "Which language do you want to use?\nКой език искаш да използваш?\nبه کدام زبان؟",
  buttons: [
    { title: "English", payload: '/choose_language{"language":"en"}' },
    { title: "دری", payload: '/choose_language{"language":"prs"}' },
  ],
};
const dariMarker = { recipient_id: "s", custom: { onthaal: { language: "prs", direction: "rtl" } } };

test("before the language marker every line and language button is dir=auto", () => {
  const { items, language } = parseReplies([languageChoice], null);
  assert.equal(language, null);
  assert.equal(items.length, 1);
  const [message] = items;
  assert.equal(message.type, "message");
  assert.equal(message.lang, null);
  assert.equal(message.dir, "auto");
  assert.deepEqual(
    message.lines.map((line) => line.dir),
    ["auto", "auto", "auto"],
  );
  assert.deepEqual(message.buttons[1], {
    title: "دری",
    payload: '/choose_language{"language":"prs"}',
    lang: "prs",
    dir: "auto",
    choosesLanguage: true,
    pictogram: null,
    label: "دری",
  });
});

test("the marker switches lang and dir of the messages after it, not before", () => {
  const replies = [
    { recipient_id: "s", text: "before" },
    dariMarker,
    { recipient_id: "s", text: "سلام", buttons: [{ title: "بلی", payload: "/affirm" }] },
  ];
  const { items, language } = parseReplies(replies, null);
  assert.deepEqual(language, { code: "prs", direction: "rtl" });
  assert.deepEqual(
    items.map((item) => item.type),
    ["message", "language", "message"],
  );
  assert.equal(items[0].dir, "auto");
  assert.equal(items[2].lang, "prs");
  assert.equal(items[2].dir, "rtl");
  assert.equal(items[2].lines[0].dir, null); // inherits the message's dir
  assert.deepEqual(items[2].buttons[0], {
    title: "بلی",
    payload: "/affirm",
    lang: "prs",
    dir: "rtl",
    choosesLanguage: false,
    pictogram: null,
    label: "بلی",
  });
});

test("the language carries over to the next reply", () => {
  const { items } = parseReplies([{ text: "Да" }], { code: "bg", direction: "ltr" });
  assert.equal(items[0].lang, "bg");
  assert.equal(items[0].dir, "ltr");
});

test("a marker without text renders nothing itself; odd markers are ignored", () => {
  assert.equal(parseReplies([dariMarker]).items.length, 1);
  assert.equal(languageMarker({ custom: { onthaal: { language: "../../x" } } }), null);
  assert.equal(languageMarker({ custom: { other: true } }), null);
  assert.deepEqual(languageMarker({ custom: { onthaal: { language: "BG", direction: "sideways" } } }), {
    code: "bg",
    direction: "ltr",
  });
});

test("junk in the reply list does not throw", () => {
  const { items } = parseReplies([null, 3, "x", {}, { text: "" }, { buttons: [{ payload: "/x" }] }, { text: "ok" }]);
  assert.equal(items.length, 1);
  assert.deepEqual(parseReplies({ not: "a list" }).items, []);
});

test("a button without payload sends its title", () => {
  const { items } = parseReplies([{ text: "q", buttons: [{ title: "Gent" }] }]);
  assert.equal(items[0].buttons[0].payload, "Gent");
});

const dariQuestion = {
  recipient_id: "s",
  text: "پرسش ۳ از ۷\nشما چند سال دارید؟",
  buttons: [
    { title: "✅ بلی", payload: "/affirm" },
    { title: "⏭️ نمی‌خواهم بگویم", payload: "/skip" },
    { title: "❓ چرا این را می‌پرسید؟", payload: "/why_ask" },
    { title: "🙋 با یک انسان صحبت کنم", payload: "/talk_to_person" },
  ],
};

test("the help buttons are kept apart from the answers, in Rasa's order", () => {
  const [, message] = parseReplies([dariMarker, dariQuestion]).items;
  assert.deepEqual(
    message.buttons.map((button) => button.payload),
    ["/affirm", "/skip"],
  );
  assert.deepEqual(
    message.help.map((button) => button.payload),
    ["/why_ask", "/talk_to_person"],
  );
  assert.equal(message.help[1].title, "🙋 با یک انسان صحبت کنم"); // sent as the person's answer, as it was
  assert.equal(message.help[1].label, "با یک انسان صحبت کنم");
  assert.equal(message.help[1].dir, "rtl");
  assert.ok(isHelpPayload(" /why_ask "));
  assert.ok(!isHelpPayload('/why_ask{"x":1}') && !isHelpPayload("/affirm") && !isHelpPayload(undefined));
  // A message without help buttons has none (the widget hides its help row then).
  assert.deepEqual(parseReplies([{ text: "ok", buttons: [{ title: "Ja", payload: "/affirm" }] }]).items[0].help, []);
});

test("a leading pictogram is split from the button's words, also with variation selectors and ZWJ", () => {
  const cases = [
    ["✅ Yes", "✅", "Yes"],
    ["⏭️ I'd rather not say", "⏭️", "I'd rather not say"],
    ["🏠 A place to live", "🏠", "A place to live"],
    ["👩🏽‍💻 Work with computers", "👩🏽‍💻", "Work with computers"],
    ["🇧🇪 Belgium", "🇧🇪", "Belgium"],
    ["1️⃣ One", "1️⃣", "One"],
    ["Yes", null, "Yes"],
    ["25 to 34", null, "25 to 34"],
    ["✅", null, "✅"], // nothing after it: the title stays whole, a button needs words
    ["✅Yes", null, "✅Yes"],
  ];
  for (const [title, pictogram, label] of cases) {
    assert.deepEqual(splitPictogram(title), { pictogram, label }, title);
  }
  const [, message] = parseReplies([dariMarker, dariQuestion]).items;
  assert.equal(message.buttons[1].pictogram, "⏭️");
  assert.equal(message.buttons[1].label, "نمی‌خواهم بگویم");
});

test("the progress line is recognised by its shape, in any of the six languages' digits", () => {
  for (const line of ["Question 3 of 7", "Vraag 3 van 7", "Въпрос 3 от 7", "Întrebarea 3 din 7", "Otázka 3 z 7"]) {
    assert.deepEqual(progressOf(line), { text: line, current: 3, total: 7 }, line);
  }
  assert.deepEqual(progressOf("پرسش ۳ از ۷"), { text: "پرسش ۳ از ۷", current: 3, total: 7 });
  assert.deepEqual(progressOf("سؤال ١٢ من ١٥"), { text: "سؤال ١٢ من ١٥", current: 12, total: 15 });
  // Not a progress line: a sentence, one or three numbers, a range, a phone number, more done than there is.
  for (const line of [
    "Part 2 of 3: about you. How old are you?",
    "Age: 25 to 34",
    "Question 3",
    "3/7",
    "Call 112 or 1813",
    "Question 8 of 7",
    "Question 1 of 2 of 3",
    "A very long first line that happens to say 3 and 7",
  ]) {
    assert.equal(progressOf(line), null, line);
  }
});

test("a message starting with a progress line gets it apart; a one-line message keeps its line", () => {
  const [, message] = parseReplies([dariMarker, dariQuestion]).items;
  assert.deepEqual(message.progress, { text: "پرسش ۳ از ۷", current: 3, total: 7 });
  assert.deepEqual(
    message.lines.map((line) => line.text),
    ["شما چند سال دارید؟"],
  );
  const [single] = parseReplies([{ text: "Question 3 of 7" }]).items;
  assert.equal(single.progress, null);
  assert.deepEqual(
    single.lines.map((line) => line.text),
    ["Question 3 of 7"],
  );
});

test("the Dutch version at the desk leaves out the progress line and the pictograms, help apart", () => {
  const reception = {
    ...dariQuestion,
    onthaal_nl: {
      text: "Vraag 3 van 7\nHoe oud ben je?",
      buttons: ["✅ Ja", "⏭️ Zeg ik liever niet", "❓ Waarom vraag je dit?", "🙋 Met een mens praten"],
    },
  };
  const [, message] = parseReplies([dariMarker, reception]).items;
  assert.deepEqual(message.dutch, {
    lines: ["Hoe oud ben je?"],
    buttons: ["Ja", "Zeg ik liever niet"],
    help: ["Waarom vraag je dit?", "Met een mens praten"],
  });
});

test("chosenLanguage reads only real choose_language payloads", () => {
  assert.equal(chosenLanguage('/choose_language{"language":"ro"}'), "ro");
  assert.equal(chosenLanguage('/choose_language{"language": "sk"}'), "sk");
  assert.equal(chosenLanguage("/choose_language{broken"), null);
  assert.equal(chosenLanguage('/affirm{"language":"ro"}'), null);
  assert.equal(chosenLanguage('/choose_language{"language":"<b>"}'), null);
});

test("text is kept verbatim for textContent (no HTML interpretation here)", () => {
  const { items } = parseReplies([{ text: "<img src=x onerror=alert(1)>" }]);
  assert.equal(items[0].lines[0].text, "<img src=x onerror=alert(1)>");
});

import { pictogramFor, PATHS } from "../../web_widget/pictograms.js";
import {
  HANDED_OFF_TTL_MS,
  isSenderId,
  mentionsReference,
  newId,
  newSenderId,
  SessionStore,
  UNFINISHED_TTL_MS,
} from "../../web_widget/session.js";

test("pictograms are chosen by payload and degrade to none", () => {
  assert.equal(pictogramFor("/affirm"), "yes");
  assert.equal(pictogramFor("/deny"), "no");
  assert.equal(pictogramFor("/skip"), "skip");
  for (const group of ["housing", "money", "health", "family", "learn_dutch", "work", "school", "digital"]) {
    const name = pictogramFor(`/choose_need{"need_group":"${group}"}`);
    assert.ok(name && PATHS[name], group);
  }
  assert.equal(pictogramFor('/choose_contact{"contact_method":"email"}'), "mail");
  assert.equal(pictogramFor('/choose_need{"need_group":"something_new"}'), null);
  assert.equal(pictogramFor("/an_intent_from_next_year"), null);
  assert.equal(pictogramFor("Gent"), null);
  assert.equal(pictogramFor('/choose_need{broken'), null);
  assert.equal(pictogramFor(undefined), null);
});

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => items.set(key, value),
    removeItem: (key) => items.delete(key),
    items,
  };
}

test("the stored session expires 30 minutes after the hand-off, 24 hours otherwise", () => {
  let now = 1_000_000;
  const storage = memoryStorage();
  const store = new SessionStore(storage, "k", () => now);
  const sender = newSenderId("web");
  const state = { sender, language: null, history: [], outbox: [], handedOff: false };
  store.save(state);
  now += HANDED_OFF_TTL_MS + 1;
  assert.equal(store.load().sender, sender);
  store.save({ ...state, handedOff: true });
  now += HANDED_OFF_TTL_MS - 1;
  assert.equal(store.load().handedOff, true);
  now += 2;
  assert.equal(store.load(), null);
  assert.equal(storage.items.size, 0); // expired means removed, not only hidden
  store.save(state);
  now += UNFINISHED_TTL_MS;
  assert.equal(store.load(), null);
  storage.setItem("k", "{not json");
  assert.equal(store.load(), null);
});

const WEB_SENDER = /^web-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DESK_SENDER = /^desk-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test("conversation ids are web- or desk- and a UUID, also without crypto.randomUUID", () => {
  assert.match(newSenderId("web"), WEB_SENDER);
  assert.match(newSenderId("desk"), DESK_SENDER);
  const saved = globalThis.crypto.randomUUID;
  globalThis.crypto.randomUUID = undefined; // older phones on plain http
  try {
    const fallback = newSenderId("web");
    assert.match(fallback, WEB_SENDER);
    assert.equal(fallback[4 + 14], "4", "a version 4 UUID");
    assert.notEqual(newSenderId("web"), fallback);
  } finally {
    globalThis.crypto.randomUUID = saved;
  }
  assert.ok(isSenderId(newSenderId("web"), "web"));
  assert.ok(!isSenderId(newSenderId("desk"), "web"), "a desk conversation is not the widget's");
  assert.ok(!isSenderId(newId(), "web"), "message ids are not conversation ids");
  assert.ok(!isSenderId("wa-0123456789abcdef01234567", "web"));
});

test("a stored session with a sender the channel no longer accepts is removed: a new conversation starts", () => {
  const storage = memoryStorage();
  const store = new SessionStore(storage, "k", () => 1_000_000, "web");
  const old = { sender: "0f8e2a1c9b7d4e6fa1b2c3d4e5f60718", language: "bg", history: [], outbox: [], handedOff: false };
  store.save(old);
  assert.equal(store.load(), null);
  assert.equal(storage.items.size, 0);
  const desk = new SessionStore(storage, "k", () => 1_000_000, "desk");
  desk.save({ ...old, sender: newSenderId("web") });
  assert.equal(desk.load(), null, "a desk session never continues a widget conversation");
  desk.save({ ...old, sender: newSenderId("desk") });
  assert.match(desk.load().sender, DESK_SENDER);
});

test("a hand-off is recognised by its reference", () => {
  assert.ok(mentionsReference("Your reference is ONT-7K3M9Q. Keep it."));
  assert.ok(!mentionsReference("ONT-0O1IL0 is not a reference (no 0, O, 1, I, L)"));
  assert.ok(!mentionsReference(undefined));
});
