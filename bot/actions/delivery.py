"""Delivers intakes to the coach service: local outbox first, then a signed webhook (Standard Webhooks).

An intake is written to the outbox (SQLite, `ONTHAAL_OUTBOX_PATH`) before it is posted, and removed from it
only once the coach service has acknowledged it, so nothing a person said is lost while the coach service is
down. Retries reuse the same `webhook-id`, so the coach service stores each intake once. What waits in the
outbox is encrypted (Fernet, with a key derived from the webhook secret), so the file holds no words in clear.

A background sender retries what is left with exponential backoff (1 s doubling to 5 min per intake) until
the coach service acknowledges it. The action server starts it as a daemon thread on the first `enqueue`
(`ONTHAAL_OUTBOX_SENDER=off` prevents that); `python -m bot.actions.delivery` runs the same loop on its own.
Its clock and sleep are injectable, so tests run minutes of retries in milliseconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import requests
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.actions.reference_data import ROOT

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 5 * 60.0
IDLE_POLL_SECONDS = 30.0  # nothing pending: look again now and then (another process may have enqueued)
# One delivery pass at a time in this process: the hand-off's own attempt and the sender never post together.
_delivery_lock = threading.Lock()


def _outbox_path() -> Path:
    return Path(os.environ.get("ONTHAAL_OUTBOX_PATH", ROOT / "var" / "outbox.sqlite3"))


def _connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or _outbox_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS outbox ("
        " webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL,"
        " created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0)"
    )
    columns = {row[1] for row in connection.execute("PRAGMA table_info(outbox)")}
    if "next_attempt_at" not in columns:  # an outbox written before the sender existed
        connection.execute("ALTER TABLE outbox ADD COLUMN next_attempt_at REAL NOT NULL DEFAULT 0")
    return connection


ENCRYPTED_PREFIX = "fernet:"


def _outbox_cipher(secret: str) -> Fernet:
    """The outbox key: derived from the webhook secret, which the action server has anyway."""
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"onthaal outbox v1")
    return Fernet(base64.urlsafe_b64encode(derive.derive(secret.encode())))


def seal(body: str, secret: str) -> str:
    return ENCRYPTED_PREFIX + _outbox_cipher(secret).encrypt(body.encode()).decode()


def unseal(stored: str, secret: str) -> bytes:
    """The intake JSON of an outbox row (rows written before encryption are plain JSON)."""
    if not stored.startswith(ENCRYPTED_PREFIX):
        return stored.encode()
    return _outbox_cipher(secret).decrypt(stored.removeprefix(ENCRYPTED_PREFIX).encode())


def backoff_seconds(attempts: int) -> float:
    """Wait after the `attempts`-th failed attempt: 1, 2, 4, ... seconds, at most 5 minutes."""
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for `body`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def enqueue(intake: dict[str, Any]) -> str:
    webhook_id = f"msg_{uuid.uuid4().hex}"
    now = time.time()
    with closing(_connect()) as connection, connection:
        connection.execute(
            "INSERT INTO outbox (webhook_id, reference, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
            # The hand-off makes the first attempt itself; the sender's turn comes a second later.
            (
                webhook_id,
                intake["reference"],
                seal(json.dumps(intake, ensure_ascii=False), _coach_target()[1]),
                now,
                now + FIRST_RETRY_SECONDS,
            ),
        )
    ensure_sender_started()
    return webhook_id


def _coach_target() -> tuple[str, str]:
    """The webhook URL and secret from the environment."""
    url = os.environ.get("ONTHAAL_COACH_URL", "http://127.0.0.1:8000").rstrip("/") + "/api/v1/intakes"
    return url, os.environ.get("ONTHAAL_WEBHOOK_SECRET", "")


def _post(webhook_id: str, body: bytes, target: tuple[str, str] | None = None) -> bool:
    url, secret = target or _coach_target()
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }
    try:
        response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        logger.warning("intake delivery failed: %s", type(error).__name__)
        return False
    if response.status_code in (200, 201, 202):
        return True
    logger.warning("intake delivery refused with status %s", response.status_code)
    return False


def deliver_pending(
    now: float | None = None, only_due: bool = False, path: Path | None = None, target: tuple[str, str] | None = None
) -> set[str]:
    """Try to post the intakes in the outbox (all of them, or those whose retry is due at `now`); returns the
    webhook ids that were acknowledged. A failure schedules the next attempt with exponential backoff."""
    now = time.time() if now is None else now
    with _delivery_lock:
        with closing(_connect(path)) as connection:
            query = "SELECT webhook_id, body FROM outbox"
            query += " WHERE next_attempt_at <= ? ORDER BY created_at" if only_due else " ORDER BY created_at"
            rows = connection.execute(query, (now,) if only_due else ()).fetchall()
        delivered = set()
        target = target or _coach_target()
        for webhook_id, stored in rows:
            try:
                acknowledged = _post(webhook_id, unseal(stored, target[1]), target)
            except InvalidToken:  # the webhook secret changed since this intake was written: keep it, retry later
                logger.warning("outbox entry %s cannot be decrypted with the current webhook secret", webhook_id)
                acknowledged = False
            with closing(_connect(path)) as connection, connection:
                if acknowledged:
                    connection.execute("DELETE FROM outbox WHERE webhook_id = ?", (webhook_id,))
                    delivered.add(webhook_id)
                    continue
                (attempts,) = connection.execute(
                    "SELECT attempts + 1 FROM outbox WHERE webhook_id = ?", (webhook_id,)
                ).fetchone()
                connection.execute(
                    "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE webhook_id = ?",
                    (attempts, now + backoff_seconds(attempts), webhook_id),
                )
    return delivered


def pending_count(path: Path | None = None) -> int:
    with closing(_connect(path)) as connection:
        return connection.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


class Sender:
    """Delivers what is left in the outbox until the coach service acknowledges it.

    `clock` (seconds) and `sleep` are injectable; the outbox path, coach URL and secret are fixed when the
    sender is made, so a sender started by the action server keeps them whatever the environment says later.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] | None = None,
        outbox_path: Path | None = None,
    ) -> None:
        self.clock = clock
        self.outbox_path = outbox_path or _outbox_path()
        self.target = _coach_target()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.sleep = sleep or self._interruptible_sleep

    def _interruptible_sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def run_once(self) -> set[str]:
        """Deliver every intake whose retry is due now."""
        return deliver_pending(now=self.clock(), only_due=True, path=self.outbox_path, target=self.target)

    def seconds_until_next(self) -> float:
        """How long to wait before the next due retry (IDLE_POLL_SECONDS when nothing is pending)."""
        with closing(_connect(self.outbox_path)) as connection:
            (next_at,) = connection.execute("SELECT MIN(next_attempt_at) FROM outbox").fetchone()
        if next_at is None:
            return IDLE_POLL_SECONDS
        return min(max(next_at - self.clock(), 0.0), MAX_RETRY_SECONDS)

    def run_forever(self, until: Callable[[], bool] | None = None) -> None:
        """Loop until `stop()` (or `until()` is true), sleeping until the next retry is due."""
        while not self._stop.is_set() and not (until and until()):
            try:
                self.run_once()
                wait = self.seconds_until_next()
            except sqlite3.Error as error:
                logger.warning("outbox sender: %s", type(error).__name__)
                wait = FIRST_RETRY_SECONDS
            if wait > 0:
                self.sleep(wait)

    def nudge(self) -> None:
        """A new intake is waiting: look again now instead of at the next due time."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()


_sender: Sender | None = None
_sender_guard = threading.Lock()


def ensure_sender_started() -> Sender | None:
    """Start the background sender thread once per process (not with ONTHAAL_OUTBOX_SENDER=off)."""
    global _sender
    if os.environ.get("ONTHAAL_OUTBOX_SENDER", "thread") == "off":
        return None
    with _sender_guard:
        if _sender is None:
            _sender = Sender()
            threading.Thread(target=_sender.run_forever, name="outbox-sender", daemon=True).start()
        return _sender


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logger.info("outbox sender running on %s", _outbox_path())
    Sender().run_forever()


if __name__ == "__main__":
    main()
