"""The tables of the conversation store (bot/tracker_store.py), on SQLite or PostgreSQL through SQLAlchemy Core.

Two tables, the same on both engines:
- `tracker_conversations`: one row per conversation, `(row_id, updated_at, generation, batches, sender)`:
  the keyed hash of the conversation id, the time of its last save (whole seconds, the expiry needs it), a
  random token that changes whenever the conversation is rewritten, the number of its batches, and the
  conversation id encrypted (so that `keys()` needs no batch).
- `tracker_batches`: `(row_id, seq, batch)`, the conversation's events in the order they were saved, each batch
  one Fernet token.

SQLite (the default, one file, one Rasa server): `secure_delete` on every connection, the default rollback
journal (no write-ahead log keeps old pages), and every transaction starts with BEGIN IMMEDIATE so that two
threads never both read and then both try to write (SQLite would refuse one at once instead of waiting). The file
uses incremental auto-vacuum: after a deletion the freed (already zeroed) pages go back to the file system
(`reclaim`), at a cost that follows what was deleted. A whole VACUUM, which rewrote the file, cost a time that
grew with the number of conversations stored, and held every other turn while it ran (a second, with a few
thousand conversations); a file of the earlier store gets that VACUUM once, to switch.
PostgreSQL (several Rasa servers): the tables are created under an advisory lock, so two replicas starting
together do not race on CREATE TABLE.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

METADATA = sa.MetaData()
CONVERSATIONS = sa.Table(
    "tracker_conversations",
    METADATA,
    sa.Column("row_id", sa.String(64), primary_key=True),
    sa.Column("updated_at", sa.BigInteger, nullable=False, index=True),
    sa.Column("generation", sa.String(32), nullable=False),
    sa.Column("batches", sa.Integer, nullable=False),
    sa.Column("sender", sa.LargeBinary, nullable=False),
)
BATCHES = sa.Table(
    "tracker_batches",
    METADATA,
    sa.Column("row_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("batch", sa.LargeBinary, nullable=False),
)
# The earlier store's table (one encrypted row per conversation), moved to the two above at start-up.
WHOLE_CONVERSATIONS = "trackers"
# Any constant that is this store's own: pg_advisory_xact_lock takes a bigint.
SCHEMA_LOCK_ID = 0x0A7A_7AC4_E125_0001
SQLITE_TIMEOUT_SECONDS = 5.0


def sqlite_engine(path: Path) -> Engine:
    """An engine on the SQLite file, created readable by the server's own user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    engine = sa.create_engine(
        f"sqlite:///{path}",
        future=True,
        poolclass=sa.pool.QueuePool,
        pool_size=4,
        connect_args={"timeout": SQLITE_TIMEOUT_SECONDS, "check_same_thread": False},
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # The driver's own transaction handling off: SQLAlchemy's "begin" below decides.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA secure_delete = ON")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def database_engine(url: str) -> Engine:
    """An engine on a server database (postgresql://..., or postgres://... as some hosts write it)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    return sa.create_engine(url, future=True, pool_pre_ping=True)


INCREMENTAL = 2  # PRAGMA auto_vacuum value


def create_tables(engine: Engine) -> None:
    """CREATE TABLE IF NOT EXISTS, safe when several replicas start at the same time."""
    if engine.dialect.name == "sqlite":
        _incremental_auto_vacuum(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK_ID)))
        METADATA.create_all(connection, checkfirst=True)


def _incremental_auto_vacuum(engine: Engine) -> None:
    """Takes effect on a new file at once; a file of an earlier version switches with one VACUUM."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if cursor.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
            cursor.execute(f"PRAGMA auto_vacuum = {INCREMENTAL}")
            cursor.execute("VACUUM")
    finally:
        connection.close()


def reclaim(engine: Engine) -> None:
    """SQLite only: after a deletion, give the freed pages back to the file system, so that no page of a deleted
    conversation stays in the file, not even zeroed (`secure_delete` zeroed its content already).

    (PostgreSQL reclaims deleted rows with its autovacuum; they are ciphertext, see the README's "Privacy".)
    """
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        (free_pages,) = cursor.execute("PRAGMA freelist_count").fetchone()
        if not free_pages:
            return
        cursor.execute("BEGIN IMMEDIATE")  # one transaction, one sync, for all the pages
        # Python's sqlite3 steps a PRAGMA once, and each step of incremental_vacuum frees one page.
        for _ in range(free_pages):
            cursor.execute("PRAGMA incremental_vacuum")
        cursor.execute("COMMIT")
    finally:
        connection.close()
