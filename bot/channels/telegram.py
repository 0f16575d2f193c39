"""Telegram: Rasa's Telegram connector, with every update's X-Telegram-Bot-Api-Secret-Token checked.

Registered in bot/credentials.yml as `bot.channels.telegram.TelegramConnector`; webhook
`POST /webhooks/telegram/webhook` (a JSON Update, as Telegram sends it). Buttons become inline keyboards;
the app's language is passed on as a hint; voice notes, photos and files become the `media` intent. The
webhook is registered with Telegram (setWebhook with the secret) only when `webhook_url` is set: by default
nothing is called at startup. The limits of bot/channels/limits.py apply per sender (the updates all come from
Telegram): a message over 2,000 characters gets the kind answer here. A reply Telegram cannot take right away
(network error, timeout, 5xx, 408, 429) waits in the encrypted reply queue and is sent again, in order
(bot/channels/outgoing.py).
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer, check_token
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import NetworkError, RestartingTelegram, RetryAfter, TelegramAPIError
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import own_replies
from bot.channels.admission import shared_limits, through_the_gate
from bot.channels.channel_state import payload_store
from bot.channels.chat_requests import MESSAGE_ID_KEY, message_id
from bot.channels.limits import Admission
from bot.channels.messaging import (
    LANGUAGE_HINT_KEY,
    TELEGRAM_MAX_CHARS,
    MessagingReplies,
    PayloadStore,
    language_hint,
    media_payload,
    pseudonym,
    split_text,
)
from bot.channels.outgoing import ReplySender, queue_from_environment, retry_seconds_from_environment

logger = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
# Message fields Telegram uses for things the assistant cannot read yet, and the media kind each one is.
MEDIA_FIELDS = {
    "voice": "voice",
    "audio": "voice",
    "video_note": "voice",
    "photo": "image",
    "sticker": "image",
    "video": "video",
    "animation": "video",
    "document": "file",
    "location": "other",
    "venue": "other",
    "contact": "other",
    "poll": "other",
}
# aiogram raises a bare TelegramAPIError for a 5xx (no status in it) and for an unusual status ("... [408]").
_UNUSUAL_STATUS = re.compile(r"\[(\d{3})\]$")


def retryable(error: BaseException) -> bool:
    """Whether Telegram may take the reply later: a 5xx, 408 or 429 (flood control), or no answer at all.
    Another 4xx (a blocked bot, an unknown chat, a malformed message) is final."""
    if isinstance(error, NetworkError | RetryAfter | RestartingTelegram | aiohttp.ClientError):
        return True
    if type(error) is TelegramAPIError:
        status = _UNUSUAL_STATUS.search(str(error))
        return status is None or int(status[1]) >= 500 or int(status[1]) in (408, 429)
    return False


def keyboard(buttons: list[dict[str, Any]], payloads: PayloadStore) -> InlineKeyboardMarkup:
    """A few short options side by side, longer lists one per row."""
    markup = InlineKeyboardMarkup()
    keys = [InlineKeyboardButton(b["title"], callback_data=payloads.callback_data(b["payload"])) for b in buttons]
    if len(keys) <= 3 and all(len(b["title"]) <= 16 for b in buttons):
        markup.row(*keys)
    else:
        for key in keys:
            markup.row(key)
    return markup


class OnthaalTelegramOutput(MessagingReplies, OutputChannel):
    """Replies to one Telegram chat through the connector's reply sender."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, replies: ReplySender, chat_id: int | str, payloads: PayloadStore) -> None:
        self.replies = replies
        self.chat_id = chat_id
        self.payloads = payloads

    async def _send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        parts = split_text(text, TELEGRAM_MAX_CHARS) or ["…"]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            keys = markup.to_python() if markup is not None and last else None
            await self.replies.send(str(self.chat_id), {"text": part, "reply_markup": keys})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send(text, keyboard(buttons, self.payloads))


