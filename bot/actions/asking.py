"""Questions whose wording or buttons depend on earlier answers, and what every question carries: the progress
line ("Question 3 of 7", from the path ahead) and the two help buttons (why, a person).

Responses used: utter_welcome, utter_ask_consent, utter_ask_contact_method(_for_person), utter_ask_contact_phone,
utter_ask_contact_email, utter_ask_use_known_number, utter_ask_<multi slot>, utter_ask_more, utter_confirm_needs,
utter_check_need, utter_ask_name_confirmed.
Slots read: language, contact_method, known_phone, known_phone_declined, multi_choices, pending_needs,
unsure_needs, pending_name, talk_requested, progress.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.intake.answers import KNOWN_NUMBER
from bot.intake.questions import progress, question
from bot.intake.reference_data import button_title, localised_digits, pack, text
from bot.sent_events import was_uttered


def language_marker(language: str) -> dict[str, Any]:
    """The message that tells the widget which language and direction the next messages have."""
    return {"onthaal": {"language": language, "direction": pack(language)["direction"]}}


def progress_text(slots: dict[str, Any], next_slot: str | None) -> str | None:
    """ "Question 3 of 7" for the open question, in the conversation's language and digits."""
    where = progress(slots, next_slot)
    if where is None:
        return None
    language = slots.get("language")
    return text(language, "progress").format(
        n=localised_digits(language, where[0]), m=localised_digits(language, where[1])
    )


def payload(intent_name: str, entities: dict[str, str] | None = None) -> str:
    return f"/{intent_name}" + (json.dumps(entities, separators=(",", ":")) if entities else "")


def help_buttons(language: str | None) -> list[dict[str, str]]:
    """ "Why do you ask this?" and "Talk to a person", on every question (the widget shows them in a fixed row)."""
    return [
        {"title": button_title(language, "why_button"), "payload": "/why_ask"},
        {"title": button_title(language, "person_button"), "payload": "/talk_to_person"},
    ]


def option_button(language: str | None, slot: str, option: str) -> dict[str, str]:
    return {"title": button_title(language, f"{slot}_{option}"), "payload": payload("choose", {"choice": option})}


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
        if not was_uttered(tracker.events, "utter_ask_consent"):
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


class ActionAskContactMethod(Action):
    """How a coach can reach the person; first "this WhatsApp number" when the channel knows it (consent may have
    come after the number did), and worded as the step before a person when the person asked for one."""

    def name(self) -> str:
        return "action_ask_contact_method"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        asked = question("contact_method")
        buttons = []
        known = tracker.get_slot("known_phone")
        if known:
            buttons.append(
                {
                    "title": button_title(language, "contact_method_known_number").format(known_phone=known),
                    "payload": payload("choose", {"choice": KNOWN_NUMBER}),
                }
            )
        buttons += [option_button(language, asked.slot, option) for option in asked.options]
        buttons.append({"title": button_title(language, "skip_button"), "payload": "/skip"})
        if not tracker.get_slot("talk_requested"):
            buttons += help_buttons(language)
        response = (
            "utter_ask_contact_method_for_person" if tracker.get_slot("talk_requested") else "utter_ask_contact_method"
        )
        dispatcher.utter_message(response=response, buttons=buttons)
        return []


class ActionAskNameConfirmed(Action):
    """ "Shall we call you Ionel?" after a name was taken out of a sentence."""

    def name(self) -> str:
        return "action_ask_name_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        dispatcher.utter_message(response="utter_ask_name_confirmed", name=tracker.get_slot("pending_name"))
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


class ActionAskNeedChecked(Action):
    """ "Did I understand you right? You need help with this: housing." for the first need the extractor was unsure
    of (bot/intake/unsure_needs.py), with yes/no buttons."""

    def name(self) -> str:
        return "action_ask_need_checked"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        waiting = tracker.get_slot("unsure_needs") or []
        if waiting:
            need = text(tracker.get_slot("language"), f"need_{waiting[0]['id']}")
            dispatcher.utter_message(response="utter_check_need", need=need)
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
        asked = question(self.slot)
        buttons = [option_button(language, self.slot, option) for option in asked.options if option not in chosen]
        buttons.append({"title": button_title(language, "done_button"), "payload": "/done"})
        buttons += help_buttons(language)
        labels = text(language, "list_separator").join(text(language, f"{self.slot}_{option}") for option in chosen)
        dispatcher.utter_message(response="utter_ask_more", buttons=buttons, chosen=labels)
        return []


class ActionAskHealth(AskMultiple):
    slot = "health"  # type: ignore[assignment]


class ActionAskFamily(AskMultiple):
    slot = "family"  # type: ignore[assignment]


class ActionAskHelpWith(AskMultiple):
    slot = "help_with"  # type: ignore[assignment]
