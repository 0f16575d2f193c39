// Unit tests for web_widget/parse.js (pure). Run: node --test tests/browser/parse.test.mjs
import assert from "node:assert/strict";
import { test } from "node:test";

import { chosenLanguage, languageMarker, parseReplies } from "../../web_widget/parse.js";

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
