"""Replies that cannot be sent right away (bot/channels/outgoing.py, bot/channels/reply_queue.py): no servers.

The provider is a stand-in that takes replies or fails as told; the clock is a number the test moves, so minutes
of retries take milliseconds. Everything else (the SQLite file, the encryption, the retrier) is real.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.channels.outgoing import ReplySender, backoff_seconds, queue_path_from_environment
from bot.channels.reply_queue import ReplyQueue, ReplyQueueError, decode_keys
from tests.conftest import run_coroutine

PHONE = "whatsapp:+32470987654"
OTHER_PHONE = "whatsapp:+32470111222"


def fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


class ProviderError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"provider answered {status} to the text it was given")
        self.status = status


def retryable(error: BaseException) -> bool:
    return isinstance(error, ProviderError) and (error.status >= 500 or error.status in (408, 429))


class Provider:
    """Takes replies (`sent`, in order) or fails with `failure`; counts every attempt."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.attempts = 0
        self.failure: BaseException | None = None
        self.failing_for: set[str] = set()  # recipients refused with `failure`; empty: every recipient

    async def deliver(self, recipient: str, reply: dict[str, Any]) -> None:
        self.attempts += 1
        if self.failure is not None and (not self.failing_for or recipient in self.failing_for):
            raise self.failure
        self.sent.append((recipient, reply["text"]))

    def texts(self, recipient: str = PHONE) -> list[str]:
        return [text for to, text in self.sent if to == recipient]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def key() -> str:
    return fernet_key()


@pytest.fixture
def queue(tmp_path: Path, key: str) -> ReplyQueue:
    return ReplyQueue(tmp_path / "replies.sqlite3", decode_keys(key))


@pytest.fixture
def provider() -> Provider:
    return Provider()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender(queue: ReplyQueue, provider: Provider, clock: Clock) -> ReplySender:
    return ReplySender("whatsapp", provider.deliver, retryable, queue, retry_seconds=300, clock=clock)


def send(sender: ReplySender, text: str, recipient: str = PHONE) -> None:
    run_coroutine(sender.send(recipient, {"text": text}))


def retry_at(sender: ReplySender, clock: Clock, seconds_later: float) -> None:
    clock.now += seconds_later
    run_coroutine(sender.retry_due())


def test_a_reply_the_provider_takes_is_not_queued(sender, provider, queue):
    send(sender, "Welkom")
    assert provider.texts() == ["Welkom"]
    assert queue.count() == 0


def test_a_passing_failure_is_retried_with_backoff_until_the_provider_takes_it(sender, provider, queue, clock):
    provider.failure = ProviderError(503)
    send(sender, "Welkom")
    assert provider.texts() == [] and queue.count() == 1

    retry_at(sender, clock, 1.9)  # not due yet: the first retry comes after 2 s
    assert provider.attempts == 1
    waits = []
    for attempt in range(1, 8):
        due = queue.next_due_at("whatsapp")
        waits.append(round(due - clock.now))
        retry_at(sender, clock, due - clock.now)
        assert provider.attempts == attempt + 1
    assert waits == [0, 4, 8, 16, 32, 60, 60]  # 2 s after the first attempt (0.1 s left), then doubling to 60 s

    provider.failure = None
    retry_at(sender, clock, queue.next_due_at("whatsapp") - clock.now)
    assert provider.texts() == ["Welkom"]
    assert queue.count() == 0


