""" "What happens now?": a person who handed in an intake gives the reference and the code they got with it, and
hears the status the coach set (new, taken, contact made, closed) in their language, and nothing else.

The reference alone reveals nothing: the coach service answers only for the pair, and limits guesses.
Responses used: utter_ask_status, utter_status_<new|claimed|contacted|closed|unknown|busy|unavailable>. A first
message of a conversation sets the language it was written in, and the action runs again in it (Rasa picks a
response's language variation from the slots as they were when the action started).
Entities read: reference, code (bot/nlu/status_request.py).
"""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.asking import language_marker
from bot.delivery import coach_client
from bot.intake.reference_data import LANGUAGES


class ActionIntakeStatus(Action):
    def name(self) -> str:
        return "action_intake_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        detected = (tracker.latest_message.get("language") or {}).get("code")
        if not tracker.get_slot("language") and detected in LANGUAGES:
            # A returning person's first message: answer in the language they wrote in.
            dispatcher.utter_message(json_message=language_marker(detected))
            return [SlotSet("language", detected), FollowupAction(self.name())]
        reference = next(tracker.get_latest_entity_values("reference"), None)
        code = next(tracker.get_latest_entity_values("code"), None)
        if not reference or not code:
            dispatcher.utter_message(response="utter_ask_status")
            return []
        settings = coach_client.DeliverySettings.from_env()
        status = await asyncio.to_thread(coach_client.intake_status, settings, reference, code)
        dispatcher.utter_message(response=f"utter_status_{status}")
        return []
