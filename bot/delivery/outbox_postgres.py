"""The outbox and dead letters on the shared database (`ONTHAAL_BOT_DATABASE_URL`, PostgreSQL): the same
operations as the SQLite file in `bot/delivery/outbox.py`, which calls these when it is given a URL.

Tables `outbox` and `outbox_dead_letters`, made on first use (under an advisory lock, so two replicas starting
together do not race). Bodies arrive sealed (Fernet), so the database holds no words in clear either; a deleted
row's space is reclaimed by PostgreSQL's vacuum. Several action servers share the tables: a sender takes a due
row with `SELECT ... FOR UPDATE SKIP LOCKED` and moves its `next_attempt_at` past the attempt (a lease) in the
same transaction, so no other sender takes it while it is being posted (see `claim_next`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot import shared_database

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from bot.delivery.outbox import Entry

SCHEMA_LOCK = 7_310_013_001  # pg_advisory_xact_lock key: one replica creates the tables at a time
_TABLES = (
    "CREATE TABLE IF NOT EXISTS outbox ("
    " webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL,"
    " created_at DOUBLE PRECISION NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS outbox_next_attempt ON outbox (next_attempt_at)",
    "CREATE TABLE IF NOT EXISTS outbox_dead_letters ("
    " webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL, dead_at DOUBLE PRECISION NOT NULL)",
)
_ready: set[str] = set()


@contextmanager
def _transaction(url: str) -> Iterator[Connection]:
    from sqlalchemy import text

    with shared_database.engine(url).begin() as connection:
        if url not in _ready:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            for statement in _TABLES:
                connection.execute(text(statement))
        yield connection
    _ready.add(url)


def _run(url: str, statement: str, **parameters: Any) -> Any:
    from sqlalchemy import text

    with _transaction(url) as connection:
        return connection.execute(text(statement), parameters)


def _entry(row: Any) -> Entry:
    from bot.delivery.outbox import Entry

    return Entry(*row)


def add(entry: Entry, url: str) -> None:
    _run(
        url,
        "INSERT INTO outbox (webhook_id, reference, body, created_at, attempts, next_attempt_at)"
        " VALUES (:webhook_id, :reference, :body, :created_at, :attempts, :next_at)"
        " ON CONFLICT (webhook_id) DO NOTHING",
        webhook_id=entry.webhook_id,
        reference=entry.reference,
        body=entry.body,
        created_at=entry.created_at,
        attempts=entry.attempts,
        next_at=entry.next_attempt_at,
    )


def get(webhook_id: str, url: str) -> Entry | None:
    row = _run(
        url,
        "SELECT webhook_id, reference, body, created_at, attempts, next_attempt_at FROM outbox WHERE webhook_id = :id",
        id=webhook_id,
    ).fetchone()
    return _entry(row) if row else None


def claim_next(now: float, lease_until: float, url: str) -> Entry | None:
    """The oldest due entry that no other sender holds, leased until `lease_until` (as it was before the lease)."""
    from sqlalchemy import text

    with _transaction(url) as connection:
        row = connection.execute(
            text(
                "SELECT webhook_id, reference, body, created_at, attempts, next_attempt_at FROM outbox"
                " WHERE next_attempt_at <= :now"
                " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED"
            ),
            {"now": now},
        ).fetchone()
        if row is None:
            return None
        connection.execute(
            text("UPDATE outbox SET next_attempt_at = :lease WHERE webhook_id = :id"),
            {"lease": lease_until, "id": row[0]},
        )
    return _entry(row)


def due(now: float, url: str) -> list[str]:
    rows = _run(url, "SELECT webhook_id FROM outbox WHERE next_attempt_at <= :now ORDER BY created_at", now=now)
    return [webhook_id for (webhook_id,) in rows]


def next_attempt_at(url: str) -> float | None:
    return _run(url, "SELECT MIN(next_attempt_at) FROM outbox").scalar()


def schedule(webhook_id: str, attempts: int, at: float, url: str) -> None:
    statement = "UPDATE outbox SET attempts = :n, next_attempt_at = :at WHERE webhook_id = :id"
    _run(url, statement, n=attempts, at=at, id=webhook_id)


def remove(webhook_id: str, url: str) -> bool:
    return bool(_run(url, "DELETE FROM outbox WHERE webhook_id = :id", id=webhook_id).rowcount)


def replace(old_webhook_id: str, new_webhook_id: str, reference: str, body: str, url: str) -> bool:
    return bool(
        _run(
            url,
            "UPDATE outbox SET webhook_id = :new, reference = :reference, body = :body WHERE webhook_id = :old",
            new=new_webhook_id,
            reference=reference,
            body=body,
            old=old_webhook_id,
        ).rowcount
    )


def bury(webhook_id: str, reason: str, now: float, url: str) -> bool:
    from sqlalchemy import text

    with _transaction(url) as connection:
        moved = connection.execute(
            text(
                "INSERT INTO outbox_dead_letters (webhook_id, reference, body, created_at, attempts, reason, dead_at)"
                " SELECT webhook_id, reference, body, created_at, attempts, :reason, :now FROM outbox"
                " WHERE webhook_id = :id"
            ),
            {"reason": reason, "now": now, "id": webhook_id},
        ).rowcount
        connection.execute(text("DELETE FROM outbox WHERE webhook_id = :id"), {"id": webhook_id})
    return bool(moved)


def bury_new(entry: Entry, reason: str, now: float, url: str) -> None:
    _run(
        url,
        "INSERT INTO outbox_dead_letters (webhook_id, reference, body, created_at, attempts, reason, dead_at)"
        " VALUES (:webhook_id, :reference, :body, :created_at, :attempts, :reason, :now)",
        webhook_id=entry.webhook_id,
        reference=entry.reference,
        body=entry.body,
        created_at=entry.created_at,
        attempts=entry.attempts,
        reason=reason,
        now=now,
    )


def dead_letters(url: str) -> list[tuple[str, str, float]]:
    rows = _run(url, "SELECT webhook_id, reason, dead_at FROM outbox_dead_letters ORDER BY dead_at")
    return [tuple(row) for row in rows]


def requeue(webhook_id: str, now: float, url: str) -> bool:
    from sqlalchemy import text

    with _transaction(url) as connection:
        moved = connection.execute(
            text(
                "INSERT INTO outbox (webhook_id, reference, body, created_at, attempts, next_attempt_at)"
                " SELECT webhook_id, reference, body, created_at, 0, :now"
                " FROM outbox_dead_letters WHERE webhook_id = :id"
            ),
            {"now": now, "id": webhook_id},
        ).rowcount
        connection.execute(text("DELETE FROM outbox_dead_letters WHERE webhook_id = :id"), {"id": webhook_id})
    return bool(moved)


def counts(now: float, url: str) -> tuple[int, int, float | None]:
    from sqlalchemy import text

    with _transaction(url) as connection:
        pending, oldest = connection.execute(text("SELECT COUNT(*), MIN(created_at) FROM outbox")).fetchone()
        dead = connection.execute(text("SELECT COUNT(*) FROM outbox_dead_letters")).scalar()
    return pending, dead, None if oldest is None else max(now - oldest, 0.0)
