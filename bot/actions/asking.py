"""Questions whose wording or buttons depend on earlier answers.

Responses used: utter_welcome, utter_ask_consent, utter_ask_contact_phone, utter_ask_contact_email,
utter_ask_use_known_number, utter_ask_<multi slot>, utter_ask_more, utter_confirm_needs.
Slots read: language, contact_method, known_phone, known_phone_declined, multi_choices, pending_needs.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.intake.questions import questions
from bot.intake.reference_data import pack, text


def language_marker(language: str) -> dict[str, Any]:
    """The message that tells the widget which language and direction the next messages have."""
    return {"onthaal": {"language": language, "direction": pack(language)["direction"]}}


def _was_uttered(tracker: Tracker, response: str) -> bool:
    return any(
        event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response
        for event in tracker.events
    )


def need_labels(language: str | None, needs: list[dict[str, Any]]) -> str:
    return text(language, "list_separator").join(text(language, f"need_{need['id']}") for need in needs)


class ActionAskConsent(Action):
    """Opens the conversation in its language: marker for the widget, welcome (once), consent question."""

    def name(self) -> str:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        if language:
            dispatcher.utter_message(json_message=language_marker(language))
        if not _was_uttered(tracker, "utter_ask_consent"):
            dispatcher.utter_message(response="utter_welcome")
        dispatcher.utter_message(response="utter_ask_consent")
        return []


class ActionAskContactDetail(Action):
    def name(self) -> str:
        return "action_ask_contact_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        method = tracker.get_slot("contact_method")
        known = tracker.get_slot("known_phone")
        if method == "email":
            dispatcher.utter_message(response="utter_ask_contact_email")
        elif known and not tracker.get_slot("known_phone_declined"):
            # WhatsApp gave us the number; it is used only when the person says yes.
            dispatcher.utter_message(response="utter_ask_use_known_number", known_phone=known)
        else:
            dispatcher.utter_message(response="utter_ask_contact_phone")
        return []


class ActionAskNeedsConfirmed(Action):
    """'I understood: housing, money. Is that right?' for needs found in what the person typed."""

    def name(self) -> str:
        return "action_ask_needs_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        pending = tracker.get_slot("pending_needs") or []
        dispatcher.utter_message(
            response="utter_confirm_needs", needs=need_labels(tracker.get_slot("language"), pending)
        )
        return []


class AskMultiple(Action, ABC):
    """A question with several answers: the options not chosen yet, then 'Done'."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        chosen = tracker.get_slot("multi_choices") or []
        if not chosen:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
            return []
        asked = next(candidate for candidate in questions() if candidate.slot == self.slot)
        buttons = [
            {
                "title": text(language, f"{self.slot}_{option}"),
                "payload": "/choose" + json.dumps({"choice": option}, separators=(",", ":")),
            }
            for option in asked.options
            if option not in chosen
        ]
        buttons.append({"title": text(language, "done_button"), "payload": "/done"})
        labels = text(language, "list_separator").join(text(language, f"{self.slot}_{option}") for option in chosen)
        dispatcher.utter_message(response="utter_ask_more", buttons=buttons, chosen=labels)
        return []


class ActionAskHealth(AskMultiple):
    slot = "health"  # type: ignore[assignment]


class ActionAskFamily(AskMultiple):
    slot = "family"  # type: ignore[assignment]
