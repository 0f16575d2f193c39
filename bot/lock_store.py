"""Rasa's lock store, chosen from the environment so that bot/endpoints.yml stays the same everywhere.

Rasa handles one message of a conversation at a time with a ticket lock per conversation. With several Rasa
servers those locks must be shared, or two messages of one person sent to two replicas would be handled at the
same time, on the same stored conversation:
- `ONTHAAL_REDIS_URL` set (redis://[:password@]host:port/db, or rediss:// for TLS): Rasa's `RedisLockStore`,
  its keys prefixed `onthaal:`.
- unset: Rasa's `InMemoryLockStore` (one Rasa server, `make run`).

The lock's key would be the conversation id (a WhatsApp id derives from a phone number), and Redis may write it
to disk: the Redis store locks a keyed hash of the id instead (HMAC-SHA256 with a key derived by HKDF from the
first key of `ONTHAAL_TRACKER_KEYS`, which every Rasa server has; a label of its own keeps it independent of the
conversation store's keys and row ids). Every replica must have the same first key; during a rolling key
rotation, replicas with different first keys do not share locks until all are restarted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.shared.exceptions import RasaException

from bot.fernet_keys import FernetKeyError, raw_fernet_keys

URL_VARIABLE = "ONTHAAL_REDIS_URL"
KEYS_VARIABLE = "ONTHAAL_TRACKER_KEYS"
KEY_PREFIX = "onthaal"
LOCK_ID_INFO = b"onthaal lock store: lock id v1"


class LockStoreConfigurationError(RasaException):
    """ONTHAAL_REDIS_URL is set but unusable (it is never echoed: it may hold a password)."""


def redis_settings(url: str) -> dict[str, Any]:
    """RedisLockStore's arguments from redis://[[user]:password@]host[:port][/db]."""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise LockStoreConfigurationError(f"{URL_VARIABLE} must look like redis://[:password@]host:port/db.")
    path = parts.path.strip("/")
    try:
        port = parts.port or 6379
        db = int(path) if path else 0
    except ValueError as error:
        raise LockStoreConfigurationError(f"{URL_VARIABLE}: the port and the database must be numbers.") from error
    return {
        "host": parts.hostname,
        "port": port,
        "db": db,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
        "key_prefix": KEY_PREFIX,
    }


def lock_id_key(setting: str | None) -> bytes:
    """The HMAC key of the lock ids, from the first conversation key."""
    try:
        first = raw_fernet_keys(setting)[0]
    except FernetKeyError as error:
        raise LockStoreConfigurationError(
            f"{URL_VARIABLE} is set: the shared lock store names conversations by a keyed hash and needs "
            f"{KEYS_VARIABLE} (the conversation store's keys)."
        ) from error
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=LOCK_ID_INFO).derive(first)


class PseudonymousRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore, locking a keyed hash of each conversation id instead of the id itself."""

    def __init__(self, id_key: bytes, **settings: Any) -> None:
        """`settings`: RedisLockStore's (host, port, db, password, ...)."""
        self._id_key = id_key
        super().__init__(**settings)

    def lock_id(self, conversation_id: str) -> str:
        return hmac.new(self._id_key, conversation_id.encode("utf-8"), hashlib.sha256).hexdigest()

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's lock (every other method is reached through this one), on the hashed id."""
        async with super().lock(self.lock_id(conversation_id), lock_lifetime, wait_time_in_seconds) as ticket_lock:
            yield ticket_lock


class OnthaalLockStore(LockStore):
    """What bot/endpoints.yml names: builds the Redis or the in-memory lock store (see the module)."""

    def __new__(cls, endpoint_config: Any = None, **_: Any) -> LockStore:  # type: ignore[misc]
        """Rasa calls `OnthaalLockStore(endpoint_config=...)`; the answer is a Rasa lock store, not this class."""
        url = os.environ.get(URL_VARIABLE, "").strip()
        if not url:
            return InMemoryLockStore()
        return PseudonymousRedisLockStore(lock_id_key(os.environ.get(KEYS_VARIABLE)), **redis_settings(url))
