"""The reception-desk channel: Rasa's REST protocol, for a conversation held with a staff member beside the client.

Registered in bot/credentials.yml as `bot.channels.reception.ReceptionInput:`; the widget in reception mode
(coach service, /reception) posts to `/webhooks/reception/webhook` exactly what it posts to the REST channel.

What it adds:
- Every bot message gets a Dutch version for the staff member, `"onthaal_nl": {"text": ..., "buttons": [...]}`
  (button titles in the order of `buttons`, null when unknown). Rasa passes the response name (`utter_action`)
  to the output channel, so the text is the `language: nl` variation of that same response in the domain, with
  its placeholders filled from the text actually sent (the variation that produced it is matched as a pattern,
  which also recovers values passed by actions rather than slots, such as `{reference}`). Button titles come
  from the nl variation by payload, else from the language packs (titles built by actions from `languages/`).
  Messages without a response name (the language marker, free text) get no Dutch version.
- Who assisted: every message must carry `metadata.onthaal_reception_token`, a token the coach service signs
  for the logged-in staff member (HMAC-SHA256 with a key derived from ONTHAAL_WEBHOOK_SECRET). The channel
  checks it and hands the actions `metadata = {"onthaal_assisted_by": <username>, "onthaal_remarks": [...],
  "onthaal_message_id": ...}`; the token itself is never stored. Without a valid token: 403.
- A message id seen before (the widget resends after a reload during a slow answer) gets the stored answer
  again instead of reaching the assistant twice.
- Like the REST channel (bot/channels/chat_requests.py): the sender must be `desk-` and a UUID, the channel is
  always "reception" whatever the body says, and the limits of bot/channels/limits.py apply.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.channel_state import replay_memory
from bot.channels.chat_requests import MESSAGE_ID_KEY, answer_once, chat_request, json_object, message_id
from bot.channels.limits import trusted_proxies

ROOT = Path(__file__).resolve().parents[2]
TOKEN_KEY = "onthaal_reception_token"  # noqa: S105 (a metadata key, not a secret)
ASSISTED_BY_KEY = "onthaal_assisted_by"
REMARKS_KEY = "onthaal_remarks"
DUTCH_KEY = "onthaal_nl"
TOKEN_CONTEXT = b"onthaal reception token v1"  # keeps this key apart from the webhook signing key
MAX_REMARKS = 20
MAX_REMARK_CHARS = 2000
SENDER_PREFIX = "desk"  # conversation ids at the desk: desk- and a UUID (bot/channels/chat_requests.py)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_key(webhook_secret: str) -> bytes:
    """The HMAC key of reception tokens, from the shared `whsec_` secret (as in coach/routers/reception.py)."""
    raw = base64.b64decode(webhook_secret.removeprefix("whsec_"), validate=True)
    return hmac.new(raw, TOKEN_CONTEXT, hashlib.sha256).digest()


def verify_token(token: object, webhook_secret: str, now: float | None = None) -> str | None:
    """The staff username a valid, unexpired token names, else None."""
    if not isinstance(token, str) or token.count(".") != 1 or not webhook_secret:
        return None
    body, signature = token.split(".")
    try:
        expected = hmac.new(token_key(webhook_secret), body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64url_decode(signature)):
            return None
        claims = json.loads(_b64url_decode(body))
    except (binascii.Error, ValueError):
        return None
    username = claims.get("sub") if isinstance(claims, dict) else None
    expires = claims.get("exp") if isinstance(claims, dict) else None
    if not isinstance(username, str) or not username or not isinstance(expires, int | float):
        return None
    return username if (now if now is not None else time.time()) < expires else None


def clean_metadata(raw: object, username: str) -> dict[str, Any]:
    """Only what the actions need; the token is dropped, remarks are trimmed strings."""
    raw = raw if isinstance(raw, dict) else {}
    metadata: dict[str, Any] = {ASSISTED_BY_KEY: username}
    remarks = raw.get(REMARKS_KEY)
    if isinstance(remarks, list):
        cleaned = [remark.strip()[:MAX_REMARK_CHARS] for remark in remarks if isinstance(remark, str)]
        if cleaned := [remark for remark in cleaned if remark][:MAX_REMARKS]:
            metadata[REMARKS_KEY] = cleaned
    metadata.update(message_id(raw))
    return metadata


@lru_cache
def _pack_titles() -> dict[str, str]:
    """Any language's text -> its Dutch text, for button titles that actions build from the packs."""
    packs = {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in (ROOT / "languages").glob("*.yml")}
    dutch = packs.get("nl", {}).get("texts", {})
    titles: dict[str, str] = {}
    for pack in packs.values():
        for key, text in (pack.get("texts") or {}).items():
            if isinstance(text, str) and key in dutch:
                titles.setdefault(text.strip(), dutch[key])
    return titles


