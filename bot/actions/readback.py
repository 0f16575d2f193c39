"""The end of the form: read every answer back, let the person change one, or say goodbye after 'no'.

Responses used: utter_readback ({summary}), utter_consent_declined, utter_ask_which_change.
Slots read: language, consent, every question slot, text_needs.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.asking import need_labels
from bot.intake.questions import Question, question, questions
from bot.intake.reference_data import SKIPPED, neighbourhood_label, text

LIFE_DOMAINS = ("home", "money", "health", "family", "papers", "reading", "network", "daytime", "justice")
# Answers that depend on another: changing the first asks the second again too.
DEPENDENT = {
    "contact_method": ("contact_detail", "contact_time", "known_phone_declined"),
    "dutch_level": ("interpreter",),
    "schooling": ("diploma_abroad",),
}
# The fields of the older "change" buttons and typed requests ("change my name").
FIELD_ALIASES = {"name": ("contact_name",), "contact": ("contact_method",), "needs": LIFE_DOMAINS}


def keep_only_language(tracker: Tracker) -> list[EventType]:
    """Forget every answer; the conversation stays in its language."""
    return [AllSlotsReset(), SlotSet("language", tracker.get_slot("language"))]


def shown_answer(asked: Question, value: Any, language: str | None) -> str:
    if value == SKIPPED:
        return text(language, "readback_not_answered")
    if asked.kind == "neighbourhood":
        return neighbourhood_label(language, value)
    if asked.kind == "multi":
        return text(language, "list_separator").join(
            text(language, f"{asked.slot}_{option}") for option in value
        ) or text(language, "multi_none")
    if value in asked.options:
        return text(language, f"{asked.slot}_{value}")
    return str(value)


def summary(tracker: Tracker) -> str:
    """One line per answered question, in the conversation's language."""
    language = tracker.get_slot("language")
    lines = [
        f"{text(language, 'label_' + asked.slot)}: {shown_answer(asked, tracker.get_slot(asked.slot), language)}"
        for asked in questions()
        if tracker.get_slot(asked.slot) is not None
    ]
    understood = tracker.get_slot("text_needs") or []
    if understood:
        lines.append(f"{text(language, 'readback_needs_text')}: {need_labels(language, understood)}")
    return "\n".join(lines)


class ActionFinishIntakeForm(Action):
    def name(self) -> str:
        return "action_finish_intake_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        if tracker.get_slot("consent") is False:
            # Nothing was asked yet and nothing is kept: a kind goodbye and the way to the desk.
            dispatcher.utter_message(response="utter_consent_declined")
            return keep_only_language(tracker)
        dispatcher.utter_message(response="utter_readback", summary=summary(tracker))
        return []


class ActionAskWhichChange(Action):
    """Buttons for every answer given so far."""

    def name(self) -> str:
        return "action_ask_which_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        buttons = [
            {
                "title": text(language, f"label_{asked.slot}"),
                "payload": "/change" + json.dumps({"field": asked.slot}, separators=(",", ":")),
            }
            for asked in questions()
            if tracker.get_slot(asked.slot) is not None
        ]
        dispatcher.utter_message(response="utter_ask_which_change", buttons=buttons)
        return []


class ActionResetAnswer(Action):
    def name(self) -> str:
        return "action_reset_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        field = next(tracker.get_latest_entity_values("field"), None)
        slots = FIELD_ALIASES.get(field, (field,) if question(field) else ())
        emptied = [slot for changed in slots for slot in (changed, *DEPENDENT.get(changed, ()))]
        return [SlotSet(slot, None) for slot in dict.fromkeys(emptied)] + [SlotSet("multi_choices", [])]
