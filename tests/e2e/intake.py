"""Holds a whole intake against the running assistant, answering whichever question it asks.

A script says, per question slot (bot/questions.yml), what the person does:
  "skip"               tap "I'd rather not say"
  "<option id>"        tap that option's button (for the neighbourhood: a wijk id or no_fixed_address/outside_ghent)
  ["a", "b"]           several taps, then "Done" ([] taps "No, none of these")
  ("type", "words")    type the words
and `confirm_needs`: True/False, for "I understood: ... Is that right?"; `check_needs`: {need id: True/False}, for
"Did I understand you right? You need help with this: ..." about a need the assistant is unsure of (yes when the
need is not listed); `confirm_name`: True/False, for "Shall
we call you Ionel?"; `contact_detail`: "known_number" taps "Yes, use this number" where the channel knows it.
Questions the script does not mention are skipped; `tell_more` is "no" unless the script says otherwise, as a
person in a hurry would answer.
The chat is tests/e2e/chat.py's Chat (REST), DeskChat (the reception desk), or anything with the same `greet`,
`say`, `click`, `texts` and `buttons` (tests/channels/people.py ChannelChat, the browser's WidgetChat).
Every tap and every typed answer counts in `taps`, from the language button to "Yes, send it".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.e2e.chat import Chat, pack, without_progress

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "bg": "Български",
    "sk": "Slovenčina",
    "ro": "Română",
    "prs": "دری",
}
MAX_TURNS = 80


def questions() -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / "bot" / "questions.yml").read_text("utf-8"))["questions"]


def wijk_names() -> dict[str, str]:
    config = yaml.safe_load((ROOT / "config" / "neighbourhoods.yml").read_text("utf-8"))
    return {wijk["id"]: wijk["name"] for wijk in config["neighbourhoods"]}


def _prefix(template: str) -> str:
    return template.split("{")[0]


def fills(template: str, text: str) -> bool:
    """Whether `text` is `template` with its placeholders filled in."""
    pattern = ".+".join(re.escape(part) for part in re.split(r"\{[a-z_]+\}", template))
    return re.fullmatch(pattern, text, re.DOTALL) is not None


class IntakeScript:
    def __init__(self, chat: Chat, language: str, script: dict[str, Any]) -> None:
        self.chat = chat
        self.language = language
        self.script = script
        self.texts = pack(language)
        self.turns = 0
        self.taps = 0
        self.asked: list[str] = []
        self.checked: list[str] = []  # the needs asked about on their own, in the words the person read
        self.progress: list[str] = []
        self.code: str | None = None

    def say(self, message: str) -> None:
        self.turns += 1
        self.taps += 1
        self.chat.say(message)

    def click(self, title: str) -> None:
        self.turns += 1
        self.taps += 1
        self.chat.click(title)

    def start(self, opening: str) -> None:
        if opening == "button":
            self.chat.greet()  # opening the chat; the person's first tap is the language
            self.turns += 1
            if self.texts["consent_question"] not in self.chat.texts:  # unless the app's language chose it
                self.click(LANGUAGE_NAMES[self.language])
        else:
            self.say(opening)
        assert self.texts["consent_question"] in self.chat.texts, self.chat.replies
        self.click(self.texts["consent_yes"])

    def current_question(self) -> str:
        shown = self.chat.texts[-1]
        last = without_progress(shown)
        if last != shown:
            self.progress.append(shown.partition("\n")[0])
        if last.startswith(self.texts["readback_intro"]):
            return "readback"
        if last.startswith(_prefix(self.texts["confirm_needs"])):
            return "confirm_needs"
        if fills(self.texts["check_need"], last):
            return "check_need"
        if last != self.texts["ask_contact_name"] and fills(self.texts["ask_name_confirmed"], last):
            return "name_confirmed"
        if last.startswith(_prefix(self.texts["ask_more"])):
            return self.asked[-1]  # the same multiple question, with what is chosen so far
        if last in (self.texts["ask_contact_phone"], self.texts["ask_contact_email"]) or last.startswith(
            _prefix(self.texts["ask_use_known_number"])
        ):
            return "contact_detail"
        for question in questions():
            if last == self.texts.get(f"ask_{question['slot']}"):
                return question["slot"]
        raise AssertionError(f"unknown question: {last!r}")

    def answer(self, slot: str) -> None:
        self.asked.append(slot)
        if slot == "confirm_needs":
            confirm = self.script.get("confirm_needs", True)
            self.click(self.texts["confirm_needs_yes" if confirm else "confirm_needs_no"])
            return
        if slot == "check_need":
            shown = without_progress(self.chat.texts[-1])
            self.checked.append(shown)
            confirm = next(
                (
                    yes
                    for need, yes in (self.script.get("check_needs") or {}).items()
                    if shown == self.texts["check_need"].replace("{need}", self.texts[f"need_{need}"])
                ),
                True,
            )
            self.click(self.texts["confirm_needs_yes" if confirm else "confirm_needs_no"])
            return
        if slot == "name_confirmed":
            confirm = self.script.get("confirm_name", True)
            self.click(self.texts["name_confirm_yes" if confirm else "name_confirm_no"])
            return
        answer = self.script.get(slot, "no" if slot == "tell_more" else "skip")
        if slot == "contact_detail" and answer == "known_number":
            self.click(self.texts["use_known_number_yes"])
        elif answer == "skip":
            self.click(self.texts["skip_button"])
        elif isinstance(answer, tuple):
            self.say(answer[1])
        elif isinstance(answer, list):
            for option in answer:
                self.click(self.texts[f"{slot}_{option}"])
            if not answer:
                self.click(self.texts["multi_none"])
            elif self.chat.offers(self.texts["done_button"]):  # choosing every option ends it by itself
                self.click(self.texts["done_button"])
        elif slot == "neighbourhood":
            self.click(wijk_names().get(answer) or self.texts[f"neighbourhood_{answer}"])
        else:
            self.click(self.texts[f"{slot}_{answer}"])

    def hold(self, opening: str = "button") -> str:
        """The whole intake, up to the reference (and the status code) the person is given."""
        self.start(opening)
        return self.finish()

    def finish(self) -> str:
        """From the first question on, up to the reference."""
        while (slot := self.current_question()) != "readback":
            assert self.turns < MAX_TURNS, f"no end after {self.turns} turns"
            self.answer(slot)
        self.click(self.texts["readback_confirm"])
        reply = "\n".join(self.chat.texts)
        reference = next(word.strip(".,!?:") for word in reply.split() if word.startswith("ONT-"))
        self.code = next(
            word for word in (raw.strip(".,!?:") for raw in reply.split()) if len(word) == 6 and word.isdigit()
        )
        done = (
            "submitted" if self.script.get("contact_method") not in (None, "skip", "come_by") else "submitted_come_by"
        )
        assert reply.startswith(self.texts[done].replace("{reference}", reference)), reply
        assert self.texts["status_later"].replace("{code}", self.code) in reply
        return reference
