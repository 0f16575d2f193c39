"""Failed attempts (logins, status codes) counted in the database, so that every worker and replica of the coach
service sees the same counts; and a lock for jobs that one of them should run at a time.

What is limited (a username with an IP address, an IP address, a reference) is stored only as a keyed hash
(coach/crypto.py, under ONTHAAL_DATA_KEYS); each write deletes the rows of its kind that left the window, so the
table holds at most one window of failures. Each call runs in its own short transaction, apart from the request's.
"""

import logging
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from coach.models import FailedAttempt

logger = logging.getLogger(__name__)


class AttemptLog:
    """Failed attempts by kind and keyed hash, in table `failed_attempts`."""

    def __init__(self, sessions: sessionmaker[Session], keyed_hash: Callable[[str, str], str]) -> None:
        self.sessions = sessions
        self.keyed_hash = keyed_hash  # (context, value) -> hex digest

    def _hash(self, kind: str, key: str) -> str:
        return self.keyed_hash(f"failed attempts {kind}", key)

    def recent(self, kind: str, key: str, since: float) -> tuple[int, float | None]:
        """How many failures of `key` after `since`, and when the oldest of them was."""
        with self.sessions() as db:
            matching = (FailedAttempt.kind == kind, FailedAttempt.key_hash == self._hash(kind, key))
            count, oldest = db.execute(
                select(func.count(), func.min(FailedAttempt.at)).where(*matching, FailedAttempt.at > since)
            ).one()
        return count, oldest

    def add(self, kinds_and_keys: list[tuple[str, str]], at: float, window: float) -> None:
        """Record a failure under each (kind, key); forget what left the window."""
        with self.sessions() as db, db.begin():
            for kind in {kind for kind, _ in kinds_and_keys}:
                db.execute(delete(FailedAttempt).where(FailedAttempt.kind == kind, FailedAttempt.at <= at - window))
            db.add_all(FailedAttempt(kind=kind, key_hash=self._hash(kind, key), at=at) for kind, key in kinds_and_keys)

    def clear(self, kind: str, key: str) -> None:
        with self.sessions() as db, db.begin():
            db.execute(
                delete(FailedAttempt).where(FailedAttempt.kind == kind, FailedAttempt.key_hash == self._hash(kind, key))
            )


@contextmanager
def only_one_at_a_time(engine: Engine, job: str) -> Iterator[bool]:
    """Whether this process may run `job` now: on PostgreSQL a session advisory lock (`pg_try_advisory_lock`) held
    until the block ends, so that of several workers or replicas one runs it and the others skip the round; on
    SQLite (one host, and the job's writes wait for each other) always."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = zlib.crc32(f"onthaal coach job {job}".encode())
    with engine.connect() as connection:
        acquired = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


def now() -> float:
    """The limiters' clock: the wall clock, the one every worker shares."""
    return time.time()
