"""The WhatsApp and Telegram reply queue on the shared database (`ONTHAAL_BOT_DATABASE_URL`, PostgreSQL), so that
every Rasa replica sees and retries the replies waiting to be sent again (table `channel_replies`).

Same rows, sealing and conversation hash as the SQLite file (`bot/channels/reply_queue.py`). A retrier takes a
conversation's first reply with `SELECT ... FOR UPDATE SKIP LOCKED` and marks it `claimed_until` in the same
transaction: a second replica's retrier skips it while it is being sent, so no reply goes out twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot import shared_database
from bot.channels.reply_queue import QueuedReply, ReplyQueue

SCHEMA_LOCK = 7_310_013_002  # pg_advisory_xact_lock key: one replica creates the table at a time
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS channel_replies ("
    " id BIGSERIAL PRIMARY KEY, channel TEXT NOT NULL, conversation TEXT NOT NULL,"
    " created_at DOUBLE PRECISION NOT NULL, drop_at DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL,"
    " next_attempt_at DOUBLE PRECISION NOT NULL, claimed_until DOUBLE PRECISION NOT NULL DEFAULT 0,"
    " sealed BYTEA NOT NULL)",
    "CREATE INDEX IF NOT EXISTS channel_replies_conversation ON channel_replies (conversation, id)",
)


class PostgresReplyQueue(ReplyQueue):
    """The reply queue in table `channel_replies` of the database at `url`."""

    def __init__(self, url: str, keys: list[bytes]) -> None:
        super().__init__(Path("unused"), keys)
        self.url = url
        self._ready = False

    def _run(self, statement: str, **parameters: Any) -> Any:
        from sqlalchemy import text

        with self._begin() as connection:
            return connection.execute(text(statement), parameters)

    @contextmanager
    def _begin(self) -> Iterator[Any]:
        """One transaction; the table is made first, once per process."""
        from sqlalchemy import text

        with shared_database.engine(self.url).begin() as connection:
            if not self._ready:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                for statement in SCHEMA:
                    connection.execute(text(statement))
            yield connection
        self._ready = True

    def add(
        self,
        channel: str,
        recipient: str,
        reply: dict[str, Any],
        *,
        created_at: float,
        drop_at: float,
        attempts: int,
        next_attempt_at: float,
    ) -> int:
        return self._run(
            "INSERT INTO channel_replies"
            " (channel, conversation, created_at, drop_at, attempts, next_attempt_at, sealed) VALUES"
            " (:channel, :conversation, :created_at, :drop_at, :attempts, :next_attempt_at, :sealed) RETURNING id",
            channel=channel,
            conversation=self.conversation(channel, recipient),
            created_at=created_at,
            drop_at=drop_at,
            attempts=attempts,
            next_attempt_at=next_attempt_at,
            sealed=self.seal(recipient, reply),
        ).scalar_one()

    def is_waiting(self, conversation: str) -> bool:
        found = self._run("SELECT 1 FROM channel_replies WHERE conversation = :c LIMIT 1", c=conversation)
        return found.first() is not None

    def due_conversations(self, channel: str, now: float) -> list[str]:
        rows = self._run(
            "SELECT r.conversation FROM channel_replies r WHERE r.channel = :channel"
            " AND r.id = (SELECT MIN(id) FROM channel_replies WHERE conversation = r.conversation)"
            " AND (r.next_attempt_at <= :now OR r.drop_at <= :now) AND r.claimed_until <= :now ORDER BY r.id",
            channel=channel,
            now=now,
        )
        return [conversation for (conversation,) in rows]

    def first(self, conversation: str) -> QueuedReply | None:
        row = self._run(
            "SELECT id, conversation, created_at, drop_at, attempts, next_attempt_at, sealed FROM channel_replies"
            " WHERE conversation = :c ORDER BY id LIMIT 1",
            c=conversation,
        ).first()
        return None if row is None else self.opened(tuple(row))

    def claim_first(self, conversation: str, now: float, claim_until: float) -> QueuedReply | None:
        from sqlalchemy import text

        with self._begin() as connection:
            # The head of the line without a lock, then the lock on that row only: SKIP LOCKED on the whole
            # conversation would hand out the second reply while another replica is sending the first.
            head = connection.execute(
                text("SELECT MIN(id) FROM channel_replies WHERE conversation = :c"), {"c": conversation}
            ).scalar()
            if head is None:
                return None
            row = connection.execute(
                text(
                    "SELECT id, conversation, created_at, drop_at, attempts, next_attempt_at, sealed"
                    " FROM channel_replies WHERE id = :id AND claimed_until <= :now"
                    " AND (next_attempt_at <= :now OR drop_at <= :now)"
                    " FOR UPDATE SKIP LOCKED"
                ),
                {"id": head, "now": now},
            ).first()
            if row is None:
                return None
            connection.execute(
                text("UPDATE channel_replies SET claimed_until = :until WHERE id = :id"),
                {"until": claim_until, "id": head},
            )
        return self.opened(tuple(row))

    def next_due_at(self, channel: str) -> float | None:
        return self._run(
            "SELECT MIN(GREATEST(LEAST(r.next_attempt_at, r.drop_at), r.claimed_until)) FROM channel_replies r"
            " WHERE r.channel = :channel"
            " AND r.id = (SELECT MIN(id) FROM channel_replies WHERE conversation = r.conversation)",
            channel=channel,
        ).scalar()

    def reschedule(self, reply_id: int, attempts: int, next_attempt_at: float) -> None:
        self._run(
            "UPDATE channel_replies SET attempts = :attempts, next_attempt_at = :at, claimed_until = 0 WHERE id = :id",
            attempts=attempts,
            at=next_attempt_at,
            id=reply_id,
        )

    def remove(self, reply_id: int) -> None:
        self._run("DELETE FROM channel_replies WHERE id = :id", id=reply_id)

    def count(self, channel: str | None = None) -> int:
        if channel is None:
            return self._run("SELECT COUNT(*) FROM channel_replies").scalar()
        return self._run("SELECT COUNT(*) FROM channel_replies WHERE channel = :channel", channel=channel).scalar()
