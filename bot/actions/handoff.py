"""Hands the finished intake to a coach.

Responses used: utter_submitted / utter_submit_delayed ({reference}). Slots read: all intake slots and
language; afterwards every answer is forgotten in the conversation (the intake lives on in the coach service).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import delivery
from bot.actions.intake import build_intake, new_reference
from bot.actions.readback import keep_only_language


class ActionSubmitIntake(Action):
    def name(self) -> str:
        return "action_submit_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        reference = new_reference()
        webhook_id = delivery.enqueue(build_intake(tracker, reference))
        delivered = webhook_id in delivery.deliver_pending()
        response = "utter_submitted" if delivered else "utter_submit_delayed"
        dispatcher.utter_message(response=response, reference=reference)
        return keep_only_language(tracker)
