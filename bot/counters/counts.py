"""Where the counters wait for the coach service: counts per (day, event, question, language, channel), and the
batches made of them that are being sent (storage only; bot/counters/sender.py posts them).

One SQLite file (`ONTHAAL_COUNTERS_PATH`, default `counters.sqlite3` next to `ONTHAAL_TRACKER_DB`, so
`var/counters.sqlite3`), which the Rasa server writes and the action server's sender reads; with
`ONTHAAL_BOT_DATABASE_URL` set, the same tables on the shared database (every replica adds to the same rows).
- `counter_counts`: one row per (day, event, question, language, channel) with its `n`; adding counts adds to
  `n` (a question of None is stored as "").
- `counter_batches`: a batch being sent under one webhook id (its JSON body, attempts, next attempt), so that a
  resent batch is the same message to the coach service and never counted twice.
`seal_batch` moves waiting counts into a new batch (one batch on its way at a time); `claim_next` leases a due
batch to one sender (SQLite: under the file's write lock; PostgreSQL: `FOR UPDATE SKIP LOCKED`), like the outbox.
Nothing here is personal: counts only.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from bot import tracker_tables
from bot.counters.events import Count

PATH_VARIABLE = "ONTHAAL_COUNTERS_PATH"
URL_VARIABLE = "ONTHAAL_BOT_DATABASE_URL"
DEFAULT_TRACKER_DB = Path(__file__).resolve().parents[2] / "var" / "trackers.sqlite3"
# The most counts one batch carries: the coach service takes at most 1000 a request and 128 KB (a count is about
# 110 bytes); more waiting go in the next batch, right after this one was taken.
BATCH_ROWS = 500
SEAL_LOCK_ID = 0x0A7A_C0B7_E125_0002  # pg_advisory_xact_lock: one sealing at a time across replicas

METADATA = sa.MetaData()
COUNTS = sa.Table(
    "counter_counts",
    METADATA,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("event", sa.String(16), primary_key=True),
    sa.Column("question", sa.String(64), primary_key=True),  # "" for none
    sa.Column("language", sa.String(8), primary_key=True),
    sa.Column("channel", sa.String(16), primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)
BATCHES = sa.Table(
    "counter_batches",
    METADATA,
    sa.Column("webhook_id", sa.String(64), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
)

Store = Path | str  # the SQLite file, or the shared database's URL
_engines: dict[str, Engine] = {}
_guard = threading.Lock()


def store_from_environment() -> Store:
    """The shared database's URL when set, else the counters' SQLite file (next to the conversations')."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        return url
    return beside(Path(os.environ.get("ONTHAAL_TRACKER_DB") or DEFAULT_TRACKER_DB))


def beside(tracker_db: Path) -> Path:
    """The counters' file for a conversation store in `tracker_db` (unless ONTHAAL_COUNTERS_PATH says where)."""
    configured = os.environ.get(PATH_VARIABLE, "").strip()
    return Path(configured) if configured else Path(tracker_db).parent / "counters.sqlite3"


def engine(store: Store) -> Engine:
    """This process's engine on the store, its tables created on first use."""
    key = str(store)
    with _guard:
        made = _engines.get(key)
        if made is None:
            made = (
                tracker_tables.database_engine(store) if isinstance(store, str) else tracker_tables.sqlite_engine(store)
            )
            with made.begin() as connection:
                if made.dialect.name == "postgresql":
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(tracker_tables.SCHEMA_LOCK_ID)))
                METADATA.create_all(connection, checkfirst=True)
            _engines[key] = made
        return made


def dispose_all() -> None:
    """Close every engine (tests that drop their database)."""
    with _guard:
        for made in _engines.values():
            made.dispose()
        _engines.clear()


def add(counts: Iterable[Count], store: Store) -> None:
    """Add the counts to the waiting ones (the same key adds to its `n`), in one transaction."""
    merged: dict[tuple, int] = {}
    for count in counts:
        key = (count.day, count.event, count.question or "", count.language, count.channel)
        merged[key] = merged.get(key, 0) + count.n
    if not merged:
        return
    made = engine(store)
    insert = (postgresql.insert if made.dialect.name == "postgresql" else sqlite.insert)(COUNTS)
    statement = insert.on_conflict_do_update(
        index_elements=["day", "event", "question", "language", "channel"], set_={"n": COUNTS.c.n + insert.excluded.n}
    )
    rows = [
        {"day": day, "event": event, "question": question, "language": language, "channel": channel, "n": n}
        for (day, event, question, language, channel), n in sorted(merged.items())
    ]
    with made.begin() as connection:
        connection.execute(statement, rows)