class TelegramConnector(TelegramInput):
    """Telegram webhook that refuses (403) any update without the secret token set with setWebhook."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramConnector:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url") or None,
            secret_token=credentials.get("secret_token") or None,
            api_base=credentials.get("api_base") or TELEGRAM_API,
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        secret_token: str | None = None,
        api_base: str = TELEGRAM_API,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_base = api_base
        if access_token:
            check_token(access_token)  # a malformed token fails at startup, not at the first message
        self.payloads = payload_store()
        self._bot: Bot | None = None
        self.replies = ReplySender(
            self.name(), self._deliver, retryable, queue_from_environment(), retry_seconds_from_environment()
        )

    def bot(self) -> Bot:
        """Built on first use, inside the server's event loop (its HTTP session belongs to that loop)."""
        if self._bot is None:
            self._bot = Bot(self.access_token or "", server=TelegramAPIServer.from_base(self.api_base))
        return self._bot

    async def _deliver(self, chat_id: str, reply: dict[str, Any]) -> None:
        """One reply part to the Bot API's sendMessage (raises when Telegram does not take it)."""
        await self.bot().send_message(chat_id, reply["text"], reply_markup=reply.get("reply_markup"))

    def output_channel(self, chat_id: int | str) -> OnthaalTelegramOutput:
        return OnthaalTelegramOutput(self.replies, chat_id, self.payloads)

    def is_signed(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER)
        if not (self.secret_token and given):
            return False
        return hmac.compare_digest(given.encode(), self.secret_token.encode())

    def message_text(self, update: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None, dict[str, Any]]:
        """(text for Rasa, chat, sender) of a message or a button press.

        Edited messages are not read: an edit of an earlier answer would be taken as the answer to the open question.
        """
        if isinstance(update.get("callback_query"), dict):
            query = update["callback_query"]
            chat = (query.get("message") or {}).get("chat")
            return self.payloads.payload_for(str(query.get("data") or "")), chat, query.get("from") or {}
        message = update.get("message")
        if not isinstance(message, dict):
            return None, None, {}
        sender = message.get("from") or {}
        if isinstance(message.get("text"), str):
            text = message["text"]
            # Opening a bot sends "/start"; the assistant greets instead of reading it as an unknown intent.
            return ("/greet" if text.split("@")[0].strip() == "/start" else text), message.get("chat"), sender
        for field, kind in MEDIA_FIELDS.items():
            if message.get(field):
                return media_payload(kind), message.get("chat"), sender
        return None, message.get("chat"), sender

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)

        self.replies.run_with(webhook)

        @webhook.listener("after_server_start")
        async def register_webhook(*_: Any) -> None:
            if self.webhook_url:
                params = {"url": self.webhook_url, "secret_token": self.secret_token or ""}
                try:
                    await self.bot().request("setWebhook", params)
                    logger.info("Telegram webhook registered")
                except Exception as error:  # noqa: BLE001 (the server runs on; the webhook can be set later)
                    logger.error("Telegram webhook not registered: %s", type(error).__name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.is_signed(request):
                logger.warning("Telegram webhook: update without the right secret token refused")
                return response.text("forbidden", status=403)
            update = request.json if isinstance(request.json, dict) else {}
            text, chat, sender = self.message_text(update)
            if isinstance(update.get("callback_query"), dict):
                await self._answer_callback(update["callback_query"].get("id"))
            # Private chats only: an intake in a group would be read by everyone in it.
            if not text or not isinstance(chat, dict) or chat.get("type", "private") != "private":
                return response.text("ok")
            sender_id = pseudonym("tg", self.secret_token or "", str(chat.get("id")))
            out_channel = self.output_channel(chat["id"])
            hint = language_hint(sender.get("language_code"))
            admission = shared_limits().admit(sender_id, text)  # no address: every update comes from Telegram
            if admission is Admission.TOO_MANY:
                logger.warning("Telegram message over the rate limit not passed on yet")
                return response.text("too many messages", status=429)  # Telegram sends the update again later
            if admission in (Admission.TOO_LONG, Admission.CRISIS_ANSWER):
                agent = getattr(request.app.ctx, "agent", None)
                for words in await own_replies.answer_for(admission, text, agent, sender_id, hint):
                    await out_channel.send_text_message(sender_id, words)
                return response.text("ok")
            metadata = {LANGUAGE_HINT_KEY: hint} if hint else {}
            # Telegram sends an update again under the same id: a hand-off in it keeps its ids (one intake).
            if isinstance(update.get("update_id"), int):
                metadata |= message_id({MESSAGE_ID_KEY: f"tg-{update['update_id']}"})
            message = UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata)
            try:
                if not await through_the_gate(admission, lambda: on_new_message(message)):
                    return response.text("busy", status=503)  # Telegram sends the update again later
            except Exception as error:  # noqa: BLE001 (Telegram would retry forever; the text is never logged)
                logger.error("Telegram update not handled: %s", type(error).__name__)
            return response.text("ok")

        return webhook

    async def _answer_callback(self, callback_id: str | None) -> None:
        """Stops the button's spinner in the app."""
        if not callback_id:
            return
        try:
            await self.bot().answer_callback_query(callback_id)
        except Exception as error:  # noqa: BLE001
            logger.warning("Telegram callback not answered: %s", type(error).__name__)

    def get_output_channel(self) -> OutputChannel:
        """Rasa asks for this outside a request (e.g. reminders): there the chat is not known. No setWebhook."""
        return self.output_channel("")
