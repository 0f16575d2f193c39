"""Rasa's conversations, encrypted, in SQLite or PostgreSQL, so that a restart (or another replica) loses nothing.

Configured in bot/endpoints.yml (`tracker_store: type: bot.tracker_store.EncryptedTrackerStore`; the old name
`EncryptedSQLiteTrackerStore` still works); the settings come from the environment, so that no secret is ever
written into a configuration file:

- `ONTHAAL_TRACKER_KEYS` (required): Fernet keys, comma-separated. The first encrypts, all decrypt. Without it
  Rasa refuses to start: there is no plaintext fallback.
- `ONTHAAL_BOT_DATABASE_URL` (unset by default): a SQLAlchemy URL (postgresql://...); when set the conversations
  live there (several Rasa servers share them), otherwise in the SQLite file `ONTHAAL_TRACKER_DB` (default
  `var/trackers.sqlite3`).
- `ONTHAAL_CONVERSATION_TTL_HOURS` (default 24): a conversation not updated for this long is deleted.

What is stored (tables in bot/tracker_tables.py): per conversation one head row and its batches.
- Each save appends only the events that are new since the conversation was read, as one batch: a Fernet token
  (AES-128-CBC + HMAC-SHA256, first key) of JSON holding the events, the conversation id, the batch's number and
  the conversation's generation. A batch copied under another conversation's row id, or moved within one, is
  refused on reading: the conversation is treated as absent.
- `row_id` is HMAC-SHA256(conversation id) in hex, never the id itself (WhatsApp ids derive from phone numbers);
  the head row holds the id encrypted (for `keys()`), the time of the last save in clear (the expiry needs it),
  the number of batches and a random generation (both to notice another replica's writes).
- A save that is not an append rewrites the conversation as one batch under a new generation: Rasa's
  `PUT /conversations/<id>/tracker/events` (replaces the events), a tracker that is shorter than, or differs
  from, what is stored. How a save is recognised as an append: the tracker object this process read or saved
  last (its first and last stored events are still the same objects) costs no comparison; any other tracker is
  compared with the stored events, starting at the stored conversation's beginning or at its last session
  (`retrieve` gives only the last session, so that is what Rasa saves back).

Which key makes the row id. The HMAC key is derived with HKDF-SHA256 from each Fernet key in turn (its own
`info` label, so it is independent of the encryption keys), and a conversation is looked up under the ids of all
configured keys. Batches are appended only under the first key's id; a conversation found under another key's
id is rewritten, re-encrypted with the first key under the first key's id, at its next save, and its old rows
deleted. So the row id rotates together with the encryption key, with no second secret to keep, and a rotation
orphans nothing:
1. generate a key (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
   put it first (`ONTHAAL_TRACKER_KEYS=new,old`) and restart Rasa: old conversations stay readable, and each
   moves to the new key at its next save;
2. after `ONTHAAL_CONVERSATION_TTL_HOURS` every conversation still under the old key has expired: remove the old
   key and restart.
A batch that no configured key decrypts makes its conversation absent; it expires with the others.

Erasure: a tracker with no message (from the person or the assistant) and no slot value, as left by "stop"
(`PUT /conversations/<id>/tracker/events` with no events), is not stored: every row of the conversation is
deleted. On SQLite, `secure_delete` overwrites deleted rows and the freed pages go back to the file system
after any deletion (incremental auto-vacuum, bot/tracker_tables.py);
on PostgreSQL a deleted row (ciphertext) stays in the table's files until its autovacuum reuses the space.

At start-up the tables are created when missing (bot/tracker_tables.py), and the conversations of the earlier
store (one encrypted row each, table `trackers`) move to batches. On PostgreSQL a save that compares and may
rewrite holds an advisory lock on the conversation's row id, so that two replicas never rewrite it at once.

What this process remembers (bot/tracker_memory.py, never written anywhere): the tracker it last read or saved
of each conversation, so that the next save of that tracker is recognised as an append without comparing events,
and for the 500 most recent a copy of it, so that the next `retrieve` costs one indexed query (generation and
number of batches unchanged: no other replica wrote since) instead of reading, decrypting and replaying every
batch. Two Rasa replicas handle one conversation's messages one at a time (bot/lock_store.py); whatever one
writes changes what the other's query sees, so it reads the conversation again.

Anonymous counters for /bereik (bot/counters/): a save also keeps the conversation's side record in table
`tracker_progress` (the question open, language, channel and day; no answer, no id but the row id), written in
the save's transaction only when one of these changes, and removed at the hand-off and on erasure; the expiry
counts the conversations it deletes as `expired` at their question. The counters a turn adds (started,
consented, stopped, handed off) are added up in memory and written elsewhere every few seconds
(bot/counters/buffer.py): a turn never waits for them.

Expiry: reads ignore conversations older than the TTL, and expired conversations are deleted at most once a
minute per process, on a save, retrieve or keys. Rasa calls the store from its event loop: the database and
Fernet work runs in a worker thread (`asyncio.to_thread`). Nothing here logs a conversation id or any content.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import Connection

from bot import tracker_tables
from bot.counters import counts as counter_store
from bot.counters.buffer import CounterBuffer
from bot.counters.events import Turn
from bot.counters.progress import ConversationProgress
from bot.counters.progress import create_table as create_progress_table
from bot.fernet_keys import FernetKeyError, raw_fernet_keys
from bot.tracker_events import appended_events, events_from_dicts, holds_content, last_session_start
from bot.tracker_memory import Known, TrackerMemory
from bot.tracker_tables import BATCHES, CONVERSATIONS

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "var" / "trackers.sqlite3"
DEFAULT_TTL_HOURS = 24.0
KEYS_VARIABLE = "ONTHAAL_TRACKER_KEYS"
DB_VARIABLE = "ONTHAAL_TRACKER_DB"
URL_VARIABLE = "ONTHAAL_BOT_DATABASE_URL"
TTL_VARIABLE = "ONTHAAL_CONVERSATION_TTL_HOURS"
ROW_ID_INFO = b"onthaal tracker store: row id v1"
FORMAT_VERSION = 2
PURGE_INTERVAL_SECONDS = 60.0
DELETE_SLICE = 1000


class TrackerStoreConfigurationError(RasaException):
    """The tracker store cannot start: a missing or invalid setting (never a silent plaintext fallback)."""


class _Refused(Exception):
    """A stored batch that does not decrypt, or does not belong where it was found."""


def _fernet_keys(setting: str | None) -> list[bytes]:
    try:
        return raw_fernet_keys(setting)
    except FernetKeyError as error:
        if error.position is None:
            raise TrackerStoreConfigurationError(
                f"{KEYS_VARIABLE} is not set: the conversation store encrypts every conversation and will not store "
                f"them in clear. Set it to one or more Fernet keys, comma-separated, the first encrypting "
                f'(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"); '
                f"`make run` generates one into .env."
            ) from None
        # The key itself is never echoed.
        raise TrackerStoreConfigurationError(
            f"{KEYS_VARIABLE}: key {error.position} of {error.count} is not a Fernet key (url-safe base64 of 32 bytes)."
        ) from error


def _ttl_hours(setting: str | float | None) -> float:
    if setting is None or setting == "":
        return DEFAULT_TTL_HOURS
    try:
        hours = float(setting)
    except ValueError as error:
        raise TrackerStoreConfigurationError(f"{TTL_VARIABLE} must be a number of hours, > 0.") from error
    if not hours > 0:
        raise TrackerStoreConfigurationError(f"{TTL_VARIABLE} must be a number of hours, > 0.")
    return hours


def _row_id_key(fernet_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=ROW_ID_INFO).derive(fernet_key)


@dataclass
class _Stored:
    row_id: str
    generation: str
    batches: int
    events: list[dict]


class EncryptedTrackerStore(TrackerStore):
    """Conversations as encrypted batches of events, keyed by an HMAC of the conversation id (see the module)."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        db: str | os.PathLike | None = None,
        keys: str | None = None,
        ttl_hours: str | float | None = None,
        clock: Callable[[], float] = time.time,
        database_url: str | None = None,
        counters: CounterBuffer | None = None,
        **kwargs: Any,
    ) -> None:
        """Settings given here win over the environment (the tests use that); Rasa gives none.

        `db` is a SQLite file, `database_url` a server database; without either the environment decides
        (`ONTHAAL_BOT_DATABASE_URL`, else `ONTHAAL_TRACKER_DB`). `counters` takes the anonymous counters
        (bot/counters/; by default written beside the conversations, see bot/counters/counts.py). `kwargs` takes
        what Rasa passes to every custom store (`host`, the endpoint's `url`), unused here.
        """
        super().__init__(domain, event_broker, **kwargs)
        raw_keys = _fernet_keys(keys if keys is not None else os.environ.get(KEYS_VARIABLE))
        self._fernet = MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in raw_keys])
        self._row_id_keys = [_row_id_key(key) for key in raw_keys]
        self.ttl_seconds = _ttl_hours(ttl_hours if ttl_hours is not None else os.environ.get(TTL_VARIABLE)) * 3600
        if db is None and database_url is None:
            database_url = os.environ.get(URL_VARIABLE) or None
        self.path = None if database_url else Path(db or os.environ.get(DB_VARIABLE) or DEFAULT_DB)
        self._clock = clock
        self._next_purge = float("-inf")
        self._memory = TrackerMemory()
        self._progress = ConversationProgress()
        self.counters = counters or CounterBuffer(database_url or counter_store.beside(self.path))
        try:
            self.engine = (
                tracker_tables.database_engine(database_url)
                if database_url
                else tracker_tables.sqlite_engine(self.path)
            )
            tracker_tables.create_tables(self.engine)
            create_progress_table(self.engine)
            self._migrate_whole_conversation_rows()
        except (OSError, sa.exc.SQLAlchemyError) as error:
            where = self.path or f"at {URL_VARIABLE}"
            # The error's type only: a database URL in a message could carry its password.
            raise TrackerStoreConfigurationError(
                f"The conversation store {where} cannot be opened: {type(error).__name__}"
            ) from error

    def _migrate_whole_conversation_rows(self) -> None:
        """Move the conversations of the earlier store (one encrypted row each, table `trackers`) to batches.

        Each becomes one batch under the same row id with its time of last update; a row that no configured
        key decrypts, or that has expired, is dropped. Then the old table goes and the file is rebuilt.
        """
        if not sa.inspect(self.engine).has_table(tracker_tables.WHOLE_CONVERSATIONS):
            return
        old = sa.table(
            tracker_tables.WHOLE_CONVERSATIONS,
            sa.column("row_id"),
            sa.column("updated_at"),
            sa.column("sender"),
            sa.column("tracker"),
        )
        moved = 0
        with self.engine.begin() as connection:
            for row_id, updated_at, sender, token in connection.execute(sa.select(old)).all():
                try:
                    blob = json.loads(self._fernet.decrypt(token))
                    events = json.loads(blob["tracker"])["events"]
                    sender_id = blob["sender_id"]
                except (InvalidToken, ValueError, KeyError, TypeError):
                    continue
                if updated_at < self._cutoff() or row_id not in self._row_ids(sender_id):
                    continue
                generation = secrets.token_hex(16)
                connection.execute(
                    sa.insert(CONVERSATIONS).values(
                        row_id=row_id, updated_at=updated_at, generation=generation, batches=1, sender=sender
                    )
                )
                batch = self._seal(sender_id, generation, 0, events)
                connection.execute(sa.insert(BATCHES).values(row_id=row_id, seq=0, batch=batch))
                moved += 1
            connection.execute(sa.text(f"DROP TABLE {tracker_tables.WHOLE_CONVERSATIONS}"))
        logger.info("conversation store: %d conversation(s) moved from the earlier one-row format", moved)
        tracker_tables.reclaim(self.engine)

    # -- rows ---------------------------------------------------------------------------------------------------

    def _row_ids(self, sender_id: str) -> list[str]:
        """The conversation's row id under each configured key, the current (first) key's first."""
        message = sender_id.encode("utf-8")
        return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in self._row_id_keys]

    def _cutoff(self) -> int:
        return int(self._clock() - self.ttl_seconds)

    def _seal(self, sender_id: str, generation: str, seq: int, events: list[dict]) -> bytes:
        payload = {"v": FORMAT_VERSION, "sender_id": sender_id, "generation": generation, "seq": seq, "events": events}
        return self._fernet.encrypt(json.dumps(payload).encode("utf-8"))

    def _open(self, token: bytes, sender_id: str, generation: str, seq: int) -> list[dict]:
        try:
            payload = json.loads(self._fernet.decrypt(token))
        except (InvalidToken, ValueError) as error:
            raise _Refused("a batch could not be decrypted with the configured keys") from error
        # The id, generation and number inside the encrypted batch bind it to its place: a batch moved under
        # another conversation's row id, or within its own, is refused.
        if (payload.get("sender_id"), payload.get("generation"), payload.get("seq")) != (sender_id, generation, seq):
            raise _Refused("a batch does not belong to the conversation it was filed under")
        return payload["events"]

    def _load(
        self, connection: Connection, row_ids: Sequence[str], sender_id: str, for_update: bool = False
    ) -> _Stored | None:
        """The stored conversation (under the newest row id that decrypts), or None; `for_update` locks it (PG)."""
        query = (
            sa.select(CONVERSATIONS.c.row_id, CONVERSATIONS.c.generation, CONVERSATIONS.c.batches)
            .where(CONVERSATIONS.c.row_id.in_(row_ids), CONVERSATIONS.c.updated_at >= self._cutoff())
            .order_by(CONVERSATIONS.c.updated_at.desc())
        )
        heads = connection.execute(query.with_for_update() if for_update else query).all()
        for row_id, generation, batches in heads:
            tokens = connection.execute(
                sa.select(BATCHES.c.seq, BATCHES.c.batch).where(BATCHES.c.row_id == row_id).order_by(BATCHES.c.seq)
            ).all()
            try:
                if [seq for seq, _ in tokens] != list(range(batches)):
                    raise _Refused("a conversation's batches are incomplete")
                events = [event for seq, token in tokens for event in self._open(token, sender_id, generation, seq)]
            except _Refused as refusal:
                logger.warning("conversation store: %s", refusal)
                continue
            return _Stored(row_id, generation, batches, events)
        return None

    def _cached_latest_session(self, row_ids: Sequence[str]) -> DialogueStateTracker | None:
        """A copy of the tracker this process last read or saved, if the stored conversation is still that one.

        One indexed query instead of reading, decrypting and replaying every batch. Another replica's append
        changes the number of batches, its rewrite the generation: then the conversation is read again.
        """
        current = row_ids[0]
        known = self._memory.with_copy(current)
        if known is None:
            return None
        with self.engine.begin() as connection:
            newest = connection.execute(
                sa.select(CONVERSATIONS.c.row_id, CONVERSATIONS.c.generation, CONVERSATIONS.c.batches)
                .where(CONVERSATIONS.c.row_id.in_(row_ids), CONVERSATIONS.c.updated_at >= self._cutoff())
                .order_by(CONVERSATIONS.c.updated_at.desc())
                .limit(1)
            ).first()
        if newest is None or tuple(newest) != (current, known.generation, known.batches):
            self._memory.forget(current)
            return None
        return self._memory.copy(current, known)

    def _append(self, connection: Connection, row_id: str, sender_id: str, known: Known | _Stored, events) -> bool:
        """Add the events as the next batch, if the conversation is still as `known`; False when it changed."""
        grown = known.batches + (1 if events else 0)
        changed = connection.execute(
            sa.update(CONVERSATIONS)
            .where(
                CONVERSATIONS.c.row_id == row_id,
                CONVERSATIONS.c.generation == known.generation,
                CONVERSATIONS.c.batches == known.batches,
            )
            .values(updated_at=int(self._clock()), batches=grown)
        ).rowcount
        if changed != 1:
            return False
        if events:
            batch = self._seal(sender_id, known.generation, known.batches, events)
            connection.execute(sa.insert(BATCHES).values(row_id=row_id, seq=known.batches, batch=batch))
        return True

    def _delete(self, connection: Connection, row_ids: Sequence[str]) -> int:
        """Deletes the conversations' rows; how many rows went."""
        deleted = 0
        # In slices: SQLite takes at most 32,766 parameters a statement.
        for start in range(0, len(row_ids), DELETE_SLICE):
            some = row_ids[start : start + DELETE_SLICE]
            deleted += connection.execute(sa.delete(BATCHES).where(BATCHES.c.row_id.in_(some))).rowcount
            deleted += connection.execute(sa.delete(CONVERSATIONS).where(CONVERSATIONS.c.row_id.in_(some))).rowcount
        return deleted

    def _purge_if_due(self) -> None:
        """Delete the conversations not updated within the TTL, at most once a minute, or every tenth of a shorter
        TTL (reads ignore them anyway)."""
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + min(PURGE_INTERVAL_SECONDS, self.ttl_seconds / 10)
        with self.engine.begin() as connection:
            # Locked in one order, skipping a conversation another replica is saving right now.
            expired = (
                connection.execute(
                    sa.select(CONVERSATIONS.c.row_id)
                    .where(CONVERSATIONS.c.updated_at < self._cutoff())
                    .order_by(CONVERSATIONS.c.row_id)
                    .with_for_update(skip_locked=True)
                )
                .scalars()
                .all()
            )
            if expired:
                self._delete(connection, expired)
            ended = self._progress.expire(connection, expired, now, self.ttl_seconds)
        self.counters.add(ended)
        if expired:
            logger.info("conversation store: %d expired conversation(s) deleted", len(expired))
            tracker_tables.reclaim(self.engine)

    # -- the work, in a worker thread ----------------------------------------------------------------------------

    def _save(self, tracker: DialogueStateTracker) -> None:
        self._purge_if_due()
        sender_id = tracker.sender_id
        row_ids = self._row_ids(sender_id)
        current = row_ids[0]
        if not holds_content(tracker):
            with self.engine.begin() as connection:
                deleted = self._delete(connection, row_ids)
                self._progress.delete(connection, row_ids)
            self._memory.forget(current)
            self._progress.forget(row_ids)
            if deleted:  # nothing stored yet (a conversation's first turns): nothing to wipe from the file
                tracker_tables.reclaim(self.engine)
            return
        known = self._memory.appendable(current, tracker)
        if known is not None:
            events = [event.as_dict() for event in islice(tracker.events, known.length, None)]
            with self.engine.begin() as connection:
                appended = self._append(connection, current, sender_id, known, events)
                before = (known.generation, known.batches)
                turn = self._progress_after(connection, row_ids, tracker, events, before) if appended else None
            if appended:
                batches = known.batches + (1 if events else 0)
                self._memory.remember(current, known.generation, batches, tracker)
                self._counted(current, known.generation, batches, turn)
                return
        self._save_by_comparison(row_ids, sender_id, tracker)

    def _save_by_comparison(self, row_ids: Sequence[str], sender_id: str, tracker: DialogueStateTracker) -> None:
        """Append what is new compared with the stored events, or rewrite the conversation when it is not an append."""
        current = row_ids[0]
        given = [event.as_dict() for event in tracker.events]
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                # One comparison of a conversation at a time: a second waits, then sees what the first wrote
                # (a row lock alone would let it see the conversation as absent once the first rewrote it).
                # SQLite's BEGIN IMMEDIATE already does this for the whole file.
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(int(current[:15], 16))))
            stored = self._load(connection, row_ids, sender_id, for_update=True)
            events = appended_events(stored.events, given) if stored is not None and stored.row_id == current else None
            appended = events is not None and self._append(connection, current, sender_id, stored, events)
            if not appended:
                generation = secrets.token_hex(16)
                self._rewrite(connection, row_ids, sender_id, generation, given)
            # What this save adds: known for an append, and for a new conversation (everything); not for a rewrite.
            new_events = events if appended else given if stored is None else None
            turn = self._progress_after(connection, row_ids, tracker, new_events)
        if appended:
            batches = stored.batches + (1 if events else 0)
            self._memory.remember(current, stored.generation, batches, tracker)
            self._counted(current, stored.generation, batches, turn)
            return
        self._memory.remember(current, generation, 1, tracker)
        self._counted(current, generation, 1, turn)
        if stored is not None:
            # The rewritten conversation's old ciphertext goes too.
            tracker_tables.reclaim(self.engine)

    def _progress_after(
        self,
        connection: Connection,
        row_ids: Sequence[str],
        tracker: DialogueStateTracker,
        new_events: list[dict] | None,
        before: tuple[str, int] | None = None,
    ) -> Turn | None:
        """The counters' side record of the turn (bot/counters/progress.py), in the save's transaction, under a
        SAVEPOINT: on PostgreSQL a failed statement aborts the whole transaction, so without it a counting error
        would cost the conversation its turn; rolled back to the savepoint, the turn is saved uncounted."""
        try:
            with connection.begin_nested():
                return self._progress.after_turn(connection, row_ids, tracker, new_events, self._clock(), before)
        except Exception as error:  # noqa: BLE001 - counting must not cost a conversation its turn
            logger.warning("conversation store: counters not recorded (%s)", type(error).__name__)
            self._progress.forget(row_ids)
            return None

    def _counted(self, row_id: str, generation: str, batches: int, turn: Turn | None) -> None:
        """After the save's commit: remember the side record as stored now, and add the turn's counters."""
        if turn is None:
            return
        self._progress.remember(row_id, generation, batches, turn.progress)
        self.counters.add(turn.counts)

    def _rewrite(
        self, connection: Connection, row_ids: Sequence[str], sender_id: str, generation: str, events: list[dict]
    ) -> None:
        """The conversation as one batch under the current key's row id, a new generation; its other rows go."""
        current = row_ids[0]
        self._delete(connection, row_ids)
        connection.execute(
            sa.insert(CONVERSATIONS).values(
                row_id=current,
                updated_at=int(self._clock()),
                generation=generation,
                batches=1,
                sender=self._fernet.encrypt(sender_id.encode("utf-8")),
            )
        )
        batch = self._seal(sender_id, generation, 0, events)
        connection.execute(sa.insert(BATCHES).values(row_id=current, seq=0, batch=batch))

    def _retrieve_now(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        self._purge_if_due()
        row_ids = self._row_ids(sender_id)
        if not fetch_all_sessions:
            cached = self._cached_latest_session(row_ids)
            if cached is not None:
                return cached
        with self.engine.begin() as connection:
            stored = self._load(connection, row_ids, sender_id)
        if stored is None:
            return None
        events = stored.events if fetch_all_sessions else stored.events[last_session_start(stored.events) :]
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue(sender_id, events_from_dicts(events)))
        if stored.row_id == row_ids[0]:
            self._memory.remember(stored.row_id, stored.generation, stored.batches, tracker)
        return tracker

    def _senders(self) -> list[str]:
        self._purge_if_due()
        with self.engine.begin() as connection:
            tokens = (
                connection.execute(
                    sa.select(CONVERSATIONS.c.sender).where(CONVERSATIONS.c.updated_at >= self._cutoff())
                )
                .scalars()
                .all()
            )
        senders = []
        for token in tokens:
            try:
                senders.append(self._fernet.decrypt(token).decode("utf-8"))
            except InvalidToken:
                continue
        return senders

    # -- Rasa's TrackerStore interface -------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events encrypted, rewrite it, or delete it when it holds nothing (erasure)."""
        await self.stream_events(tracker)
        await asyncio.to_thread(self._save, tracker)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session."""
        return await asyncio.to_thread(self._retrieve_now, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """The conversation with all its sessions."""
        return await asyncio.to_thread(self._retrieve_now, conversation_id, True)

    async def keys(self) -> Iterable[str]:
        """The ids of the stored, unexpired conversations that the configured keys can decrypt."""
        return await asyncio.to_thread(self._senders)


# The name bot/endpoints.yml and the tests used while the store was SQLite only.
EncryptedSQLiteTrackerStore = EncryptedTrackerStore