def _variation_language(variation: dict[str, Any]) -> str | None:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return condition.get("value")
    return None


def _pattern(template: str) -> re.Pattern[str]:
    parts, seen, last = [], set(), 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def dutch_text(variations: list[dict[str, Any]], text: str | None) -> str | None:
    """The nl variation's text with the placeholders filled from `text` (the text actually sent)."""
    dutch = next((v for v in variations if _variation_language(v) == "nl"), None)
    if dutch is None or not isinstance(dutch.get("text"), str):
        return None
    values: dict[str, str] = {}
    for variation in variations:
        template = variation.get("text")
        if isinstance(template, str) and text is not None and (found := _pattern(template).fullmatch(text)):
            values = found.groupdict()
            break
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), dutch["text"])


def dutch_buttons(variations: list[dict[str, Any]], buttons: list[dict[str, Any]]) -> list[str | None]:
    dutch = next((v for v in variations if _variation_language(v) == "nl"), {})
    by_payload = {button.get("payload"): button.get("title") for button in dutch.get("buttons") or []}
    titles = _pack_titles()
    return [
        by_payload.get(button.get("payload")) or titles.get(str(button.get("title", "")).strip()) for button in buttons
    ]


class DutchCollectingOutputChannel(CollectingOutputChannel):
    """Collects the bot's messages like the REST channel and adds the Dutch version of each."""

    def __init__(self, responses: dict[str, list[dict[str, Any]]]) -> None:
        super().__init__()
        self.responses = responses

    @classmethod
    def name(cls) -> str:
        return ReceptionInput.name()

    def _dutch(self, kwargs: dict[str, Any], text: str | None, buttons: list[dict[str, Any]]) -> dict[str, Any]:
        variations = self.responses.get(kwargs.get("utter_action") or "", [])
        if not any(_variation_language(variation) == "nl" for variation in variations):
            return {}  # no Dutch variation: a multilingual response (the language choice) or an unknown one
        version = {"text": dutch_text(variations, text), "buttons": dutch_buttons(variations, buttons)}
        return {DUTCH_KEY: version} if version["text"] or any(version["buttons"]) else {}

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        dutch = self._dutch(kwargs, text, []).get(DUTCH_KEY, {}).get("text")
        parts = text.strip().split("\n\n")
        dutch_parts = dutch.strip().split("\n\n") if dutch else []
        for index, part in enumerate(parts):
            message = self._message(recipient_id, text=part)
            if len(dutch_parts) == len(parts):
                message[DUTCH_KEY] = {"text": dutch_parts[index], "buttons": []}
            elif dutch and index == len(parts) - 1:
                message[DUTCH_KEY] = {"text": dutch, "buttons": []}
            await self._persist_message(message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        message = self._message(recipient_id, text=text, buttons=buttons)
        message.update(self._dutch(kwargs, text, buttons))
        await self._persist_message(message)


class ReceptionInput(InputChannel):
    """REST for the reception desk: staff token checked, Dutch versions added, repeated message ids answered once."""

    @classmethod
    def name(cls) -> str:
        return "reception"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ReceptionInput:
        return cls((credentials or {}).get("webhook_secret"))

    def __init__(self, webhook_secret: str | None = None) -> None:
        # Read at request time as well, so the secret is never copied into logs of the credentials.
        self._secret = webhook_secret or None
        self.proxies = trusted_proxies()  # read once: a malformed ONTHAAL_TRUSTED_PROXY stops Rasa at startup
        self._answered = replay_memory()

    @property
    def webhook_secret(self) -> str:
        return self._secret or os.environ.get("ONTHAAL_WEBHOOK_SECRET", "")

    @staticmethod
    def _responses(request: Request) -> dict[str, list[dict[str, Any]]]:
        agent = getattr(request.app.ctx, "agent", None)
        domain = getattr(agent, "domain", None)
        return dict(getattr(domain, "responses", None) or {})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("reception_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = json_object(request)
            if isinstance(body, HTTPResponse):
                return body
            raw_metadata = body.get("metadata")
            token = raw_metadata.get(TOKEN_KEY) if isinstance(raw_metadata, dict) else None
            username = verify_token(token, self.webhook_secret)
            if username is None:
                return response.json({"error": "reception login missing or expired"}, status=403)
            chat = chat_request(body, SENDER_PREFIX)
            if isinstance(chat, HTTPResponse):
                return chat
            metadata = clean_metadata(chat.metadata, username)

            async def into_rasa() -> list[dict[str, Any]]:
                collector = DutchCollectingOutputChannel(self._responses(request))
                message = UserMessage(chat.text, collector, chat.sender, input_channel=self.name(), metadata=metadata)
                await on_new_message(message)
                return collector.messages

            given_id = metadata.get(MESSAGE_ID_KEY, "")
            return await answer_once(request, chat, self.proxies, self._answered, given_id, into_rasa)

        return webhook
