"""Reading one answer from a message: a button payload, a typed label, yes/no, or the person's own words.

Each reader returns the slot updates and, when the message is not an answer, the response that says why
(the form then asks again). Pure functions of the tracker: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker

from bot.intake.questions import Question
from bot.intake.reference_data import SKIPPED, neighbourhood_ids, neighbourhoods, normalise, short_commands, text
from bot.intake.sentences import EMAIL_MAX_CHARS, EMAIL_PATTERN, email_in, name_in, phone_in

SKIP_CONFIDENCE = 0.9
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s./()-]+$")


def looks_like_email(typed: str) -> bool:
    """Something@domain.tld, checked on its length first and then with a pattern that runs in linear time."""
    return len(typed) <= EMAIL_MAX_CHARS and EMAIL_PATTERN.fullmatch(typed) is not None


@dataclass
class Reading:
    """What a message meant for the question asked."""

    updates: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # the response that explains why this was not an answer


def intent(tracker: Tracker) -> tuple[str | None, float]:
    parsed = tracker.latest_message.get("intent") or {}
    return parsed.get("name"), float(parsed.get("confidence") or 0.0)


# "That's right", "exact", "така е": a yes at a yes/no question, though the classifier reads them as approving the
# read-back (`confirm`), which is what they mean there.
YES_INTENTS = ("affirm", "confirm")


def yes_or_no(tracker: Tracker) -> bool | None:
    """True for a yes (affirm, or a confirm), False for a no (deny), None for anything else."""
    name, _ = intent(tracker)
    if name in YES_INTENTS:
        return True
    if name == "deny":
        return False
    return None


def entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


def typed_text(tracker: Tracker) -> str | None:
    """What the person typed, or None for a button payload or an empty message."""
    message = (tracker.latest_message.get("text") or "").strip()
    return None if not message or message.startswith("/") else " ".join(message.split())


def is_skip(tracker: Tracker) -> bool:
    name, confidence = intent(tracker)
    return name == "skip" and confidence >= SKIP_CONFIDENCE


def match_label(typed: str, labels: dict[str, str]) -> list[str]:
    """The options whose label (in the conversation's language) the typed text names."""
    wanted = f" {normalise(typed)} "
    return [key for key, label in labels.items() if normalise(label) and f" {normalise(label)} " in wanted]


def match_neighbourhood(typed: str, language: str | None) -> str | None:
    """The wijk (or no fixed address / outside Ghent) a typed answer names, if exactly one."""
    wanted = f" {normalise(typed)} "
    hits = set()
    for wijk in neighbourhoods()["neighbourhoods"]:
        parts = [wijk["name"], *wijk["name"].split(" - ")]
        if any(f" {normalise(part)} " in wanted for part in parts if len(normalise(part)) >= 4):
            hits.add(wijk["id"])
    for special in neighbourhoods()["special"]:
        if f" {normalise(text(language, 'neighbourhood_' + special['id']))} " in wanted:
            hits.add(special["id"])
    return hits.pop() if len(hits) == 1 else None


def _option_from_message(asked: Question, tracker: Tracker) -> list[str]:
    """Options named by a button, a yes/no intent, or typed labels."""
    chosen = entity(tracker, "choice")
    if chosen in asked.options:
        return [chosen]
    said = yes_or_no(tracker)
    if said is not None and set(asked.options) >= {"yes", "no"}:
        return ["yes" if said else "no"]
    typed = typed_text(tracker)
    if not typed:
        return []
    language = tracker.get_slot("language")
    return match_label(typed, {option: text(language, f"{asked.slot}_{option}") for option in asked.options})


def read_choice(asked: Question, tracker: Tracker) -> Reading:
    options = _option_from_message(asked, tracker)
    if len(options) == 1:
        return Reading({asked.slot: options[0]})
    return Reading({asked.slot: None}, "utter_not_understood")


def read_multi(asked: Question, tracker: Tracker) -> Reading:
    chosen = list(tracker.get_slot("multi_choices") or [])
    name, _ = intent(tracker)
    if name == "done":
        return Reading({asked.slot: chosen, "multi_choices": []})
    if name == "deny" and not entity(tracker, "choice"):
        return Reading({asked.slot: [], "multi_choices": []})
    options = _option_from_message(asked, tracker)
    if not options:
        return Reading({asked.slot: None}, "utter_not_understood")
    chosen += [option for option in options if option not in chosen]
    if set(chosen) == set(asked.options):
        return Reading({asked.slot: chosen, "multi_choices": []})
    return Reading({asked.slot: None, "multi_choices": chosen})


def read_text(asked: Question, tracker: Tracker) -> Reading:
    chosen = entity(tracker, "choice")
    if chosen in asked.options:
        return Reading({asked.slot: chosen})
    typed = typed_text(tracker)
    if typed is None:
        return Reading({asked.slot: None}, "utter_not_understood")
    return Reading({asked.slot: typed[: asked.max_length]})


def read_name(asked: Question, tracker: Tracker) -> Reading:
    """A name as typed, or the name inside a sentence ("Hello, my name is Ionel and I look for work"), which the
    person then confirms ("Shall we call you Ionel?"). A sentence without a name asks for the name alone."""
    typed = typed_text(tracker)
    if typed is None:
        return read_text(asked, tracker)
    found = name_in(typed)
    if not found.sentence and found.name:
        return Reading({asked.slot: found.name[: asked.max_length]})
    if found.name:
        return Reading({asked.slot: None, "pending_name": found.name[: asked.max_length]})
    return Reading({asked.slot: None}, "utter_name_only")


def read_contact_detail(asked: Question, tracker: Tracker) -> Reading:
    method = tracker.get_slot("contact_method")
    known = tracker.get_slot("known_phone")
    said = yes_or_no(tracker)
    if known and method in ("phone", "whatsapp") and not tracker.get_slot("known_phone_declined"):
        if said is True:
            return Reading({asked.slot: known})
        if said is False:
            return Reading({asked.slot: None, "known_phone_declined": True})
    typed = (typed_text(tracker) or "")[:2000]
    if method == "email":
        if len(typed) <= asked.max_length and looks_like_email(typed):
            return Reading({asked.slot: typed})
        found = email_in(typed)  # "my e-mail is ana@example.com, thanks"
        if found and len(found) <= asked.max_length:
            return Reading({asked.slot: found})
        return Reading({asked.slot: None}, "utter_invalid_email")
    digits = sum(char.isdigit() for char in typed)
    if _PHONE_CHARACTERS.match(typed) and 8 <= digits <= 15:
        return Reading({asked.slot: typed})
    found = phone_in(typed)  # "my number is 0470 12 34 56, call me after 5"
    if found and len(found) <= asked.max_length:
        return Reading({asked.slot: found})
    return Reading({asked.slot: None}, "utter_invalid_phone")


def read_neighbourhood(asked: Question, tracker: Tracker) -> Reading:
    chosen = entity(tracker, "neighbourhood")
    typed = typed_text(tracker)
    if chosen not in neighbourhood_ids() and typed:
        chosen = match_neighbourhood(typed, tracker.get_slot("language"))
    if chosen in neighbourhood_ids():
        return Reading({asked.slot: chosen})
    return Reading({asked.slot: None}, "utter_neighbourhood_not_understood")


# The button "this WhatsApp number" (bot/actions/asking.py), offered when the channel knows the person's number.
KNOWN_NUMBER = "known_number"


def read_contact_method(asked: Question, tracker: Tracker) -> Reading:
    known = tracker.get_slot("known_phone")
    if known and entity(tracker, "choice") == KNOWN_NUMBER:
        return Reading({asked.slot: "whatsapp", "contact_detail": known})
    chosen = entity(tracker, "contact_method")
    if chosen in asked.options:
        return Reading({asked.slot: chosen})
    return read_choice(asked, tracker)


SPECIAL_READERS = {
    "contact_name": read_name,
    "contact_detail": read_contact_detail,
    "contact_method": read_contact_method,
}
KIND_READERS = {"choice": read_choice, "multi": read_multi, "text": read_text, "neighbourhood": read_neighbourhood}


def says_dont_know(tracker: Tracker) -> bool:
    """A typed "I don't know" (bot/short_commands.yml), in any of the six languages."""
    typed = typed_text(tracker)
    return typed is not None and normalise(typed) in short_commands()["dont_know"]


def read_answer(asked: Question, tracker: Tracker) -> Reading:
    # "I don't know" to a closed question records nothing, like a skip; to a free-text one they are the answer.
    if is_skip(tracker) or asked.kind != "text" and says_dont_know(tracker):
        return Reading({asked.slot: SKIPPED, "multi_choices": []})
    reader = SPECIAL_READERS.get(asked.slot) or KIND_READERS[asked.kind]
    return reader(asked, tracker)