def waiting(store: Store) -> list[Count]:
    """The counts not in a batch yet (for tests and a look by an admin)."""
    with engine(store).begin() as connection:
        rows = connection.execute(sa.select(COUNTS).order_by(*COUNTS.primary_key.columns)).all()
    return [Count(row.day, row.event, row.question or None, row.language, row.channel, row.n) for row in rows]


def body_of(counts: Iterable[Count]) -> bytes:
    """The webhook body: `{"counts": [...]}` and nothing else (the contract of POST /webhook/counters)."""
    return json.dumps(
        {
            "counts": [
                {
                    "day": count.day,
                    "event": count.event,
                    "question": count.question,
                    "language": count.language,
                    "channel": count.channel,
                    "n": count.n,
                }
                for count in counts
            ]
        },
        separators=(",", ":"),
    ).encode()


def seal_batch(webhook_id: str, now: float, store: Store) -> bool:
    """Move the waiting counts (at most BATCH_ROWS) into a new batch due now, unless a batch is still on its way
    (then the counts keep adding up where they are). Whether a batch was made."""
    made = engine(store)
    with made.begin() as connection:
        if made.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(SEAL_LOCK_ID)))
        if connection.execute(sa.select(sa.func.count()).select_from(BATCHES)).scalar_one():
            return False
        rows = connection.execute(sa.select(COUNTS).order_by(*COUNTS.primary_key.columns).limit(BATCH_ROWS)).all()
        if not rows:
            return False
        counts = [Count(row.day, row.event, row.question or None, row.language, row.channel, row.n) for row in rows]
        for row in rows:
            connection.execute(
                sa.delete(COUNTS).where(
                    COUNTS.c.day == row.day,
                    COUNTS.c.event == row.event,
                    COUNTS.c.question == row.question,
                    COUNTS.c.language == row.language,
                    COUNTS.c.channel == row.channel,
                )
            )
        connection.execute(
            sa.insert(BATCHES).values(
                webhook_id=webhook_id, body=body_of(counts).decode(), created_at=now, attempts=0, next_attempt_at=now
            )
        )
    return True


@dataclass(frozen=True)
class Batch:
    webhook_id: str
    body: bytes
    attempts: int


def claim_next(now: float, lease_until: float, store: Store) -> Batch | None:
    """The oldest batch due at `now`, leased to the caller until `lease_until`; None when none is due."""
    made = engine(store)
    query = sa.select(BATCHES).where(BATCHES.c.next_attempt_at <= now).order_by(BATCHES.c.created_at).limit(1)
    if made.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    with made.begin() as connection:
        row = connection.execute(query).first()
        if row is None:
            return None
        connection.execute(
            sa.update(BATCHES).where(BATCHES.c.webhook_id == row.webhook_id).values(next_attempt_at=lease_until)
        )
    return Batch(row.webhook_id, row.body.encode(), row.attempts)


def schedule(webhook_id: str, attempts: int, at: float, store: Store) -> None:
    with engine(store).begin() as connection:
        connection.execute(
            sa.update(BATCHES).where(BATCHES.c.webhook_id == webhook_id).values(attempts=attempts, next_attempt_at=at)
        )


def remove(webhook_id: str, store: Store) -> bool:
    """Forget a batch the coach service took (or refused for good); False when it was gone already."""
    with engine(store).begin() as connection:
        return bool(connection.execute(sa.delete(BATCHES).where(BATCHES.c.webhook_id == webhook_id)).rowcount)


def batches(store: Store) -> list[tuple[str, int, float]]:
    """(webhook id, attempts, next attempt) of every batch on its way."""
    with engine(store).begin() as connection:
        rows = connection.execute(sa.select(BATCHES).order_by(BATCHES.c.created_at)).all()
    return [(row.webhook_id, row.attempts, row.next_attempt_at) for row in rows]
