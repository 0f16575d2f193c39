"""What both web channels (REST and reception desk) accept from the widget, and how they answer without Rasa.

A request is a JSON object `{"sender": "<prefix>-<uuid>", "message": "...", "metadata": {...}}`: the sender is
the channel's own id format (`web-` for REST, `desk-` for the reception desk, so a WhatsApp or Telegram
conversation id is never accepted), `message` a string, `metadata` absent or an object. Anything else gets 400
with a short error, and nothing of the body is logged or passed on. `input_channel` in the body is ignored:
the channel names itself.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import own_replies
from bot.channels.admission import shared_limits, through_the_gate
from bot.channels.limits import Admission, Network, client_address
from bot.channels.messaging import LANGUAGE_HINT_KEY  # from a web client: for the channel's own answers only

logger = logging.getLogger(__name__)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MESSAGE_ID_KEY = "onthaal_message_id"  # the widget's id of a message (the reception desk answers a resend once)
MESSAGE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    text: str
    metadata: dict[str, Any]


def refuse(reason: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


def json_object(request: Request) -> dict[str, Any] | HTTPResponse:
    """The body as a JSON object, or the 400 answer."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, RecursionError):
        return refuse("the body is not JSON")
    return body if isinstance(body, dict) else refuse("the body is not a JSON object")


def chat_request(body: dict[str, Any], sender_prefix: str) -> ChatRequest | HTTPResponse:
    """The sender, text and metadata of a widget message, or the 400 answer."""
    sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not re.fullmatch(f"{re.escape(sender_prefix)}-{UUID}", sender):
        return refuse(f"sender must be {sender_prefix}- and a lowercase UUID")
    if not isinstance(text, str) or not _is_unicode_text(text):
        return refuse("message must be a string of text")
    if metadata is not None and not isinstance(metadata, dict):
        return refuse("metadata must be an object")
    return ChatRequest(sender, text, metadata or {})


def _is_unicode_text(text: str) -> bool:
    """False for lone surrogates (`"\\ud800"` is valid JSON): they would fail later, inside Rasa."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def message_id(metadata: dict[str, Any]) -> dict[str, str]:
    """The only client metadata Rasa gets from a web channel: the widget's message id (a UUID; letters, digits
    and dashes at most)."""
    given = metadata.get(MESSAGE_ID_KEY)
    return {MESSAGE_ID_KEY: given} if isinstance(given, str) and MESSAGE_ID.fullmatch(given) else {}


def requester(request: Request, proxies: tuple[Network, ...]) -> str:
    """The client's address (X-Forwarded-For only from the trusted proxies, ONTHAAL_TRUSTED_PROXY)."""
    return client_address(request.ip, request.headers.get("x-forwarded-for"), proxies)


async def answer(
    request: Request,
    chat: ChatRequest,
    proxies: tuple[Network, ...],
    handle: Callable[[], Awaitable[list[dict[str, Any]]]],
) -> HTTPResponse:
    """Passes the message to Rasa through `handle` (which returns the bot's messages) when the limits allow it;
    otherwise answers it here. Never logs the text."""
    admission = shared_limits().admit(chat.sender, chat.text, requester(request, proxies))
    hint = chat.metadata.get(LANGUAGE_HINT_KEY)
    if admission is Admission.TOO_MANY:
        return _busy("too many messages", hint)
    if admission in (Admission.TOO_LONG, Admission.CRISIS_ANSWER):
        agent = getattr(request.app.ctx, "agent", None)
        texts = await own_replies.answer_for(admission, chat.text, agent, chat.sender, hint)
        return response.json([{"recipient_id": chat.sender, "text": text} for text in texts])
    replies: list[dict[str, Any]] = []

    async def into_rasa() -> None:
        replies.extend(await handle())

    try:
        admitted = await through_the_gate(admission, into_rasa)
    except Exception as error:  # noqa: BLE001 (Rasa's own REST channel logged the text here)
        logger.error("chat message not handled: %s", type(error).__name__)
        return refuse("the message could not be handled", status=500)
    return response.json(replies) if admitted else _busy("too many messages waiting", hint)


async def answer_once(
    request: Request,
    chat: ChatRequest,
    proxies: tuple[Network, ...],
    replays: Any,
    message_id: str,
    handle: Callable[[], Awaitable[list[dict[str, Any]]]],
) -> HTTPResponse:
    """`answer`, except that a message id answered before gets that answer again instead of reaching Rasa a second
    time (the widget and the reception desk resend what they got no answer to). `replays`: a replay memory of
    bot/channels/channel_state.py; a message without an id is always passed on."""
    key = (chat.sender, message_id)
    answered = replays.get(key) if message_id else None
    if answered is not None:
        return response.json(answered)

    async def remembered() -> list[dict[str, Any]]:
        messages = await handle()
        if message_id:
            replays.put(key, messages)
        return messages

    return await answer(request, chat, proxies, remembered)


def _busy(reason: str, hint: object) -> HTTPResponse:
    """429 with the widget's own words for it (the widget keeps the message and sends it again)."""
    busy = own_replies.texts(own_replies.BUSY_KEY, own_replies.reply_languages(None, hint))
    return response.json({"error": reason, "text": "\n\n".join(busy)}, status=429)
