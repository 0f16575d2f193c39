"""Rasa's conversations in an encrypted SQLite file, so that a restart of the Rasa server loses nothing.

Configured in bot/endpoints.yml (`tracker_store: type: bot.tracker_store.EncryptedSQLiteTrackerStore`); the
settings come from the environment, so that no secret is ever written into a configuration file:

- `ONTHAAL_TRACKER_KEYS` (required): Fernet keys, comma-separated. The first encrypts, all decrypt. Without it
  Rasa refuses to start: there is no plaintext fallback.
- `ONTHAAL_TRACKER_DB` (default `var/trackers.sqlite3`): the SQLite file.
- `ONTHAAL_CONVERSATION_TTL_HOURS` (default 24): a conversation not updated for this long is deleted.

What is stored: one row per conversation, `(row_id, updated_at, sender, tracker)`.
- `tracker` is the whole serialized tracker (every event: what the person typed, what the assistant answered,
  the slots) as JSON, together with the conversation id, encrypted with Fernet (AES-128-CBC + HMAC-SHA256).
- `sender` is the conversation id alone, encrypted the same way, so that `keys()` needs no full decryption.
- `row_id` is HMAC-SHA256(conversation id) in hex, never the id itself (WhatsApp ids derive from phone numbers).
- `updated_at` is the time of the last save, whole seconds, in clear: the expiry needs it, it reveals nothing
  of the content.

Which key makes the row id. The HMAC key is derived with HKDF-SHA256 from each Fernet key in turn (its own
`info` label, so it is independent of the encryption keys), and a row is looked up under the ids of all
configured keys. A save writes the row under the first key's id, encrypted with the first key, and deletes the
row under any other key's id. So the row id rotates together with the encryption key, with no second secret to
keep and none that can never be changed, and a rotation orphans nothing:
1. generate a key (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
   put it first (`ONTHAAL_TRACKER_KEYS=new,old`) and restart Rasa: old rows stay readable, and each moves to
   the new key at its next save;
2. after `ONTHAAL_CONVERSATION_TTL_HOURS` every row still under the old key has expired: remove the old key
   and restart.
(Why not one fixed id key: it could never rotate; why not one derived from the last key: removing the oldest
key, the point of rotating, would orphan every row.) A row that no configured key decrypts is treated as
absent; it expires with the others.

Erasure: a tracker with no message (from the person or the assistant) and no slot value, as left by "stop"
(`PUT /conversations/<id>/tracker/events` with no events), is not stored: its row is deleted. SQLite runs with
`secure_delete`, so deleted rows are overwritten in the file, and in its default rollback-journal mode, so no
write-ahead log keeps old pages.

Expiry is checked on every save, retrieve and keys (one indexed DELETE). Rasa calls the store from its event
loop: the SQLite and Fernet work runs in a worker thread (`asyncio.to_thread`), with a new short-lived
connection per call and a 5 s busy timeout. Nothing here logs a conversation id or any content.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions
from rasa.shared.exceptions import RasaException

from bot.fernet_keys import FernetKeyError, raw_fernet_keys

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "var" / "trackers.sqlite3"
DEFAULT_TTL_HOURS = 24.0
KEYS_VARIABLE = "ONTHAAL_TRACKER_KEYS"
DB_VARIABLE = "ONTHAAL_TRACKER_DB"
TTL_VARIABLE = "ONTHAAL_CONVERSATION_TTL_HOURS"
ROW_ID_INFO = b"onthaal tracker store: row id v1"
SQLITE_TIMEOUT_SECONDS = 5.0
FORMAT_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS trackers (
    row_id TEXT PRIMARY KEY,
    updated_at INTEGER NOT NULL,
    sender BLOB NOT NULL,
    tracker BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS trackers_updated_at ON trackers (updated_at);
"""


class TrackerStoreConfigurationError(RasaException):
    """The tracker store cannot start: a missing or invalid setting (never a silent plaintext fallback)."""


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


def holds_content(tracker: DialogueStateTracker) -> bool:
    """Whether the tracker holds anything said or answered: a message either way, or a slot value."""
    return any(
        isinstance(event, UserUttered | BotUttered) or (isinstance(event, SlotSet) and event.value is not None)
        for event in tracker.events
    )


