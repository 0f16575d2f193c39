"""The intake form: reads each answer from a button or from what the person typed.

Slots (bot/domain/intake.yml): language, consent, contact_name, contact_method, contact_detail, neighbourhood,
need_groups, needs_answer, needs_done. Every extract_<slot> acts only when its slot is the one asked
(`requested_slot`), except the language, which the very first message may already reveal.
Returning `{slot: None}` makes the form ask again; the message explaining why is uttered here.
The SDK drops extracted slots that are not required form slots; `consent` (once refused, no slot is required
any more), `need_groups` and `needs_answer` are kept explicitly.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.reference_data import (
    LANGUAGES,
    NEED_GROUPS,
    SKIPPED,
    neighbourhood_ids,
    neighbourhoods,
    normalise,
    text,
)

CONTACT_METHODS = ("phone", "email", "social_worker", "come_by")
MAX_NAME_LENGTH = 100
MAX_DETAIL_LENGTH = 200
SKIP_CONFIDENCE = 0.9
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s./()-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")

Slots = dict[str, Any]
KEPT_SLOTS = ("consent", "need_groups", "needs_answer")


def _intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def _entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


def _typed_text(tracker: Tracker) -> str | None:
    """What the person typed, or None for a button payload or an empty message."""
    message = (tracker.latest_message.get("text") or "").strip()
    return None if not message or message.startswith("/") else " ".join(message.split())


def is_skip(tracker: Tracker) -> bool:
    name, confidence = _intent(tracker)
    return name == "skip" and confidence >= SKIP_CONFIDENCE


def _match_label(tracker: Tracker, typed: str, candidates: dict[str, str]) -> str | None:
    """The one candidate id whose label (in the conversation's language) the typed text names."""
    wanted = normalise(typed)
    hits = {key for key, label in candidates.items() if normalise(label) and normalise(label) in wanted}
    return hits.pop() if len(hits) == 1 else None


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


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("consent") is False:
            return []
        if tracker.get_slot("contact_method") not in ("phone", "email"):
            return [slot for slot in domain_slots if slot != "contact_detail"]
        return domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        validated = {event["name"] for event in events}
        extracted = tracker.slots_to_validate()
        return events + [
            SlotSet(slot, value) for slot, value in extracted.items() if slot in KEPT_SLOTS and slot not in validated
        ]

    def _asked(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot

    async def extract_language(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        chosen = _entity(tracker, "language")
        if chosen in LANGUAGES:
            return {"language": chosen}
        requested = tracker.get_slot("requested_slot")
        if tracker.get_slot("language") or requested not in (None, "language"):
            return {}
        detected = (tracker.latest_message.get("language") or {}).get("code")
        if detected in LANGUAGES:
            return {"language": detected}
        return {"language": None} if requested == "language" else {}

    async def extract_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if not self._asked(tracker, "consent"):
            return {}
        intent, _ = _intent(tracker)
        if intent in ("affirm", "deny"):
            return {"consent": intent == "affirm"}
        dispatcher.utter_message(response="utter_not_understood")
        return {"consent": None}

    async def extract_contact_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not self._asked(tracker, "contact_name"):
            return {}
        if is_skip(tracker):
            return {"contact_name": SKIPPED}
        typed = _typed_text(tracker)
        if typed is None:
            dispatcher.utter_message(response="utter_not_understood")
        return {"contact_name": typed[:MAX_NAME_LENGTH] if typed else None}

    async def extract_contact_method(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not self._asked(tracker, "contact_method"):
            return {}
        if is_skip(tracker):
            return {"contact_method": SKIPPED}
        method = _entity(tracker, "contact_method")
        typed = _typed_text(tracker)
        if method not in CONTACT_METHODS and typed:
            language = tracker.get_slot("language")
            labels = {option: text(language, f"contact_method_{option}") for option in CONTACT_METHODS}
            method = _match_label(tracker, typed, labels)
        if method not in CONTACT_METHODS:
            dispatcher.utter_message(response="utter_not_understood")
            return {"contact_method": None}
        return {"contact_method": method}

    async def extract_contact_detail(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not self._asked(tracker, "contact_detail"):
            return {}
        if is_skip(tracker):
            return {"contact_detail": SKIPPED}
        typed = _typed_text(tracker) or ""
        if tracker.get_slot("contact_method") == "phone":
            digits = sum(char.isdigit() for char in typed)
            if _PHONE_CHARACTERS.match(typed) and 8 <= digits <= 15:
                return {"contact_detail": typed}
            dispatcher.utter_message(response="utter_invalid_phone")
            return {"contact_detail": None}
        if _EMAIL.match(typed) and len(typed) <= MAX_DETAIL_LENGTH:
            return {"contact_detail": typed}
        dispatcher.utter_message(response="utter_invalid_email")
        return {"contact_detail": None}

    async def extract_neighbourhood(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Slots:
        if not self._asked(tracker, "neighbourhood"):
            return {}
        if is_skip(tracker):
            return {"neighbourhood": SKIPPED}
        chosen = _entity(tracker, "neighbourhood")
        typed = _typed_text(tracker)
        if chosen not in neighbourhood_ids() and typed:
            chosen = match_neighbourhood(typed, tracker.get_slot("language"))
        if chosen not in neighbourhood_ids():
            dispatcher.utter_message(response="utter_neighbourhood_not_understood")
            return {"neighbourhood": None}
        return {"neighbourhood": chosen}

    async def extract_needs_done(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if not self._asked(tracker, "needs_done"):
            return {}
        chosen = list(tracker.get_slot("need_groups") or [])
        intent, _ = _intent(tracker)
        if is_skip(tracker):
            return {"need_groups": [], "needs_answer": "rather_not_say", "needs_done": True}
        if intent == "no_needs":
            return {"need_groups": [], "needs_answer": "none", "needs_done": True}
        if intent == "done":
            return {"needs_answer": "reported" if chosen else "none", "needs_done": True}
        group = _entity(tracker, "need_group")
        typed = _typed_text(tracker)
        if group not in NEED_GROUPS and typed:
            language = tracker.get_slot("language")
            labels = {option: text(language, f"need_group_{option}") for option in NEED_GROUPS}
            group = _match_label(tracker, typed, labels)
        if group not in NEED_GROUPS:
            dispatcher.utter_message(response="utter_not_understood")
            return {"needs_done": None}
        if group not in chosen:
            chosen.append(group)
        return {"need_groups": chosen, "needs_done": None}
