"""WhatsApp through Twilio: Rasa's Twilio connector, with every request's X-Twilio-Signature checked.

Registered in bot/credentials.yml as `bot.channels.whatsapp.WhatsAppInput`; webhook
`POST /webhooks/whatsapp/webhook` (form-encoded, as Twilio sends it). Buttons become numbered options,
answered with the number or the words; voice notes, photos and files become the `media` intent; the sender's
number travels as metadata (never as the conversation id, never in a log). The limits of bot/channels/limits.py
apply per sender (the requests all come from Twilio): a message over 2,000 characters gets the kind answer here.
A reply Twilio cannot take right away (network error, timeout, 5xx, 408, 429) waits in the encrypted reply queue
and is sent again, in order (bot/channels/outgoing.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot.channels import own_replies
from bot.channels.admission import shared_limits, through_the_gate
from bot.channels.channel_state import option_memory
from bot.channels.chat_requests import MESSAGE_ID_KEY, message_id
from bot.channels.limits import Admission
from bot.channels.messaging import (
    PHONE_KEY,
    WHATSAPP_MAX_CHARS,
    MessagingReplies,
    match_option,
    media_kind_from_mime,
    media_payload,
    numbered_options,
    pseudonym,
    split_text,
)
from bot.channels.outgoing import (
    SEND_TIMEOUT_SECONDS,
    ReplySender,
    queue_from_environment,
    retry_seconds_from_environment,
)

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
_quiet_twilio_logger = logging.getLogger(__name__ + ".twilio_api")
_quiet_twilio_logger.setLevel(logging.WARNING)  # Twilio logs every API call at INFO
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class _BaseUrlHttpClient(AsyncTwilioHttpClient):
    """Twilio's async HTTP client with a session per call that is closed even when the call fails (Twilio's own
    leaks it then: one per retry while Twilio is unreachable), sent to another base URL in tests."""

    def __init__(self, api_base: str) -> None:
        # A session per call: no connection outlives the event loop it was made in.
        super().__init__(pool_connections=False, logger=_quiet_twilio_logger)
        self.api_base = api_base.rstrip("/")

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if url.startswith(TWILIO_API):
            url = self.api_base + url[len(TWILIO_API) :]
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                method.upper(),
                url,
                params=params,
                data=data,
                headers=headers,
                auth=aiohttp.BasicAuth(*auth) if auth else None,
                timeout=aiohttp.ClientTimeout(total=timeout or SEND_TIMEOUT_SECONDS),
                allow_redirects=allow_redirects,
            ) as answer,
        ):
            return Response(answer.status, await answer.text(), answer.headers)


def retryable(error: BaseException) -> bool:
    """Whether Twilio may take the reply later: a 5xx, 408 or 429, or no answer at all. Another 4xx is final."""
    if isinstance(error, TwilioRestException):
        return error.status >= 500 or error.status in (408, 429)
    return isinstance(error, aiohttp.ClientError)


class WhatsAppOutput(MessagingReplies, OutputChannel):
    """Replies to one WhatsApp sender through the connector's reply sender; remembers the options it offered."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    def __init__(self, replies: ReplySender, to: str) -> None:
        self.replies = replies
        self.to = to
        self.last_options: list[dict[str, Any]] | None = None

    async def _send(self, body: str) -> None:
        for part in split_text(body, WHATSAPP_MAX_CHARS):
            await self.replies.send(self.to, {"text": part})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(text)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        self.last_options = buttons
        await self._send(numbered_options(text, buttons))


