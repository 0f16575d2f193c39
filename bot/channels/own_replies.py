"""What a channel answers by itself, without Rasa: a message that is too long, too many messages, and the crisis
answer to someone over every limit (bot/channels/limits.py says when).

The words come from the language packs (`languages/`), the crisis answer through `bot/responses.yml` (the same
keys as the `utter_crisis` response). The language is the conversation's `language` slot when the conversation is
stored, else a hint from the client (one of the six codes), else Dutch and English, one message each.
Reading the stored conversation stores nothing.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.channels.limits import MAX_MESSAGE_CHARS, Admission

ROOT = Path(__file__).resolve().parents[2]
FALLBACK_LANGUAGES = ("nl", "en")
TOO_LONG_KEY = "message_too_long"
BUSY_KEY = "widget_busy"
CRISIS_RESPONSE = "utter_crisis"

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _packs() -> dict[str, dict[str, str]]:
    return {path.stem: yaml.safe_load(path.read_text("utf-8"))["texts"] for path in (ROOT / "languages").glob("*.yml")}


@cache
def _response_keys(response: str) -> tuple[str, ...]:
    text = yaml.safe_load((ROOT / "bot" / "responses.yml").read_text("utf-8"))["responses"][response]["text"]
    return tuple(text if isinstance(text, list) else [text])


def known_language(code: object) -> str | None:
    return code if isinstance(code, str) and code in _packs() else None


def reply_languages(conversation_language: str | None, hint: object = None) -> list[str]:
    """The conversation's language, else the client's hint, else Dutch and English."""
    chosen = known_language(conversation_language) or known_language(hint)
    return [chosen] if chosen else list(FALLBACK_LANGUAGES)


def texts(key: str, languages: list[str]) -> list[str]:
    """The text `key` once per language."""
    return [_packs()[language][key] for language in languages]


def response_texts(response: str, languages: list[str]) -> list[str]:
    """A plain response of bot/responses.yml (its keys joined by line breaks), once per language."""
    return ["\n".join(_packs()[language][key] for key in _response_keys(response)) for language in languages]


async def conversation_language(agent: Any, sender_id: str) -> str | None:
    """The `language` slot of the stored conversation, or None (no conversation, no language yet, store down)."""
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return None
    try:
        tracker = await store.retrieve(sender_id)
    except Exception as error:  # noqa: BLE001 (the channel answers in Dutch and English instead)
        logger.warning("conversation language not read: %s", type(error).__name__)
        return None
    return known_language(tracker.get_slot("language")) if tracker is not None else None


async def answer_for(admission: Admission, text: str, agent: Any, sender_id: str, hint: object = None) -> list[str]:
    """The channel's own answer to a message Rasa does not get: the crisis answer (over every limit) and/or the
    request for a shorter message, in the conversation's language."""
    languages = reply_languages(await conversation_language(agent, sender_id), hint)
    answer = response_texts(CRISIS_RESPONSE, languages) if admission is Admission.CRISIS_ANSWER else []
    if len(text) > MAX_MESSAGE_CHARS:
        answer += texts(TOO_LONG_KEY, languages)
    return answer
