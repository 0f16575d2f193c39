"""Hands the intake to a coach: at the end of the form, or earlier when the person asks for a person.

Responses used: utter_submitted / utter_submit_delayed / utter_handed_over ({reference}),
utter_handed_over_no_consent. Slots read: all; afterwards every answer is forgotten in the conversation, and
once the turn is stored the conversation's messages are erased from Rasa's tracker store too (only the language
is kept): the intake lives on in the coach service, not in a second copy.
"""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.conversation import erase_after_this_turn
from bot.actions.readback import keep_only_language
from bot.delivery import delivery
from bot.intake.intake import build_intake, new_reference


async def hand_off(tracker: Tracker, complete: bool) -> tuple[str, bool]:
    """Outbox first, then one attempt for this intake only; the reference the intake finally carries (a new one
    when the coach service found the first one taken) and whether it was acknowledged."""
    reference = new_reference()
    webhook_id = delivery.enqueue(build_intake(tracker, reference, complete=complete))
    result = await asyncio.to_thread(delivery.deliver_now, webhook_id)
    return result.reference or reference, result.delivered


class ActionSubmitIntake(Action):
    def name(self) -> str:
        return "action_submit_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        reference, delivered = await hand_off(tracker, complete=True)
        dispatcher.utter_message(
            response="utter_submitted" if delivered else "utter_submit_delayed", reference=reference
        )
        erase_after_this_turn(tracker, keep_language=True)
        return keep_only_language(tracker)


class ActionTalkToPerson(Action):
    """Hands off now with what is known, marked incomplete; without consent there is nothing to send."""

    def name(self) -> str:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        if not tracker.get_slot("consent"):
            dispatcher.utter_message(response="utter_handed_over_no_consent")
            return [ActiveLoop(None), *keep_only_language(tracker)]
        reference, _ = await hand_off(tracker, complete=False)
        dispatcher.utter_message(response="utter_handed_over", reference=reference)
        erase_after_this_turn(tracker, keep_language=True)
        return [ActiveLoop(None), *keep_only_language(tracker)]
