"""Hands the intake to a coach: at the end of the form, or earlier when the person asks for a person.

Responses used: utter_submitted / utter_submit_delayed / utter_handed_over ({reference}, {code}), their `_come_by`
forms with the team's desk ({place}) when a coach has no way to reach the person, and utter_handed_over_no_consent
({place}). Slots read: all; afterwards every answer is forgotten in the conversation, and
once the turn is stored the conversation's messages are erased from Rasa's tracker store too (only the language
is kept): the intake lives on in the coach service, not in a second copy.
"""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.conversation import erase_after_this_turn, keep_only_language
from bot.delivery import delivery
from bot.intake.intake import build_intake
from bot.intake.places import team_place

# Where the web and reception channels put the widget's id of a message (bot/channels/chat_requests.py).
MESSAGE_ID_KEY = "onthaal_message_id"
# Ways a coach can use to reach the person (the social worker counts even without a name: the coach can ask).
REACHABLE = {"phone", "whatsapp", "email"}


def reachable(tracker: Tracker) -> bool:
    method = tracker.get_slot("contact_method")
    return method == "social_worker" or method in REACHABLE and bool(tracker.get_slot("contact_detail"))


async def hand_off(tracker: Tracker, complete: bool) -> tuple[str, str, bool]:
    """Outbox first, then one attempt for this intake only; the reference the intake finally carries (a new one
    when the coach service found the first one taken), the person's status code, and whether it was acknowledged.
    The same message handing off again (resent to another replica) gets the same ids: one intake for the coach."""
    message_id = (tracker.latest_message.get("metadata") or {}).get(MESSAGE_ID_KEY)
    ids = delivery.ids_for(tracker.sender_id, message_id if isinstance(message_id, str) else None)
    intake = build_intake(tracker, ids.reference, ids.status_code, complete=complete)
    webhook_id = delivery.enqueue(intake, webhook_id=ids.webhook_id)
    result = await asyncio.to_thread(delivery.deliver_now, webhook_id)
    return result.reference or ids.reference, ids.status_code, result.delivered


def say_handed_off(dispatcher: CollectingDispatcher, tracker: Tracker, response: str, **values: str) -> None:
    """The hand-off message; without a way to reach the person, its `_come_by` form with the team's desk."""
    if reachable(tracker):
        dispatcher.utter_message(response=response, **values)
        return
    place = team_place(tracker.get_slot("language"), tracker.get_slot("neighbourhood"))
    dispatcher.utter_message(response=f"{response}_come_by", place=place, **values)


class ActionSubmitIntake(Action):
    def name(self) -> str:
        return "action_submit_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        reference, code, delivered = await hand_off(tracker, complete=True)
        response = "utter_submitted" if delivered else "utter_submit_delayed"
        say_handed_off(dispatcher, tracker, response, reference=reference, code=code)
        erase_after_this_turn(tracker, keep_language=True)
        return keep_only_language(tracker)


async def hand_over_to_a_person(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """Hands off now with what is known, marked incomplete; without consent there is nothing to send, and the
    person hears where to find one."""
    if not tracker.get_slot("consent"):
        place = team_place(tracker.get_slot("language"), None)
        dispatcher.utter_message(response="utter_handed_over_no_consent", place=place)
        return [ActiveLoop(None), *keep_only_language(tracker)]
    reference, code, _ = await hand_off(tracker, complete=False)
    say_handed_off(dispatcher, tracker, "utter_handed_over", reference=reference, code=code)
    erase_after_this_turn(tracker, keep_language=True)
    return [ActiveLoop(None), *keep_only_language(tracker)]


class ActionTalkToPerson(Action):
    """A person, asked for outside the form (or before consent, which the form leaves to the rules)."""

    def name(self) -> str:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        return await hand_over_to_a_person(dispatcher, tracker)