class EncryptedSQLiteTrackerStore(TrackerStore):
    """One encrypted row per conversation in SQLite, keyed by an HMAC of the conversation id (see the module)."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        db: str | os.PathLike | None = None,
        keys: str | None = None,
        ttl_hours: str | float | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        """Settings given here win over the environment (the tests use that); Rasa gives none.

        `kwargs` takes what Rasa passes to every custom store (`host`, the endpoint's `url`), unused here.
        """
        super().__init__(domain, event_broker, **kwargs)
        raw_keys = _fernet_keys(keys if keys is not None else os.environ.get(KEYS_VARIABLE))
        self._fernet = MultiFernet([Fernet(base64.urlsafe_b64encode(key)) for key in raw_keys])
        self._row_id_keys = [_row_id_key(key) for key in raw_keys]
        self.ttl_seconds = _ttl_hours(ttl_hours if ttl_hours is not None else os.environ.get(TTL_VARIABLE)) * 3600
        self.path = Path(db or os.environ.get(DB_VARIABLE) or DEFAULT_DB)
        self._clock = clock
        self._vacuum_due = False
        self._create()

    # -- SQLite ------------------------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=SQLITE_TIMEOUT_SECONDS)
        connection.execute("PRAGMA secure_delete = ON")
        return connection

    def _create(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # The file is only ever readable by the server's own user.
            os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
            with closing(self._connect()) as connection, connection:
                connection.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise TrackerStoreConfigurationError(
                f"The conversation store {self.path} cannot be opened: {type(error).__name__}: {error}"
            ) from error

    def _row_ids(self, sender_id: str) -> list[str]:
        """The conversation's row id under each configured key, the current (first) key's first."""
        message = sender_id.encode("utf-8")
        return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in self._row_id_keys]

    def _cutoff(self) -> int:
        return int(self._clock() - self.ttl_seconds)

    def _purge(self, connection: sqlite3.Connection) -> None:
        deleted = connection.execute("DELETE FROM trackers WHERE updated_at < ?", (self._cutoff(),)).rowcount
        if deleted:
            logger.info("conversation store: %d expired conversation(s) deleted", deleted)
            self._vacuum_due = True

    def _vacuum_if_due(self) -> None:
        """After conversations were deleted: rebuild the file, so that not even their overwritten pages stay."""
        if not self._vacuum_due:
            return
        self._vacuum_due = False
        with closing(self._connect()) as connection:
            connection.execute("VACUUM")

    def _write(self, row_ids: Sequence[str], sender_id: str, serialized: str | None) -> None:
        """Store the serialized tracker under the first row id (`None`: delete), and drop the older ids' rows."""
        current, *older = row_ids
        with closing(self._connect()) as connection, connection:
            self._purge(connection)
            if serialized is None:
                connection.executemany("DELETE FROM trackers WHERE row_id = ?", [(row_id,) for row_id in row_ids])
                self._vacuum_due = True
            else:
                blob = json.dumps({"v": FORMAT_VERSION, "sender_id": sender_id, "tracker": serialized})
                connection.execute(
                    "INSERT INTO trackers (row_id, updated_at, sender, tracker) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (row_id) DO UPDATE SET updated_at = excluded.updated_at, sender = excluded.sender, "
                    "tracker = excluded.tracker",
                    (
                        current,
                        int(self._clock()),
                        self._fernet.encrypt(sender_id.encode("utf-8")),
                        self._fernet.encrypt(blob.encode("utf-8")),
                    ),
                )
                connection.executemany("DELETE FROM trackers WHERE row_id = ?", [(row_id,) for row_id in older])
        self._vacuum_if_due()

    def _read(self, row_ids: Sequence[str], sender_id: str) -> str | None:
        """The serialized tracker of the conversation, or None (absent, expired or not decryptable)."""
        marks = ",".join("?" * len(row_ids))
        with closing(self._connect()) as connection, connection:
            self._purge(connection)
            rows = connection.execute(
                f"SELECT tracker FROM trackers WHERE row_id IN ({marks}) ORDER BY updated_at DESC",  # noqa: S608
                list(row_ids),
            ).fetchall()
        self._vacuum_if_due()
        for (token,) in rows:
            try:
                blob = json.loads(self._fernet.decrypt(token))
            except (InvalidToken, ValueError):
                logger.warning("conversation store: a conversation could not be decrypted with the configured keys")
                continue
            # The id inside the encrypted blob binds the row to its conversation: a row moved under another
            # conversation's row id is refused.
            if blob.get("sender_id") == sender_id:
                return blob["tracker"]
            logger.warning("conversation store: a row does not belong to the conversation it was filed under")
        return None

    def _senders(self) -> list[str]:
        with closing(self._connect()) as connection, connection:
            self._purge(connection)
            rows = connection.execute("SELECT sender FROM trackers").fetchall()
        self._vacuum_if_due()
        senders = []
        for (token,) in rows:
            try:
                senders.append(self._fernet.decrypt(token).decode("utf-8"))
            except InvalidToken:
                continue
        return senders

    # -- Rasa's TrackerStore interface -------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker encrypted, or delete it when it holds nothing (an erased conversation)."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        serialized = json.dumps(tracker.as_dialogue().as_dict()) if holds_content(tracker) else None
        await asyncio.to_thread(self._write, self._row_ids(sender_id), sender_id, serialized)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation's latest session."""
        return await self._retrieve(sender_id, fetch_all_sessions=False)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        """The conversation with all its sessions."""
        return await self._retrieve(conversation_id, fetch_all_sessions=True)

    async def keys(self) -> Iterable[str]:
        """The ids of the stored, unexpired conversations that the configured keys can decrypt."""
        return await asyncio.to_thread(self._senders)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        serialized = await asyncio.to_thread(self._read, self._row_ids(sender_id), sender_id)
        if serialized is None:
            return None
        tracker = self.deserialise_tracker(sender_id, serialized)
        if tracker is None or fetch_all_sessions:
            return tracker
        sessions = get_trackers_for_conversation_sessions(tracker)
        return sessions[-1] if len(sessions) > 1 else tracker
