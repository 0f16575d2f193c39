"""The web widget's channel: Rasa's REST protocol, with every request checked before anything reaches Rasa.

Registered in bot/credentials.yml as `bot.channels.web.WebInput:` instead of Rasa's own `rest:`; its name is
"rest", so the widget still posts to `/webhooks/rest/webhook` and intakes still say `"channel": "rest"`.
Rasa's own REST channel believed the body: any sender id (a WhatsApp conversation's too), any `input_channel`
(`reception`), any metadata (`onthaal_assisted_by`), and it logged the text when the metadata was not an object.
Here (bot/channels/chat_requests.py):
- the body must be a JSON object with `sender` = `web-` + a lowercase UUID and a string `message`; else 400;
- the channel is always "rest", and Rasa gets no client metadata but the widget's message id;
- the limits of bot/channels/limits.py: too long, too many, crisis first;
- a message id answered before (the widget resends what it got no answer to: offline on a bus, a proxy's 502)
  gets that answer again, for 10 minutes, instead of being taken as the next answer
  (bot/channels/channel_state.py; shared in Redis between replicas).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.channel_state import replay_memory
from bot.channels.chat_requests import MESSAGE_ID_KEY, ChatRequest, answer_once, chat_request, json_object, message_id
from bot.channels.limits import trusted_proxies

SENDER_PREFIX = "web"


class WebInput(InputChannel):
    """The REST channel of the web widget (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebInput:
        return cls()

    def __init__(self) -> None:
        self.proxies = trusted_proxies()  # read once: a malformed ONTHAAL_TRUSTED_PROXY stops Rasa at startup
        self._answered = replay_memory("web")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("web_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = json_object(request)
            if isinstance(body, HTTPResponse):
                return body
            chat = chat_request(body, SENDER_PREFIX)
            if isinstance(chat, HTTPResponse):
                return chat
            given_id = message_id(chat.metadata).get(MESSAGE_ID_KEY, "")
            return await answer_once(
                request, chat, self.proxies, self._answered, given_id, lambda: self._into_rasa(chat, on_new_message)
            )

        return webhook

    async def _into_rasa(
        self, chat: ChatRequest, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> list[dict[str, Any]]:
        collector = CollectingOutputChannel()
        message = UserMessage(
            chat.text, collector, chat.sender, input_channel=self.name(), metadata=message_id(chat.metadata)
        )
        await on_new_message(message)
        return collector.messages
