"""The WhatsApp and Telegram replies waiting to be sent again, in an encrypted SQLite file.

A reply the provider could not take (network error, timeout, 5xx, 408, 429) waits here until the retrier
(bot/channels/outgoing.py) sends it or its retry window closes. One row per reply part:
`(id, channel, conversation, created_at, drop_at, attempts, next_attempt_at, claimed_until, sealed)`.
- `id` orders the replies: within a conversation the lowest id goes first.
- `claimed_until`: a retrier that is sending the reply holds it until then (`claim_first`), so that two Rasa
  servers sharing the queue never both send it; after a crash the claim runs out and another takes it.
- `conversation` is a keyed hash (HMAC-SHA256) of the channel and the recipient, never the number or chat id.
- `sealed` is the recipient and the reply (text, buttons) as JSON, Fernet-encrypted; nothing a person reads
  and no phone number or chat id is in the file in clear.
- the times and the attempt count are in clear: the retrier needs them, they reveal nothing of the content.

The keys come from `ONTHAAL_TRACKER_KEYS`, the Rasa server's conversation keys (it does not start without them):
HKDF-SHA256 derives a Fernet key from each (its own `info` label, so they are independent of the conversation
store's keys); the first encrypts, all decrypt, so a rotation loses nothing. A rotation changes the conversation
hash: for the few minutes a reply can wait, a reply queued before it and one queued after it are ordered apart.

SQLite runs with `secure_delete` (a sent or dropped reply is overwritten in the file) in its default rollback-journal
mode (no write-ahead log keeps old pages); the file is created readable by its owner only. Each call opens its own
short-lived connection, so the queue can be used from worker threads.

With `ONTHAAL_BOT_DATABASE_URL` set, the queue lives on the shared database instead
(`bot/channels/reply_queue_postgres.py`, same rows, same sealing), so every Rasa replica sees and retries it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.fernet_keys import FernetKeyError, raw_fernet_keys

SEAL_INFO = b"onthaal reply queue: seal v1"
CONVERSATION_INFO = b"onthaal reply queue: conversation v1"
SQLITE_TIMEOUT_SECONDS = 5.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    conversation TEXT NOT NULL,
    created_at REAL NOT NULL,
    drop_at REAL NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at REAL NOT NULL,
    sealed BLOB NOT NULL,
    claimed_until REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS replies_conversation ON replies (conversation, id);
"""


class ReplyQueueError(Exception):
    """The queue cannot be opened: a missing or invalid key (never a silent plaintext fallback)."""


@dataclass(frozen=True)
class QueuedReply:
    """One waiting reply; `recipient` and `reply` are decrypted (None when no configured key opens it)."""

    id: int
    conversation: str
    created_at: float
    drop_at: float
    attempts: int
    next_attempt_at: float
    recipient: str | None
    reply: dict[str, Any] | None


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


def decode_keys(setting: str | None) -> list[bytes]:
    """The raw keys of a comma-separated list of Fernet keys (`ONTHAAL_TRACKER_KEYS`); the key is never echoed."""
    try:
        return raw_fernet_keys(setting)
    except FernetKeyError as error:
        if error.position is None:
            raise ReplyQueueError(
                "ONTHAAL_TRACKER_KEYS is not set: replies waiting to be sent are stored encrypted."
            ) from None
        raise ReplyQueueError(f"ONTHAAL_TRACKER_KEYS: key {error.position} is not a Fernet key.") from error


