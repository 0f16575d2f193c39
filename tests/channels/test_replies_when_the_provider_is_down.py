"""WhatsApp and Telegram replies while the provider is down, over the real stack (its own, with its own fake
provider): sent in order once it is back, also after a restart of the Rasa server; dropped after the retry
window with a log line that holds neither the text nor the number.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest

from bot.channels.messaging import TELEGRAM_MAX_CHARS, WHATSAPP_MAX_CHARS, numbered_options, pseudonym, split_text
from tests.channels.conftest import PUBLIC_WHATSAPP_URL, running_channel_stack
from tests.channels.fake_provider import FakeProvider
from tests.channels.people import TelegramPerson, WhatsAppPerson
from tests.e2e.chat import Chat
from tools.stack import Stack

pytestmark = pytest.mark.stack

RETRY_VARIABLE = "ONTHAAL_REPLY_RETRY_SECONDS"
SHORT_WINDOW = 45


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider().start()
    try:
        yield fake
    finally:
        fake.fail_with(None)
        fake.stop()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, provider, channel_credentials) -> Iterator[Stack]:
    """The stack starts with a long retry window (a restart of Rasa fits in it); tests that need a short one
    restart Rasa with it (`use_retry_window`). Replies already queued keep the window they were queued with."""
    with running_channel_stack(
        tmp_path_factory.mktemp("replies"), provider, channel_credentials, **{RETRY_VARIABLE: "600"}
    ) as stack:
        yield stack


@pytest.fixture(autouse=True)
def provider_back_after_each_test(provider):
    yield
    provider.fail_with(None)


def use_retry_window(stack: Stack, seconds: int) -> None:
    if stack.extra_env[RETRY_VARIABLE] != str(seconds):
        stack.extra_env[RETRY_VARIABLE] = str(seconds)
        stack.restart_rasa()


def eventually(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


def whatsapp(stack: Stack, provider: FakeProvider, credentials: dict[str, str]) -> WhatsAppPerson:
    phone = "+3247" + "".join(secrets.choice("0123456789") for _ in range(7))
    return WhatsAppPerson(stack.rasa_url, provider, credentials["TWILIO_AUTH_TOKEN"], PUBLIC_WHATSAPP_URL, phone)


def telegram(stack: Stack, provider: FakeProvider, credentials: dict[str, str]) -> TelegramPerson:
    chat_id = 100_000_000 + secrets.randbelow(800_000_000)
    return TelegramPerson(stack.rasa_url, provider, credentials["TELEGRAM_WEBHOOK_SECRET"], chat_id, "nl")


def said_by_the_assistant(stack: Stack, sender_id: str, limit: int, numbered: bool) -> list[tuple[str, list[str]]]:
    """What the assistant said in the conversation, in order, as the channel sends it: (text, button titles) of
    each part; on WhatsApp the options are numbered in the text, on Telegram they are buttons of the last part."""
    chat = Chat(stack.rasa_url)
    chat.sender = sender_id
    parts: list[tuple[str, list[str]]] = []
    for event in chat.tracker()["events"]:
        if event["event"] == "bot" and event.get("text"):
            data = event.get("data") or {}
            buttons = data.get("buttons") or data.get("quick_replies") or []
            if numbered:
                parts += [(part, []) for part in split_text(numbered_options(event["text"], buttons), limit)]
                continue
            pieces = split_text(event["text"], limit)
            titles = [button["title"] for button in buttons]
            parts += [(piece, titles if index == len(pieces) - 1 else []) for index, piece in enumerate(pieces)]
    return parts


def delivered_with_buttons(provider: FakeProvider, to: object) -> list[tuple[str, list[str]]]:
    """(text, button titles) of every message the provider took for `to`."""
    messages = [message for message in provider.sent if message["to"] == to]
    return [
        (
            message["text"],
            [key["text"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for key in row],
        )
        for message in messages
    ]


def delivered(provider: FakeProvider, to: object) -> list[str]:
    return [message["text"] for message in provider.sent if message["to"] == to]


def refused(provider: FakeProvider, to: object) -> list[str]:
    return [message["text"] for message in provider.refused if message["to"] == to]


def queued(stack: Stack) -> int:
    with closing(sqlite3.connect(stack.state_dir / "replies.sqlite3")) as connection:
        return connection.execute("SELECT COUNT(*) FROM replies").fetchone()[0]


def rasa_log(stack: Stack) -> str:
    return (stack.state_dir / "logs" / "rasa.log").read_text("utf-8", "replace")


def test_replies_queued_while_the_provider_is_down_are_sent_after_a_restart_of_rasa(
    stack, provider, channel_credentials
):
    person = whatsapp(stack, provider, channel_credentials)
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], person.to)
    provider.fail_with(503)
    person.say("Hallo, ik zoek werk")
    assert person.replies == [] and refused(provider, person.to), "the provider was asked and said 503"
    assert queued(stack) > 0

    stack.stop_process("rasa")
    provider.fail_with(None)
    stack.extra_env[RETRY_VARIABLE] = str(SHORT_WINDOW)  # the queued replies keep their 600 s
    stack.start_rasa()

    expected = said_by_the_assistant(stack, sender_id, WHATSAPP_MAX_CHARS, numbered=True)
    assert expected
    eventually(lambda: len(delivered(provider, person.to)) >= len(expected), 90, "the queued replies are sent")
    assert delivered_with_buttons(provider, person.to) == expected
    # A reply leaves the queue once the provider has answered for it: just after the provider has taken it.
    eventually(lambda: queued(stack) == 0, 10, "the sent replies leave the queue")


def test_a_message_sent_while_the_provider_is_down_gets_its_replies_in_order_once_it_is_back(
    stack, provider, channel_credentials
):
    use_retry_window(stack, SHORT_WINDOW)
    person = telegram(stack, provider, channel_credentials)
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    provider.fail_with(503)
    person.say("/start")
    # Attempts at 0, 2, 6 and 14 s; the next is due at 30 s. The provider comes back before it, and the person's
    # next message is answered then: its replies must wait behind the first ones, not overtake them.
    eventually(lambda: len(refused(provider, person.chat_id)) >= 4, 30, "four attempts while down")
    provider.fail_with(None)
    person.say("Hallo, ik zoek werk in Gent")
    assert person.replies == [], "queued behind the replies to the first message"

    expected = said_by_the_assistant(stack, sender_id, TELEGRAM_MAX_CHARS, numbered=False)
    assert len(expected) >= 2
    eventually(lambda: len(delivered(provider, person.chat_id)) >= len(expected), 30, "every reply is sent")
    assert delivered_with_buttons(provider, person.chat_id) == expected  # the keyboards kept while waiting
    assert any(titles for _, titles in expected)


def test_after_the_retry_window_replies_are_dropped_with_a_log_line_without_text_or_number(
    stack, provider, channel_credentials
):
    use_retry_window(stack, SHORT_WINDOW)
    canary = "canary" + secrets.token_hex(6)
    on_whatsapp = whatsapp(stack, provider, channel_credentials)
    on_telegram = telegram(stack, provider, channel_credentials)
    log_before = len(rasa_log(stack))
    provider.fail_with(503)
    on_whatsapp.say(f"Hallo, ik ben {canary}")
    on_telegram.say(f"Hallo, ik ben {canary}")
    offered = refused(provider, on_whatsapp.to) + refused(provider, on_telegram.chat_id)
    assert offered

    raw = (stack.state_dir / "replies.sqlite3").read_bytes()
    phone_digits = on_whatsapp.phone.lstrip("+")
    for secret in (canary, phone_digits, str(on_telegram.chat_id), *offered):
        assert secret.encode() not in raw, "the reply queue holds no text, number or chat id in clear"

    eventually(lambda: queued(stack) == 0, SHORT_WINDOW + 30, "the replies are dropped")
    log = rasa_log(stack)[log_before:]
    assert f"whatsapp reply dropped: not delivered within {SHORT_WINDOW} s" in log
    assert f"telegram reply dropped: not delivered within {SHORT_WINDOW} s" in log
    provider.fail_with(None)
    time.sleep(3)
    assert delivered(provider, on_whatsapp.to) == [] and delivered(provider, on_telegram.chat_id) == []

    whole_log = rasa_log(stack)
    for secret in (canary, phone_digits, str(on_telegram.chat_id), *offered):
        assert secret not in whole_log
    for text in offered:
        assert text.splitlines()[0] not in whole_log
