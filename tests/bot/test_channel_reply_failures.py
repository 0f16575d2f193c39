"""The WhatsApp and Telegram connectors' send path against a local fake provider that fails as told.

Real Twilio and aiogram clients, real connectors, a real reply queue; only the provider is a stand-in
(tests/channels/fake_provider.py) and the retrier's clock is moved by the test. Runs in the bot environment.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from typing import Any

import pytest

from bot.channels.telegram import TelegramConnector
from bot.channels.whatsapp import WhatsAppInput
from tests.channels.fake_provider import FakeProvider

PHONE = "whatsapp:+32470555666"
CHAT_ID = 424242
BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def provider():
    fake = FakeProvider().start()
    yield fake
    if fake.thread.is_alive():
        fake.stop()


@pytest.fixture(autouse=True)
def queue_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    monkeypatch.setenv("ONTHAAL_REPLY_QUEUE_PATH", str(tmp_path / "replies.sqlite3"))
    monkeypatch.setenv("ONTHAAL_REPLY_RETRY_SECONDS", "300")


def whatsapp(provider: FakeProvider) -> WhatsAppInput:
    return WhatsAppInput("AC" + "1" * 32, secrets.token_hex(16), "whatsapp:+14155238886", api_base=provider.url)


def telegram(provider: FakeProvider) -> TelegramConnector:
    token = "1000000001:" + secrets.token_urlsafe(26)
    secret = secrets.token_urlsafe(16)
    return TelegramConnector(token, "onthaal_test_bot", None, secret_token=secret, api_base=provider.url)


async def say(connector: WhatsAppInput | TelegramConnector, text: str, buttons: list[dict[str, Any]] | None = None):
    """What Rasa does with a reply: the connector's output channel sends it."""
    if isinstance(connector, WhatsAppInput):
        channel = connector.output_channel(PHONE)
        recipient = PHONE
    else:
        channel = connector.output_channel(CHAT_ID)
        recipient = str(CHAT_ID)
    if buttons:
        await channel.send_text_with_buttons(recipient, text, buttons)
    else:
        await channel.send_text_message(recipient, text)


def run(connector: WhatsAppInput | TelegramConnector, scenario) -> None:
    async def main() -> None:
        try:
            await scenario()
        finally:
            if isinstance(connector, TelegramConnector) and connector._bot is not None:
                await connector._bot.session.close()

    asyncio.run(main())


@pytest.mark.parametrize("make", [whatsapp, telegram], ids=["whatsapp", "telegram"])
@pytest.mark.parametrize("status", [503, 500, 429, 408])
def test_a_passing_error_queues_the_reply_and_it_is_sent_when_the_provider_is_back(provider, make, status):
    connector = make(provider)
    clock = connector.replies.clock = Clock()

    async def scenario() -> None:
        provider.fail_with(status)
        await say(connector, "Welke taal spreekt u?", BUTTONS)
        await say(connector, "Tweede bericht")
        assert [refused["text"] for refused in provider.refused] == [provider.refused[0]["text"]], (
            "the second waits behind the first: it is not tried before it"
        )
        assert connector.replies.queue.count() == 2
        provider.fail_with(None)
        clock.now += 2
        await connector.replies.retry_due()

    run(connector, scenario)
    assert connector.replies.queue.count() == 0
    texts = [message["text"] for message in provider.sent]
    if make is whatsapp:
        assert texts == ["Welke taal spreekt u?\n\n1. Ja\n2. Nee", "Tweede bericht"]
        assert all(message["to"] == PHONE and message["from"] == "whatsapp:+14155238886" for message in provider.sent)
    else:
        assert texts == ["Welke taal spreekt u?", "Tweede bericht"]
        assert provider.sent[0]["reply_markup"] == {
            "inline_keyboard": [[{"text": "Ja", "callback_data": "/affirm"}, {"text": "Nee", "callback_data": "/deny"}]]
        }
        assert provider.sent[1]["reply_markup"] is None
        assert all(message["to"] == CHAT_ID for message in provider.sent)


@pytest.mark.parametrize("make", [whatsapp, telegram], ids=["whatsapp", "telegram"])
@pytest.mark.parametrize("status", [400, 403, 404])
def test_another_4xx_is_final_the_reply_is_dropped_and_not_tried_again(provider, make, status):
    connector = make(provider)
    clock = connector.replies.clock = Clock()

    async def scenario() -> None:
        provider.fail_with(status)
        await say(connector, "Welkom")
        provider.fail_with(None)
        clock.now += 60
        await connector.replies.retry_due()

    run(connector, scenario)
    assert len(provider.refused) == 1
    assert provider.sent == []
    assert connector.replies.queue.count() == 0
    assert connector.replies.dropped == 1


@pytest.mark.parametrize("make", [whatsapp, telegram], ids=["whatsapp", "telegram"])
def test_a_provider_not_listening_is_a_passing_error(provider, make):
    connector = make(provider)
    clock = connector.replies.clock = Clock()

    async def scenario() -> None:
        provider.stop()
        await say(connector, "Welkom")
        assert connector.replies.queue.count() == 1
        provider.restart()
        clock.now += 2
        await connector.replies.retry_due()

    run(connector, scenario)
    assert [message["text"] for message in provider.sent] == ["Welkom"]
    assert connector.replies.queue.count() == 0