def test_backoff_doubles_from_two_seconds_to_a_minute():
    assert [backoff_seconds(attempts) for attempts in range(1, 9)] == [2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize("status", [429, 408, 500, 502, 503, 504])
def test_429_408_and_5xx_are_passing(sender, provider, queue, status):
    provider.failure = ProviderError(status)
    send(sender, "Welkom")
    assert queue.count() == 1


@pytest.mark.parametrize("failure", [TimeoutError(), ConnectionRefusedError()])
def test_timeouts_and_refused_connections_are_passing_whatever_the_channel_says(sender, provider, queue, failure):
    provider.failure = failure
    send(sender, "Welkom")
    assert queue.count() == 1


def test_a_provider_that_hangs_is_given_up_on_after_the_send_timeout(queue, clock):
    async def hang(recipient: str, reply: dict[str, Any]) -> None:
        await asyncio.sleep(30)

    sender = ReplySender("whatsapp", hang, retryable, queue, clock=clock, send_timeout_seconds=0.05)
    send(sender, "Welkom")
    assert queue.count() == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_other_4xx_are_final_dropped_at_once_with_a_line_without_content(sender, provider, queue, caplog, status):
    provider.failure = ProviderError(status)
    with caplog.at_level(logging.INFO):
        send(sender, "Uw geheime antwoord")
    assert queue.count() == 0
    assert provider.attempts == 1
    assert f"whatsapp reply dropped: refused (ProviderError {status})" in caplog.text
    assert "geheime" not in caplog.text and "32470987654" not in caplog.text


def test_a_new_reply_waits_behind_the_queued_ones_even_when_the_provider_is_back(sender, provider, queue, clock):
    provider.failure = ProviderError(503)
    send(sender, "1 Welkom")
    provider.failure = None  # back, but "1" still waits for its retry
    send(sender, "2 Welke taal?")
    send(sender, "3 Nederlands")
    assert provider.texts() == []
    assert queue.count() == 3

    retry_at(sender, clock, 2)
    assert provider.texts() == ["1 Welkom", "2 Welke taal?", "3 Nederlands"]
    assert queue.count() == 0
    send(sender, "4 Toestemming?")  # nothing waits any more: sent at once
    assert provider.texts()[-1] == "4 Toestemming?"


def test_one_conversation_waiting_does_not_hold_up_another(sender, provider, queue, clock):
    provider.failure = ProviderError(503)
    provider.failing_for = {PHONE}
    send(sender, "Welkom", PHONE)
    send(sender, "Welcome", OTHER_PHONE)
    assert provider.texts(OTHER_PHONE) == ["Welcome"]
    assert provider.texts(PHONE) == []


def test_a_queued_reply_refused_for_good_is_dropped_and_the_next_one_goes(sender, provider, queue, clock):
    provider.failure = ProviderError(503)
    send(sender, "1")
    send(sender, "2")
    provider.failure = None
    tried = []

    async def refuses_the_first(recipient: str, reply: dict[str, Any]) -> None:
        tried.append(reply["text"])
        if reply["text"] == "1":
            raise ProviderError(400)
        await provider.deliver(recipient, reply)

    sender.deliver = refuses_the_first
    retry_at(sender, clock, 2)
    assert tried == ["1", "2"]
    assert provider.texts() == ["2"]
    assert queue.count() == 0 and sender.dropped == 1


def test_after_the_retry_window_a_reply_is_dropped_with_a_line_without_content(sender, provider, queue, clock, caplog):
    provider.failure = ProviderError(503)
    send(sender, "Uw geheime antwoord")
    send(sender, "Nog een geheim")
    with caplog.at_level(logging.INFO):
        while queue.count():
            retry_at(sender, clock, queue.next_due_at("whatsapp") - clock.now)
            assert clock.now < 1_000_000.0 + 301, "dropped at the end of the window, not later"
    assert clock.now == pytest.approx(1_000_000.0 + 300)
    assert provider.attempts == 9  # at 0 s (it was queued then), 2, 6, 14, 30, 62, 122, 182 and 242 s
    assert sender.dropped == 2
    assert "whatsapp reply dropped: not delivered within 300 s, after 9 attempt(s) in 300 s (1 dropped" in caplog.text
    # The second waited behind the first and was never tried: its window closed at the same time.
    assert "after 0 attempt(s) in 300 s (2 dropped since start)" in caplog.text
    assert "geheim" not in caplog.text and "32470987654" not in caplog.text
    provider.failure = None
    retry_at(sender, clock, 60)
    assert provider.texts() == []


def test_the_queue_file_holds_no_text_and_no_recipient_and_overwrites_what_it_deletes(sender, provider, queue, clock):
    provider.failure = ProviderError(503)
    canary = "canary-" + secrets.token_hex(8)
    send(sender, f"Uw antwoord {canary}", "whatsapp:+32499000111")
    raw = b"".join(path.read_bytes() for path in queue.path.parent.iterdir())
    assert canary.encode() not in raw
    assert b"32499000111" not in raw
    with closing(sqlite3.connect(queue.path)) as connection:
        (sealed,) = connection.execute("SELECT sealed FROM replies").fetchone()
    assert sealed in queue.path.read_bytes()

    provider.failure = None
    retry_at(sender, clock, 2)
    assert provider.texts("whatsapp:+32499000111") == [f"Uw antwoord {canary}"]
    assert sealed not in queue.path.read_bytes(), "secure_delete overwrites the sent reply"
    assert queue.path.stat().st_mode & 0o077 == 0, "readable by its owner only"


def test_a_new_sender_on_the_same_file_picks_up_what_waits(tmp_path, key, provider, clock):
    provider.failure = ProviderError(503)
    first = ReplySender("whatsapp", provider.deliver, retryable, ReplyQueue(tmp_path / "r.sqlite3", decode_keys(key)))
    first.clock = clock
    send(first, "1")
    send(first, "2")
    provider.failure = None
    restarted_queue = ReplyQueue(tmp_path / "r.sqlite3", decode_keys(key))
    restarted = ReplySender("whatsapp", provider.deliver, retryable, restarted_queue, clock=clock)
    retry_at(restarted, clock, 2)
    assert provider.texts() == ["1", "2"]


def test_a_rotated_key_still_opens_waiting_replies_and_an_unknown_key_drops_them(tmp_path, key, provider, clock):
    provider.failure = ProviderError(503)
    path = tmp_path / "r.sqlite3"
    send(ReplySender("whatsapp", provider.deliver, retryable, ReplyQueue(path, decode_keys(key)), clock=clock), "1")
    provider.failure = None
    rotated = ReplyQueue(path, decode_keys(f"{fernet_key()},{key}"))
    entry = rotated.first(rotated.due_conversations("whatsapp", clock.now + 2)[0])
    assert entry.reply == {"text": "1"} and entry.recipient == PHONE

    stranger = ReplySender("whatsapp", provider.deliver, retryable, ReplyQueue(path, decode_keys(fernet_key())))
    stranger.clock = clock
    # An unknown key makes another conversation hash: the entry is found by the time it is due, then dropped.
    stranger_queue = stranger.queue
    (conversation,) = stranger_queue.due_conversations("whatsapp", clock.now + 2)
    assert stranger_queue.first(conversation).reply is None
    retry_at(stranger, clock, 2)
    assert provider.texts() == [] and stranger.dropped == 1 and stranger_queue.count() == 0


def test_each_channel_retries_only_its_own_replies(queue, provider, clock):
    provider.failure = ProviderError(503)
    whatsapp = ReplySender("whatsapp", provider.deliver, retryable, queue, clock=clock)
    telegram = ReplySender("telegram", provider.deliver, retryable, queue, clock=clock)
    send(whatsapp, "wa")
    send(telegram, "tg", "123456")
    provider.failure = None
    retry_at(telegram, clock, 2)
    assert provider.sent == [("123456", "tg")]
    assert queue.count("whatsapp") == 1


def test_the_retrier_runs_on_its_own_and_outlives_a_damaged_file(tmp_path, key, provider, caplog):
    """Real time: the retrier task sends a queued reply on its own, goes on after the file is damaged, and
    sends again once the file is back."""
    path = tmp_path / "r.sqlite3"
    queue = ReplyQueue(path, decode_keys(key))
    sender = ReplySender("telegram", provider.deliver, retryable, queue, first_retry_seconds=0.05)

    def retrier_failed() -> bool:
        return any("telegram reply retrier: DatabaseError" in record.getMessage() for record in caplog.records)

    async def scenario() -> None:
        sender.start()
        provider.failure = ProviderError(503)
        await sender.send("42", {"text": "1"})
        provider.failure = None
        await wait_for(lambda: provider.texts("42") == ["1"])

        provider.failure = ProviderError(503)
        await sender.send("42", {"text": "2"})  # retried every 0.05, 0.1, 0.2 ... s
        path.write_bytes(b"this is not a database" * 100)
        await wait_for(retrier_failed)
        assert not sender._task.done()
        path.unlink()  # a new file is made; "2" went with the damaged one
        await sender.send("42", {"text": "3"})
        provider.failure = None
        await wait_for(lambda: provider.texts("42") == ["1", "3"])
        await sender.stop()

    with caplog.at_level(logging.ERROR):
        run_coroutine(scenario())


async def wait_for(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_keys_are_required_and_checked():
    with pytest.raises(ReplyQueueError):
        decode_keys("")
    with pytest.raises(ReplyQueueError) as refused:
        decode_keys("not-a-key")
    assert "not-a-key" not in str(refused.value)


def test_the_queue_file_lives_next_to_the_conversations_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("ONTHAAL_REPLY_QUEUE_PATH", raising=False)
    monkeypatch.setenv("ONTHAAL_TRACKER_DB", str(tmp_path / "state" / "trackers.sqlite3"))
    assert queue_path_from_environment() == tmp_path / "state" / "replies.sqlite3"
    monkeypatch.setenv("ONTHAAL_REPLY_QUEUE_PATH", str(tmp_path / "elsewhere.sqlite3"))
    assert queue_path_from_environment() == tmp_path / "elsewhere.sqlite3"
