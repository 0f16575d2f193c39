"""The outbox: intakes waiting for the coach service, and the dead letters it refused for good (storage only).

One SQLite file (`ONTHAAL_OUTBOX_PATH`, default `var/outbox.sqlite3`), two tables:
- `outbox`: an intake until the coach service acknowledges it, with its retry schedule;
- `dead_letters`: intakes that can never be delivered as they are (invalid, or refused with a permanent 4xx),
  kept so that an admin can recover them, with the reason (a status code or a schema path, never a value).

Every body is Fernet-encrypted with a key derived from the webhook secret, so the file holds no words in clear.
Every connection turns on `secure_delete` (a deleted or rewritten row is overwritten, not left in free pages)
and the file uses incremental auto-vacuum, so that a delivered intake leaves nothing behind in the file.
Whoever posts is `bot/delivery/delivery.py`; this module never talks to the network.

With `ONTHAAL_BOT_DATABASE_URL` set, the same operations run on the shared database instead
(`bot/delivery/outbox_postgres.py`): every function takes a `Store`, a Path (the SQLite file) or a URL string.
Several senders may share either: `claim_next` leases a due entry to one of them (SQLite: under the file's
write lock; PostgreSQL: `FOR UPDATE SKIP LOCKED`), so no intake is posted by two senders at once.
"""

from __future__ import annotations

import base64
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.delivery import outbox_postgres

logger = logging.getLogger(__name__)
ENCRYPTED_PREFIX = "fernet:"
INCREMENTAL = 2  # PRAGMA auto_vacuum value
Store = Path | str  # the SQLite file, or the shared database's URL
_TABLES = (
    "CREATE TABLE IF NOT EXISTS outbox ("
    " webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL,"
    " created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS dead_letters ("
    " webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL, created_at REAL NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL, dead_at REAL NOT NULL)",
)


@dataclass(frozen=True)
class Entry:
    """One row of the outbox; `body` is sealed (see `seal`)."""

    webhook_id: str
    reference: str
    body: str
    created_at: float
    attempts: int
    next_attempt_at: float


def _cipher(secret: str) -> Fernet:
    """The outbox key: derived from the webhook secret, which the action server has anyway."""
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"onthaal outbox v1")
    return Fernet(base64.urlsafe_b64encode(derive.derive(secret.encode())))


def seal(body: str, secret: str) -> str:
    return ENCRYPTED_PREFIX + _cipher(secret).encrypt(body.encode()).decode()


def unseal(stored: str, secret: str) -> bytes:
    """The intake JSON of a row (rows written before encryption are plain JSON); InvalidToken for another key."""
    if not stored.startswith(ENCRYPTED_PREFIX):
        return stored.encode()
    return _cipher(secret).decrypt(stored.removeprefix(ENCRYPTED_PREFIX).encode())


def _prepare(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA secure_delete=ON")
    if connection.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
        # Takes effect on an empty file at once, on an older outbox with the VACUUM (once; it is small).
        connection.execute(f"PRAGMA auto_vacuum={INCREMENTAL}")
        with suppress(sqlite3.OperationalError):  # another process holds it now: the next connection tries again
            connection.execute("VACUUM")
    for table in _TABLES:
        connection.execute(table)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(outbox)")}
    if "next_attempt_at" not in columns:  # an outbox written before the sender existed
        connection.execute("ALTER TABLE outbox ADD COLUMN next_attempt_at REAL NOT NULL DEFAULT 0")
    connection.commit()


@contextmanager
def _transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection whose statements commit together at the end (or roll back on an error)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=10)) as connection:
        _prepare(connection)
        with connection:
            yield connection


def _reclaim(path: Path) -> None:
    """After deletes: give the zeroed pages back to the file system (cheap with incremental auto-vacuum)."""
    # Busy: the pages are overwritten already (secure_delete); the next delete reclaims them.
    with suppress(sqlite3.OperationalError), closing(sqlite3.connect(path, timeout=10)) as connection:
        # Python's sqlite3 steps a PRAGMA once, and each step of incremental_vacuum frees one page.
        (free_pages,) = connection.execute("PRAGMA freelist_count").fetchone()
        connection.execute("BEGIN IMMEDIATE")  # one transaction, one sync, for all the pages
        for _ in range(free_pages):
            connection.execute("PRAGMA incremental_vacuum")
        connection.commit()


def add(entry: Entry, path: Store) -> None:
    if isinstance(path, str):
        return outbox_postgres.add(entry, path)
    with _transaction(path) as connection:
        connection.execute(
            "INSERT INTO outbox (webhook_id, reference, body, created_at, attempts, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (webhook_id) DO NOTHING",
            (entry.webhook_id, entry.reference, entry.body, entry.created_at, entry.attempts, entry.next_attempt_at),
        )


def get(webhook_id: str, path: Store) -> Entry | None:
    if isinstance(path, str):
        return outbox_postgres.get(webhook_id, path)
    with _transaction(path) as connection:
        row = connection.execute(
            "SELECT webhook_id, reference, body, created_at, attempts, next_attempt_at FROM outbox"
            " WHERE webhook_id = ?",
            (webhook_id,),
        ).fetchone()
    return Entry(*row) if row else None


