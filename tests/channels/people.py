"""A person on WhatsApp or Telegram: requests in each provider's real format, replies read from the fake provider."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.channels.fake_provider import FakeProvider
from tests.e2e.chat import words

_update_ids = itertools.count(int(time.time()))
_NUMBERED = re.compile(r"^(\d+)\. (.+)$")


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """What Twilio sends in X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted parameters."""
    signed = url + "".join(key + params[key] for key in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def polite(post: Callable[[], httpx.Response]) -> httpx.Response:
    """A test talks faster than a person: over the channel's rate limit (429) it waits and sends again, as Telegram
    would."""
    for _ in range(120):
        response = post()
        if response.status_code != 429:
            break
        time.sleep(0.5)
    return response


class Person:
    """What all channels share: the replies of the last turn and the options they offered."""

    provider: FakeProvider
    replies: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [reply["text"] for reply in self.replies]

    def options(self) -> list[str]:
        raise NotImplementedError

    def shown(self, title: str) -> str:
        """The option as shown for these words: the words alone, or with the pictogram in front."""
        options = self.options()
        found = [option for option in options if title in (option, words(option))]
        assert found, f"no option {title!r} in {options}"
        return found[0]

    def choose(self, title: str) -> int:
        raise NotImplementedError

    def say(self, text: str) -> int:
        raise NotImplementedError

    def send_media(self) -> int:
        raise NotImplementedError


class WhatsAppPerson(Person):
    def __init__(self, rasa_url: str, provider: FakeProvider, auth_token: str, public_url: str, phone: str) -> None:
        self.url = f"{rasa_url}/webhooks/whatsapp/webhook"
        self.provider = provider
        self.auth_token = auth_token
        self.public_url = public_url
        self.phone = phone
        self.to = f"whatsapp:{phone}"
        self.replies = []

    def form(self, body: str = "", **extra: str) -> dict[str, str]:
        sid = "SM" + secrets.token_hex(16)
        return {
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ProfileName": "Test",
            "MessageType": "text",
            "SmsSid": sid,
            "WaId": self.phone.lstrip("+"),
            "SmsStatus": "received",
            "Body": body,
            "To": "whatsapp:+14155238886",
            "NumSegments": "1",
            "ReferralNumMedia": "0",
            "MessageSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": f"whatsapp:{self.phone}",
            "ApiVersion": "2010-04-01",
            **extra,
        }

    def post(self, form: dict[str, str], signature: str | None) -> httpx.Response:
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        before = len(self.provider.sent)
        response = httpx.post(self.url, data=form, headers=headers, timeout=60)
        self.replies = [m for m in self.provider.sent_since(before) if m["to"] == f"whatsapp:{self.phone}"]
        return response

    def send(self, form: dict[str, str]) -> int:
        response = polite(lambda: self.post(form, twilio_signature(self.auth_token, self.public_url, form)))
        assert response.status_code == 200, response.text
        return response.status_code

    def say(self, text: str) -> int:
        return self.send(self.form(text))

    def send_media(self) -> int:
        """A voice note, as Twilio posts it: no text, one media item."""
        media_url = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"
        return self.send(
            self.form("", NumMedia="1", MessageType="audio", MediaContentType0="audio/ogg", MediaUrl0=media_url)
        )

    def options(self) -> list[str]:
        """The numbered options of the last reply that had them: "1. Ja" -> "Ja"."""
        for reply in reversed(self.replies):
            found = [match[2] for line in reply["text"].splitlines() if (match := _NUMBERED.match(line))]
            if found:
                return found
        return []

    def choose(self, title: str) -> int:
        return self.say(str(self.options().index(self.shown(title)) + 1))


class TelegramPerson(Person):
    def __init__(self, rasa_url: str, provider: FakeProvider, secret: str, chat_id: int, language_code: str) -> None:
        self.url = f"{rasa_url}/webhooks/telegram/webhook"
        self.provider = provider
        self.secret = secret
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": language_code}
        self.replies = []

    def update(self, **content: Any) -> dict[str, Any]:
        return {"update_id": next(_update_ids), **content}

    def message(self, **fields: Any) -> dict[str, Any]:
        chat = {"id": self.chat_id, "first_name": "Test", "type": "private"}
        return self.update(
            message={
                "message_id": next(_update_ids),
                "from": self.user,
                "chat": chat,
                "date": int(time.time()),
                **fields,
            }
        )

    def post(self, update: dict[str, Any], secret: str | None) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        before = len(self.provider.sent)
        response = httpx.post(self.url, json=update, headers=headers, timeout=60)
        self.replies = [m for m in self.provider.sent_since(before) if m["to"] == self.chat_id]
        return response

    def send(self, update: dict[str, Any]) -> int:
        response = polite(lambda: self.post(update, self.secret))
        assert response.status_code == 200, response.text
        return response.status_code

    def say(self, text: str) -> int:
        return self.send(self.message(text=text))

    def send_media(self) -> int:
        """A photo, as Telegram sends it: several sizes, no text."""
        photo = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 67, "file_size": 1254}]
        return self.send(self.message(photo=photo))

    def buttons(self) -> dict[str, str]:
        for reply in reversed(self.replies):
            if reply.get("reply_markup"):
                rows = reply["reply_markup"]["inline_keyboard"]
                return {button["text"]: button["callback_data"] for row in rows for button in row}
        return {}

    def options(self) -> list[str]:
        return list(self.buttons())

    def choose(self, title: str) -> int:
        title = self.shown(title)
        bot_message = {"message_id": 1, "date": int(time.time()), "chat": {"id": self.chat_id, "type": "private"}}
        query = {
            "id": str(next(_update_ids)),
            "from": self.user,
            "message": bot_message,
            "chat_instance": "1",
            "data": self.buttons()[title],
        }
        return self.send(self.update(callback_query=query))


class ChannelChat:
    """A person on WhatsApp or Telegram seen as tests/e2e/chat.py's `Chat`, so that tests/e2e/intake.py's
    IntakeScript can hold a whole intake over the channel: the last turn's messages as Rasa-like replies (text, and
    the numbered options on WhatsApp or the inline keyboard on Telegram as buttons), taps by the button's words."""

    def __init__(self, person: Person, greeting: str = "/start") -> None:
        self.person = person
        self.greeting = greeting

    def greet(self) -> None:
        self.person.say(self.greeting)

    def say(self, message: str) -> None:
        self.person.say(message)

    @property
    def replies(self) -> list[dict[str, Any]]:
        replies = []
        for sent in self.person.replies:
            text, buttons = sent["text"], []
            if markup := sent.get("reply_markup"):  # Telegram
                buttons = [button["text"] for row in markup["inline_keyboard"] for button in row]
            else:  # WhatsApp: the options are numbered lines after the text
                head, _, tail = text.rpartition("\n\n")
                numbered = [_NUMBERED.match(line) for line in tail.splitlines()]
                if tail and all(numbered):
                    text, buttons = head, [match[2] for match in numbered if match]
            replies.append({"text": text, "buttons": [{"title": title, "payload": title} for title in buttons]})
        return replies

    @property
    def texts(self) -> list[str]:
        return [reply["text"] for reply in self.replies if reply["text"]]

    def buttons(self) -> dict[str, str]:
        return {button["title"]: button["payload"] for reply in self.replies for button in reply["buttons"]}

    def offers(self, title: str) -> bool:
        return title in {words(shown) for shown in self.buttons()}

    def click(self, title: str) -> None:
        """Tap the option with these words (the pictogram in front is not part of them)."""
        self.person.choose(title)