class WhatsAppInput(TwilioInput):
    """Twilio WhatsApp webhook that refuses (403) any request without a valid X-Twilio-Signature."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WhatsAppInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            webhook_url=credentials.get("webhook_url") or None,
            api_base=credentials.get("api_base") or TWILIO_API,
        )

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        webhook_url: str | None = None,
        api_base: str = TWILIO_API,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.webhook_url = webhook_url
        self.api_base = api_base
        self.options = option_memory()
        self._client: Client | None = None
        self.replies = ReplySender(
            self.name(), self._deliver, retryable, queue_from_environment(), retry_seconds_from_environment()
        )

    def client(self) -> Client:
        """Built on first use, inside the server's event loop (its HTTP session belongs to that loop)."""
        if self._client is None:
            self._client = Client(self.account_sid, self.auth_token, http_client=_BaseUrlHttpClient(self.api_base))
        return self._client

    async def _deliver(self, to: str, reply: dict[str, Any]) -> None:
        """One reply part to Twilio's Messages API (raises when Twilio does not take it)."""
        await self.client().messages.create_async(to=to, from_=self.twilio_number or "", body=reply["text"])

    def output_channel(self, to: str) -> WhatsAppOutput:
        return WhatsAppOutput(self.replies, to)

    def is_signed(self, request: Request, form: RequestParameters) -> bool:
        """Twilio's own check: HMAC-SHA1 over the public URL and the sorted POST parameters."""
        signature = request.headers.get("X-Twilio-Signature")
        if not (self.auth_token and signature):
            return False
        url = self.webhook_url or request.url
        return RequestValidator(self.auth_token).validate(url, form, signature)

    @staticmethod
    def form(request: Request) -> RequestParameters:
        """The POST parameters, empty ones included: Twilio signs `Body=` of a voice note too (Sanic drops it)."""
        if not request.content_type.startswith("application/x-www-form-urlencoded"):
            return RequestParameters()
        return RequestParameters(parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True))

    @staticmethod
    def message_text(form: Any) -> str | None:
        """The text Rasa gets: the typed words, or the media payload for voice notes, photos, files, locations."""
        try:
            media_count = int(form.get("NumMedia") or 0)
        except ValueError:
            media_count = 0
        if media_count > 0:
            return media_payload(media_kind_from_mime(form.get("MediaContentType0")))
        if form.get("Latitude") and form.get("Longitude"):
            return media_payload("other")
        return form.get("Body")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)

        self.replies.run_with(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form = self.form(request)
            if not self.is_signed(request, form):
                logger.warning("WhatsApp webhook: request without a valid Twilio signature refused")
                return response.text("forbidden", status=403)
            sender = form.get("From")
            text = self.message_text(form)
            if not sender or text is None:
                return response.text(EMPTY_TWIML, content_type="application/xml")
            sender_id = pseudonym("wa", self.auth_token or "", sender)
            text = match_option(text, self.options.get(sender_id)) or text
            out_channel = self.output_channel(sender)
            admission = shared_limits().admit(sender_id, text)  # no address: every request comes from Twilio
            if admission is Admission.TOO_MANY:
                logger.warning("WhatsApp message over the rate limit not passed on")
                return response.text("too many messages", status=429)  # Twilio reports it; nothing is stored
            if admission in (Admission.TOO_LONG, Admission.CRISIS_ANSWER):
                agent = getattr(request.app.ctx, "agent", None)
                for words in await own_replies.answer_for(admission, text, agent, sender_id):
                    await out_channel.send_text_message(sender_id, words)
                return response.text(EMPTY_TWIML, content_type="application/xml")
            # Twilio's id of the message: a hand-off in it gets the same ids when it is handled again (an intake
            # sent twice is one intake for the coach: bot/delivery/handoff_ids.py).
            metadata = {
                PHONE_KEY: sender.removeprefix("whatsapp:"),
                **message_id({MESSAGE_ID_KEY: form.get("MessageSid")}),
            }
            message = UserMessage(text, out_channel, sender_id, input_channel=self.name(), metadata=metadata)
            try:
                if not await through_the_gate(admission, lambda: on_new_message(message)):
                    return response.text("busy", status=503)  # Twilio reports it; nothing was stored
            except Exception as error:  # noqa: BLE001 (Twilio must get its answer; the text is never logged)
                logger.error("WhatsApp message not handled: %s", type(error).__name__)
            self.options.remember(sender_id, out_channel.last_options)
            return response.text(EMPTY_TWIML, content_type="application/xml")

        return webhook

    def get_output_channel(self) -> OutputChannel:
        """Rasa asks for this outside a request (e.g. reminders): there the sender's number is not known."""
        return self.output_channel("")
