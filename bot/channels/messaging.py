"""What the WhatsApp and Telegram connectors share: numbered options, splitting, media, hints, pseudonyms.

Standard library only (no Rasa import), so the helpers are tested in either Python environment.
The metadata keys below are the contract with the custom actions (bot/actions/).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from bot.normalise import words

LANGUAGE_HINT_KEY = "onthaal_language_hint"  # a Telegram user's app language, mapped to one of the six codes
PHONE_KEY = "onthaal_phone"  # a WhatsApp sender's number (E.164), offered as the contact answer after consent

WHATSAPP_MAX_CHARS = 1600
TELEGRAM_MAX_CHARS = 4096
MEDIA_KINDS = ("voice", "image", "video", "file", "other")

_LANGUAGE_HINTS = {"nl": "nl", "en": "en", "bg": "bg", "sk": "sk", "ro": "ro", "mo": "ro", "fa": "prs", "prs": "prs"}
_SENTENCE_END = re.compile(r"(?<=[.!?؟。…])\s+")


def language_hint(code: str | None) -> str | None:
    """`bg`, `ro-RO`, `fa` (Persian, read as Dari) ... -> one of the six codes, or None."""
    if not code:
        return None
    return _LANGUAGE_HINTS.get(code.replace("_", "-").split("-")[0].lower())


def pseudonym(prefix: str, secret: str, identity: str) -> str:
    """A stable conversation id that is not the phone number or chat id (trackers and intakes carry it)."""
    digest = hmac.new(secret.encode(), identity.encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:24]}"


def media_payload(kind: str) -> str:
    """The message Rasa gets for a voice note, photo, video or file: intent `media` with entity `media_kind`."""
    kind = kind if kind in MEDIA_KINDS else "other"
    return "/media" + json.dumps({"media_kind": kind}, separators=(",", ":"))


def media_kind_from_mime(content_type: str | None) -> str:
    major = (content_type or "").split("/")[0].lower()
    return {"audio": "voice", "image": "image", "video": "video", "application": "file", "text": "file"}.get(
        major, "other"
    )


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut between paragraphs, else lines, else sentences, else words."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", None, " "):
        pieces = _SENTENCE_END.split(text) if separator is None else text.split(separator)
        joiner = " " if separator is None else separator
        if len(pieces) > 1:
            parts: list[str] = []
            current = ""
            for piece in pieces:
                candidate = f"{current}{joiner}{piece}" if current else piece
                if len(candidate) <= limit:
                    current = candidate
                    continue
                if current:
                    parts.append(current)
                current = piece
            parts.append(current)
            return [small for part in parts for small in split_text(part, limit)]
    return [text[start : start + limit] for start in range(0, len(text), limit)]


def numbered_options(text: str, buttons: Sequence[dict[str, Any]]) -> str:
    """The question followed by "1. Yes", "2. No": WhatsApp has no buttons a bot may send freely."""
    lines = [f"{number}. {button.get('title', '')}" for number, button in enumerate(buttons, start=1)]
    return f"{text.strip()}\n\n" + "\n".join(lines) if text.strip() else "\n".join(lines)


def match_option(answer: str, buttons: Sequence[dict[str, Any]] | None) -> str | None:
    """The payload of the option answered with its number ("2", "2.", "۲") or its words ("ja", "Áno"), else None."""
    if not buttons or not answer:
        return None
    cleaned = answer.strip().rstrip(".)").strip()
    if cleaned.isdecimal():
        number = int(cleaned)
        return buttons[number - 1].get("payload") if 1 <= number <= len(buttons) else None
    wanted = words(answer)
    if not wanted:
        return None
    for button in buttons:
        if words(str(button.get("title", ""))) == wanted:
            return button.get("payload")
    return None


class OptionMemory:
    """The options last offered to each sender, in memory: a restart forgets them (numbers then pass as text).

    Bounded and expiring, so a busy channel cannot grow it without end. With several Rasa replicas the shared
    version in Redis takes its place (bot/channels/channel_state.py).
    """

    def __init__(self, max_senders: int = 10_000, ttl_seconds: float = 24 * 3600) -> None:
        self._options: OrderedDict[str, tuple[float, list[dict[str, Any]]]] = OrderedDict()
        self.max_senders = max_senders
        self.ttl_seconds = ttl_seconds

    def remember(self, sender: str, buttons: Sequence[dict[str, Any]] | None) -> None:
        self._options.pop(sender, None)
        if buttons:
            self._options[sender] = (time.monotonic(), [dict(button) for button in buttons])
            while len(self._options) > self.max_senders:
                self._options.popitem(last=False)

    def get(self, sender: str) -> list[dict[str, Any]] | None:
        entry = self._options.get(sender)
        if entry is None:
            return None
        stored_at, buttons = entry
        if time.monotonic() - stored_at > self.ttl_seconds:
            del self._options[sender]
            return None
        return buttons


class PayloadStore:
    """Short tokens for payloads longer than Telegram's 64-byte callback data, in memory (bounded), or in `shared`
    (bot/channels/channel_state.py: Redis, so that every Rasa replica reads a token another one gave out)."""

    PREFIX = "~"

    def __init__(self, max_entries: int = 10_000, shared: Any = None) -> None:
        self._payloads: OrderedDict[str, str] = OrderedDict()
        self.max_entries = max_entries
        self.shared = shared

    def token_for(self, payload: str) -> str:
        token = self.PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:20]
        if self.shared is not None:
            self.shared.put(token, payload)
            return token
        self._payloads[token] = payload
        self._payloads.move_to_end(token)
        while len(self._payloads) > self.max_entries:
            self._payloads.popitem(last=False)
        return token

    def callback_data(self, payload: str) -> str:
        return (
            payload if len(payload.encode()) <= 64 and not payload.startswith(self.PREFIX) else self.token_for(payload)
        )

    def payload_for(self, data: str) -> str | None:
        if not data.startswith(self.PREFIX):
            return data
        return self.shared.get(data) if self.shared is not None else self._payloads.get(data)


class MessagingReplies:
    """What the WhatsApp and Telegram output channels share (mixed in before Rasa's OutputChannel): quick replies
    are buttons, the web widget's custom messages (the language marker) are not sent, an image goes as its
    address. The channel provides `send_text_with_buttons` and `_send(text)`."""

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Not sent: only the web widget reads custom messages."""

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(image)