class ReplyQueue:
    """The waiting replies of every channel in one SQLite file (see the module docstring)."""

    def __init__(self, path: Path, keys: list[bytes]) -> None:
        if not keys:
            raise ReplyQueueError("the reply queue needs at least one key")
        self.path = Path(path)
        self._cipher = MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key, SEAL_INFO))) for key in keys])
        self._conversation_key = _derive(keys[0], CONVERSATION_INFO)

    def _connect(self) -> sqlite3.Connection:
        """A new connection; the file and table are made again when missing (an operator may remove the file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=0o600, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=SQLITE_TIMEOUT_SECONDS)
        try:
            connection.execute("PRAGMA secure_delete = ON")
            connection.executescript(SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(replies)")}
            if "claimed_until" not in columns:  # a queue file written before replicas could share it
                connection.execute("ALTER TABLE replies ADD COLUMN claimed_until REAL NOT NULL DEFAULT 0")
                connection.commit()
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def seal(self, recipient: str, reply: dict[str, Any]) -> bytes:
        return self._cipher.encrypt(json.dumps({"recipient": recipient, "reply": reply}).encode())

    def opened(self, row: tuple[Any, ...]) -> QueuedReply:
        """A row `(id, conversation, created_at, drop_at, attempts, next_attempt_at, sealed)`, decrypted."""
        *fields, sealed = row
        try:
            opened = json.loads(self._cipher.decrypt(bytes(sealed)))
        except InvalidToken:
            return QueuedReply(*fields, recipient=None, reply=None)
        return QueuedReply(*fields, recipient=opened["recipient"], reply=opened["reply"])

    def conversation(self, channel: str, recipient: str) -> str:
        """The keyed hash that groups a recipient's replies on one channel."""
        message = f"{channel}\n{recipient}".encode()
        return hmac.new(self._conversation_key, message, hashlib.sha256).hexdigest()[:32]

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
        """Queue `reply` behind the conversation's other waiting replies; returns its id."""
        sealed = self.seal(recipient, reply)
        with closing(self._connect()) as connection, connection:
            cursor = connection.execute(
                "INSERT INTO replies (channel, conversation, created_at, drop_at, attempts, next_attempt_at, sealed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    self.conversation(channel, recipient),
                    created_at,
                    drop_at,
                    attempts,
                    next_attempt_at,
                    sealed,
                ),
            )
            return int(cursor.lastrowid or 0)

    def is_waiting(self, conversation: str) -> bool:
        """Whether the conversation has replies waiting (a new one then goes behind them)."""
        with closing(self._connect()) as connection:
            found = connection.execute("SELECT 1 FROM replies WHERE conversation = ? LIMIT 1", (conversation,))
            return found.fetchone() is not None

    def due_conversations(self, channel: str, now: float) -> list[str]:
        """The channel's conversations whose first waiting reply is due (to send again, or to drop) at `now` and
        not claimed by another retrier."""
        with closing(self._connect()) as connection:
            rows = connection.execute(
                "SELECT r.conversation FROM replies r WHERE r.channel = ?"
                " AND r.id = (SELECT MIN(id) FROM replies WHERE conversation = r.conversation)"
                " AND (r.next_attempt_at <= ? OR r.drop_at <= ?) AND r.claimed_until <= ? ORDER BY r.id",
                (channel, now, now, now),
            ).fetchall()
        return [conversation for (conversation,) in rows]

    def first(self, conversation: str) -> QueuedReply | None:
        """The conversation's oldest waiting reply, decrypted."""
        with closing(self._connect()) as connection:
            row = connection.execute(
                "SELECT id, conversation, created_at, drop_at, attempts, next_attempt_at, sealed FROM replies"
                " WHERE conversation = ? ORDER BY id LIMIT 1",
                (conversation,),
            ).fetchone()
        return None if row is None else self.opened(row)

    def claim_first(self, conversation: str, now: float, claim_until: float) -> QueuedReply | None:
        """The conversation's oldest waiting reply, decrypted and held for this retrier until `claim_until`, when it
        is due at `now` (to send or to drop) and no other retrier holds it; else None."""
        with closing(self._connect()) as connection, connection:
            connection.execute("BEGIN IMMEDIATE")  # the write lock first: two processes never claim one reply
            row = connection.execute(
                "SELECT id, conversation, created_at, drop_at, attempts, next_attempt_at, sealed, claimed_until"
                " FROM replies WHERE conversation = ? ORDER BY id LIMIT 1",
                (conversation,),
            ).fetchone()
            if row is None or row[-1] > now or min(row[3], row[5]) > now:
                return None
            connection.execute("UPDATE replies SET claimed_until = ? WHERE id = ?", (claim_until, row[0]))
        return self.opened(row[:-1])

    def next_due_at(self, channel: str) -> float | None:
        """When the channel's next first-in-line reply is due (to send or to drop); None when nothing waits."""
        with closing(self._connect()) as connection:
            (due,) = connection.execute(
                "SELECT MIN(MAX(MIN(r.next_attempt_at, r.drop_at), r.claimed_until)) FROM replies r WHERE r.channel = ?"
                " AND r.id = (SELECT MIN(id) FROM replies WHERE conversation = r.conversation)",
                (channel,),
            ).fetchone()
        return due

    def reschedule(self, reply_id: int, attempts: int, next_attempt_at: float) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute(
                "UPDATE replies SET attempts = ?, next_attempt_at = ?, claimed_until = 0 WHERE id = ?",
                (attempts, next_attempt_at, reply_id),
            )

    def remove(self, reply_id: int) -> None:
        with closing(self._connect()) as connection, connection:
            connection.execute("DELETE FROM replies WHERE id = ?", (reply_id,))

    def count(self, channel: str | None = None) -> int:
        with closing(self._connect()) as connection:
            if channel is None:
                return connection.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
            return connection.execute("SELECT COUNT(*) FROM replies WHERE channel = ?", (channel,)).fetchone()[0]
