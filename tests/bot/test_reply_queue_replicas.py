"""Two Rasa replicas on one WhatsApp/Telegram reply queue: each waiting reply is sent again exactly once, in order
per conversation, whichever retrier takes it; a reply the other replica is sending is left alone. On a shared
SQLite file and, with ONTHAAL_TEST_POSTGRES_URL, on PostgreSQL (where nothing is stored in clear either)."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections import Counter
from typing import Any

import pytest

from bot.channels.outgoing import ReplySender, queue_from_environment
from bot.channels.reply_queue import ReplyQueue, decode_keys
from bot.channels.reply_queue_postgres import PostgresReplyQueue
from tests.bot.shared_backends import POSTGRES_URL, fresh_postgres_database

BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
PHONES = [f"whatsapp:+3247000{index:04d}" for index in range(12)]
NOW = 1_000_000.0


class Provider:
    """Takes every reply a little slowly (so that two retriers overlap) and records what it got."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, recipient: str, reply: dict[str, Any]) -> None:
        await asyncio.sleep(0.01)
        self.sent.append((recipient, reply["text"]))


@pytest.fixture(params=BACKENDS)
def two_queues(request, tmp_path):
    """Two queue objects on one store, as two Rasa servers would open it."""
    keys = decode_keys(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    if request.param == "sqlite":
        yield [ReplyQueue(tmp_path / "replies.sqlite3", keys) for _ in range(2)]
        return
    with fresh_postgres_database() as url:
        yield [PostgresReplyQueue(url, keys) for _ in range(2)]


def fill(queue: ReplyQueue) -> None:
    for phone in PHONES:
        for part in range(3):
            queue.add(
                "whatsapp", phone, {"text": f"part {part}"}, created_at=NOW, drop_at=NOW + 300, attempts=1,
                next_attempt_at=NOW,
            )  # fmt: skip


def test_two_retriers_send_every_waiting_reply_once_and_in_order(two_queues):
    fill(two_queues[0])
    provider = Provider()
    retriers = [
        ReplySender("whatsapp", provider.deliver, lambda _: True, queue, clock=lambda: NOW + 1) for queue in two_queues
    ]

    async def both() -> None:
        await asyncio.gather(*(retrier.retry_due() for retrier in retriers))

    asyncio.run(both())
    assert Counter(provider.sent) == {(phone, f"part {part}"): 1 for phone in PHONES for part in range(3)}
    for phone in PHONES:
        assert [text for to, text in provider.sent if to == phone] == ["part 0", "part 1", "part 2"]
    assert two_queues[1].count() == 0


def test_a_reply_one_replica_is_sending_is_not_taken_by_the_other(two_queues):
    first, second = two_queues
    first.add(
        "whatsapp", PHONES[0], {"text": "hallo"}, created_at=NOW, drop_at=NOW + 300, attempts=1, next_attempt_at=NOW
    )
    conversation = first.conversation("whatsapp", PHONES[0])
    taken = first.claim_first(conversation, NOW, NOW + 30)
    assert taken is not None and taken.reply == {"text": "hallo"} and taken.recipient == PHONES[0]
    assert second.claim_first(conversation, NOW + 1, NOW + 31) is None
    assert second.due_conversations("whatsapp", NOW + 1) == []
    assert second.next_due_at("whatsapp") == NOW + 30  # the retrier sleeps until the claim runs out, not busy
    # The first replica died while sending: once its claim has run out the reply is the other's.
    again = second.claim_first(conversation, NOW + 31, NOW + 61)
    assert again is not None and again.id == taken.id


@pytest.mark.skipif(not POSTGRES_URL, reason="ONTHAAL_TEST_POSTGRES_URL is not set")
def test_the_shared_reply_queue_is_chosen_by_url_and_holds_nothing_in_clear(monkeypatch):
    import psycopg2

    with fresh_postgres_database() as url:
        monkeypatch.setenv("ONTHAAL_BOT_DATABASE_URL", url)
        monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        queue = queue_from_environment()
        assert isinstance(queue, PostgresReplyQueue)
        queue.add("whatsapp", PHONES[0], {"text": "Welkom Milena"}, created_at=NOW, drop_at=NOW + 1, attempts=1,
                  next_attempt_at=NOW)  # fmt: skip
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT * FROM channel_replies")
            [row] = cursor.fetchall()
        stored = " ".join(
            bytes(value).decode("latin-1") if isinstance(value, memoryview) else str(value) for value in row
        )
        assert "Milena" not in stored and "0470" not in stored and PHONES[0] not in stored
        assert queue.first(queue.conversation("whatsapp", PHONES[0])).reply == {"text": "Welkom Milena"}


def test_a_queue_file_from_before_the_claims_is_upgraded_and_keeps_its_replies(tmp_path):
    import sqlite3

    keys = decode_keys(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    queue = ReplyQueue(tmp_path / "replies.sqlite3", keys)
    sealed = queue.seal(PHONES[0], {"text": "hallo"})
    with sqlite3.connect(queue.path) as connection:
        connection.execute(
            "CREATE TABLE replies (id INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, conversation TEXT"
            " NOT NULL, created_at REAL NOT NULL, drop_at REAL NOT NULL, attempts INTEGER NOT NULL,"
            " next_attempt_at REAL NOT NULL, sealed BLOB NOT NULL)"
        )
        connection.execute(
            "INSERT INTO replies (channel, conversation, created_at, drop_at, attempts, next_attempt_at, sealed)"
            " VALUES ('whatsapp', ?, ?, ?, 1, ?, ?)",
            (queue.conversation("whatsapp", PHONES[0]), NOW, NOW + 300, NOW, sealed),
        )
    taken = queue.claim_first(queue.conversation("whatsapp", PHONES[0]), NOW, NOW + 30)
    assert taken is not None and taken.reply == {"text": "hallo"}
