"""Answers that are always available: stop (and forget), and why a question is asked.

Responses used: utter_stopped, utter_why_<topic> (see `why` in bot/questions.yml), utter_why_consent.
"""

from __future__ import annotations

import asyncio
import logging
import os
from urllib.parse import quote

import requests
from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.questions import question
from bot.actions.readback import keep_only_language

logger = logging.getLogger(__name__)
ERASE_AFTER_SECONDS = 2.0
_erasures: set[asyncio.Task] = set()


def erase_conversation(sender_id: str) -> bool:
    """Replace the conversation's events in Rasa's tracker store by nothing (Rasa's HTTP API)."""
    rasa_url = os.environ.get("ONTHAAL_RASA_URL")
    token = os.environ.get("RASA_AUTH_TOKEN")
    if not rasa_url or not token:
        return False
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}/tracker/events"
    try:
        response = requests.put(url, params={"token": token}, json=[], timeout=5)
    except requests.RequestException as error:
        logger.warning("conversation erasure failed: %s", type(error).__name__)
        return False
    return response.ok


async def _erase_later(sender_id: str) -> None:
    # Rasa stores this action's events after it returns; erase once that has happened.
    await asyncio.sleep(ERASE_AFTER_SECONDS)
    await asyncio.to_thread(erase_conversation, sender_id)


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        dispatcher.utter_message(response="utter_stopped")
        task = asyncio.get_running_loop().create_task(_erase_later(tracker.sender_id))
        _erasures.add(task)
        task.add_done_callback(_erasures.discard)
        return [ActiveLoop(None), *keep_only_language(tracker)]


class ActionExplainQuestion(Action):
    """'Why do you ask this?': a short reason for the open question (the form then asks it again)."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        asked = question(tracker.get_slot("requested_slot"))
        dispatcher.utter_message(response=f"utter_{asked.why}" if asked else "utter_why_consent")
        return []
