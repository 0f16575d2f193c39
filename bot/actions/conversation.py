"""Answers that are always available: stop (and forget), start again, and why a question is asked.

Responses used: utter_stopped, utter_started_again, utter_why_<topic> (see `why` in bot/questions.yml),
utter_why_consent.
"""

from __future__ import annotations

import asyncio
import logging
import os
from urllib.parse import quote

import requests
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, FollowupAction, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.intake.questions import question
from bot.rasa_api import auth_headers

logger = logging.getLogger(__name__)
ERASE_AFTER_SECONDS = 2.0
# A refused or failed erasure (Rasa restarting, a wrong secret) is tried again; after the last try the conversation
# still expires with ONTHAAL_CONVERSATION_TTL_HOURS, and the log says so (without the conversation id).
ERASE_RETRY_SECONDS = (5.0, 15.0, 45.0, 120.0)
_erasures: set[asyncio.Task] = set()


def keep_only_language(tracker: Tracker) -> list[EventType]:
    """Forget every answer; the conversation stays in its language."""
    return [AllSlotsReset(), SlotSet("language", tracker.get_slot("language"))]


def erase_conversation(sender_id: str, keep: list[dict] | None = None) -> bool:
    """Replace the conversation's events in Rasa's tracker store by `keep` (default: nothing), via Rasa's HTTP API."""
    rasa_url = os.environ.get("ONTHAAL_RASA_URL")
    headers = auth_headers()
    if not rasa_url or not headers:
        return False
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}/tracker/events"
    try:
        response = requests.put(url, headers=headers, json=keep or [], timeout=5)
    except requests.RequestException as error:
        logger.warning("conversation erasure failed: %s", type(error).__name__)
        return False
    if not response.ok:
        logger.warning("conversation erasure refused with status %s", response.status_code)
    return response.ok


async def _erase_later(sender_id: str, keep: list[dict] | None = None) -> bool:
    # Rasa stores this action's events after it returns; erase once that has happened.
    await asyncio.sleep(ERASE_AFTER_SECONDS)
    for attempt, retry_in in enumerate((*ERASE_RETRY_SECONDS, None), start=1):
        if await asyncio.to_thread(erase_conversation, sender_id, keep):
            return True
        if retry_in is None:
            logger.error(
                "conversation erasure abandoned after %d attempts: the conversation expires with the TTL", attempt
            )
            return False
        logger.warning("conversation erasure not confirmed (attempt %d), retrying in %.0f s", attempt, retry_in)
        await asyncio.sleep(retry_in)
    return False


def erase_after_this_turn(tracker: Tracker, keep_language: bool = False) -> None:
    """Erase the conversation from Rasa's tracker store once this turn is stored (optionally keeping only the
    language, so that a next message is answered in it)."""
    language = tracker.get_slot("language")
    keep = None
    if keep_language and language:
        # What a new session looks like, with the language carried over: the next message is answered as the
        # first message of a conversation in that language.
        keep = [
            {"event": "action", "name": "action_session_start"},
            {"event": "session_started"},
            {"event": "slot", "name": "language", "value": language},
            {"event": "action", "name": "action_listen"},
        ]
    task = asyncio.get_running_loop().create_task(_erase_later(tracker.sender_id, keep))
    _erasures.add(task)
    task.add_done_callback(_erasures.discard)


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        dispatcher.utter_message(response="utter_stopped")
        erase_after_this_turn(tracker)
        return [ActiveLoop(None), *keep_only_language(tracker)]


class ActionStartAgain(Action):
    """'Start again', typed: the answers are forgotten (Rasa's restart), the language stays, and the intake begins
    anew with its first question. Rasa's own /restart (the widget's button) is not this: Rasa runs it before any
    policy, so the form could not tell a name from it."""

    def name(self) -> str:
        return "action_start_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        dispatcher.utter_message(response="utter_started_again")
        language = tracker.get_slot("language")
        return [Restarted(), *([SlotSet("language", language)] if language else []), FollowupAction("intake_form")]


class ActionExplainQuestion(Action):
    """'Why do you ask this?': a short reason for the open question (the form then asks it again)."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        asked = question(tracker.get_slot("requested_slot"))
        dispatcher.utter_message(response=f"utter_{asked.why}" if asked else "utter_why_consent")
        return []
