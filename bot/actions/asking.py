"""Custom ways of asking a form question, where the question depends on earlier answers.

Responses used: utter_welcome, utter_ask_consent, utter_ask_contact_phone, utter_ask_contact_email,
utter_ask_needs, utter_ask_needs_more. Slots read: language, contact_method, need_groups.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.reference_data import NEED_GROUPS, pack, text


def language_marker(language: str) -> dict[str, Any]:
    """The message that tells the widget which language and direction the next messages have."""
    return {"onthaal": {"language": language, "direction": pack(language)["direction"]}}


def _was_uttered(tracker: Tracker, response: str) -> bool:
    return any(
        event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response
        for event in tracker.events
    )


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
        dispatcher.utter_message(response="utter_ask_contact_email" if method == "email" else "utter_ask_contact_phone")
        return []


def need_buttons(language: str | None, chosen: list[str]) -> list[dict[str, str]]:
    """Buttons for the need groups not chosen yet, then 'Done' (or, before any choice, 'none' and 'skip')."""
    buttons = [
        {
            "title": text(language, f"need_group_{group}"),
            "payload": "/choose_need" + json.dumps({"need_group": group}, separators=(",", ":")),
        }
        for group in NEED_GROUPS
        if group not in chosen
    ]
    if chosen:
        buttons.append({"title": text(language, "needs_done"), "payload": "/done"})
    else:
        buttons.append({"title": text(language, "needs_none"), "payload": "/no_needs"})
        buttons.append({"title": text(language, "skip_button"), "payload": "/skip"})
    return buttons


class ActionAskNeedsDone(Action):
    """The needs question: several answers, one tap each, until 'Done'."""

    def name(self) -> str:
        return "action_ask_needs_done"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        chosen = list(tracker.get_slot("need_groups") or [])
        buttons = need_buttons(language, chosen)
        if not chosen:
            dispatcher.utter_message(response="utter_ask_needs", buttons=buttons)
        else:
            labels = ", ".join(text(language, f"need_group_{group}") for group in chosen)
            dispatcher.utter_message(response="utter_ask_needs_more", buttons=buttons, needs_chosen=labels)
        return []