def claim_next(now: float, lease_until: float, path: Store) -> Entry | None:
    """The oldest entry due at `now`, leased to the caller until `lease_until` (no other sender takes it before);
    returned as it was before the lease. None when nothing is due."""
    if isinstance(path, str):
        return outbox_postgres.claim_next(now, lease_until, path)
    with _transaction(path) as connection:
        connection.execute("BEGIN IMMEDIATE")  # the write lock first: two processes never pick the same row
        row = connection.execute(
            "SELECT webhook_id, reference, body, created_at, attempts, next_attempt_at FROM outbox"
            " WHERE next_attempt_at <= ? ORDER BY created_at LIMIT 1",
            (now,),
        ).fetchone()
        if row is not None:
            connection.execute("UPDATE outbox SET next_attempt_at = ? WHERE webhook_id = ?", (lease_until, row[0]))
    return Entry(*row) if row else None


def due(now: float, path: Store) -> list[str]:
    """Webhook ids whose next attempt is due at `now`, oldest intake first."""
    if isinstance(path, str):
        return outbox_postgres.due(now, path)
    with _transaction(path) as connection:
        rows = connection.execute(
            "SELECT webhook_id FROM outbox WHERE next_attempt_at <= ? ORDER BY created_at", (now,)
        ).fetchall()
    return [webhook_id for (webhook_id,) in rows]


def next_attempt_at(path: Store) -> float | None:
    if isinstance(path, str):
        return outbox_postgres.next_attempt_at(path)
    with _transaction(path) as connection:
        return connection.execute("SELECT MIN(next_attempt_at) FROM outbox").fetchone()[0]


def schedule(webhook_id: str, attempts: int, at: float, path: Store) -> None:
    if isinstance(path, str):
        return outbox_postgres.schedule(webhook_id, attempts, at, path)
    with _transaction(path) as connection:
        connection.execute(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE webhook_id = ?", (attempts, at, webhook_id)
        )


def remove(webhook_id: str, path: Store) -> bool:
    """Forget a delivered intake; False when it was not there (another sender was first)."""
    if isinstance(path, str):
        return outbox_postgres.remove(webhook_id, path)
    with _transaction(path) as connection:
        removed = connection.execute("DELETE FROM outbox WHERE webhook_id = ?", (webhook_id,)).rowcount
    _reclaim(path)
    return bool(removed)


def replace(old_webhook_id: str, new_webhook_id: str, reference: str, body: str, path: Store) -> bool:
    """Give a waiting intake a new webhook id, reference and body in one statement; False when it is gone."""
    if isinstance(path, str):
        return outbox_postgres.replace(old_webhook_id, new_webhook_id, reference, body, path)
    with _transaction(path) as connection:
        replaced = connection.execute(
            "UPDATE outbox SET webhook_id = ?, reference = ?, body = ? WHERE webhook_id = ?",
            (new_webhook_id, reference, body, old_webhook_id),
        ).rowcount
    return bool(replaced)


def bury(webhook_id: str, reason: str, now: float, path: Store) -> bool:
    """Move a waiting intake to the dead letters, body still sealed; False when it was not there."""
    if isinstance(path, str):
        return outbox_postgres.bury(webhook_id, reason, now, path)
    with _transaction(path) as connection:
        moved = connection.execute(
            "INSERT INTO dead_letters (webhook_id, reference, body, created_at, attempts, reason, dead_at)"
            " SELECT webhook_id, reference, body, created_at, attempts, ?, ? FROM outbox WHERE webhook_id = ?",
            (reason, now, webhook_id),
        ).rowcount
        connection.execute("DELETE FROM outbox WHERE webhook_id = ?", (webhook_id,))
    _reclaim(path)
    return bool(moved)


def bury_new(entry: Entry, reason: str, now: float, path: Store) -> None:
    """Write an intake that must never be pending straight to the dead letters."""
    if isinstance(path, str):
        return outbox_postgres.bury_new(entry, reason, now, path)
    with _transaction(path) as connection:
        connection.execute(
            "INSERT INTO dead_letters (webhook_id, reference, body, created_at, attempts, reason, dead_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entry.webhook_id, entry.reference, entry.body, entry.created_at, entry.attempts, reason, now),
        )


def dead_letters(path: Store) -> list[tuple[str, str, float]]:
    """(webhook id, reason, when) of every dead letter, oldest first: what an admin needs to find one."""
    if isinstance(path, str):
        return outbox_postgres.dead_letters(path)
    with _transaction(path) as connection:
        return connection.execute("SELECT webhook_id, reason, dead_at FROM dead_letters ORDER BY dead_at").fetchall()


def requeue(webhook_id: str, now: float, path: Store) -> bool:
    """An admin's recovery: put a dead letter back in the outbox, due now (after the cause is fixed)."""
    if isinstance(path, str):
        return outbox_postgres.requeue(webhook_id, now, path)
    with _transaction(path) as connection:
        moved = connection.execute(
            "INSERT INTO outbox (webhook_id, reference, body, created_at, attempts, next_attempt_at)"
            " SELECT webhook_id, reference, body, created_at, 0, ? FROM dead_letters WHERE webhook_id = ?",
            (now, webhook_id),
        ).rowcount
        connection.execute("DELETE FROM dead_letters WHERE webhook_id = ?", (webhook_id,))
    _reclaim(path)
    return bool(moved)


def counts(now: float, path: Store) -> tuple[int, int, float | None]:
    """(pending, dead letters, age in seconds of the oldest pending intake or None)."""
    if isinstance(path, str):
        return outbox_postgres.counts(now, path)
    with _transaction(path) as connection:
        pending, oldest = connection.execute("SELECT COUNT(*), MIN(created_at) FROM outbox").fetchone()
        (dead,) = connection.execute("SELECT COUNT(*) FROM dead_letters").fetchone()
    return pending, dead, None if oldest is None else max(now - oldest, 0.0)
