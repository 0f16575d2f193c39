"""The action server's side of the signed webhooks to the coach service (Standard Webhooks, HMAC-SHA256).

Where to post and how often to retry (`DeliverySettings`, read from the environment once per sender), how a
request is signed, what an answer means for the intake (`Outcome`), the outbox status report for admins, and the
person's "what happens now?" (`intake_status`). Nothing here logs a body: log lines carry webhook ids, status
codes and exception types only, never a reference or a status code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import time
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Literal

import requests

from bot.intake.reference_data import ROOT

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 5 * 60.0
REPORT_INTERVAL_SECONDS = 60.0
# How long a sender holds the entry it is posting (outbox.claim_next): three times the post's timeout. A sender
# killed mid-attempt leaves the entry to the others (or to itself, restarted) after this long.
CLAIM_SECONDS = 3.0 * TIMEOUT_SECONDS
# 401 (signature or clock off: a secret or clock fix makes it pass), 408 and 429 are worth retrying.
RETRYABLE_CLIENT_ERRORS = {401, 408, 429}
CONFLICT = 409  # the reference already belongs to another intake

# The intake's status as the person may hear it: the coach service's four, "unknown" (no intake with this reference
# and code), "busy" (too many wrong codes for this reference: try later), "unavailable" (no usable answer).
IntakeStatus = Literal["new", "claimed", "contacted", "closed", "unknown", "busy", "unavailable"]
INTAKE_STATUSES = ("new", "claimed", "contacted", "closed")
STATUS_TIMEOUT_SECONDS = 5
# The shapes the coach service accepts (coach/schemas.py); anything else cannot be an intake's, so it is not sent.
REFERENCE_SHAPE = re.compile(r"ONT-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}")
STATUS_CODE_SHAPE = re.compile(r"[0-9]{6}")

# How a request goes out: requests.post's signature; tests inject one that fails on purpose.
Transport = Callable[..., requests.Response]


@dataclass(frozen=True)
class DeliverySettings:
    """Everything the outbox and its sender need, read once (`from_env`) so a running sender keeps it."""

    outbox_path: Path
    coach_url: str
    secret: str
    first_retry_seconds: float = FIRST_RETRY_SECONDS
    max_retry_seconds: float = MAX_RETRY_SECONDS
    report_interval_seconds: float = REPORT_INTERVAL_SECONDS
    sender: str = "thread"
    database_url: str | None = None  # ONTHAAL_BOT_DATABASE_URL: the outbox lives there instead of the file
    claim_seconds: float = CLAIM_SECONDS

    @classmethod
    def from_env(cls) -> DeliverySettings:
        env = os.environ
        return cls(
            outbox_path=Path(env.get("ONTHAAL_OUTBOX_PATH") or ROOT / "var" / "outbox.sqlite3"),
            coach_url=env.get("ONTHAAL_COACH_URL", "http://127.0.0.1:8000").rstrip("/"),
            secret=env.get("ONTHAAL_WEBHOOK_SECRET", ""),
            first_retry_seconds=float(env.get("ONTHAAL_OUTBOX_FIRST_RETRY_SECONDS") or FIRST_RETRY_SECONDS),
            max_retry_seconds=float(env.get("ONTHAAL_OUTBOX_MAX_RETRY_SECONDS") or MAX_RETRY_SECONDS),
            report_interval_seconds=float(env.get("ONTHAAL_OUTBOX_REPORT_SECONDS") or REPORT_INTERVAL_SECONDS),
            sender=env.get("ONTHAAL_OUTBOX_SENDER") or "thread",
            database_url=env.get("ONTHAAL_BOT_DATABASE_URL", "").strip() or None,
            claim_seconds=float(env.get("ONTHAAL_OUTBOX_CLAIM_SECONDS") or CLAIM_SECONDS),
        )

    @property
    def outbox_store(self) -> Path | str:
        """Where the outbox is: the shared database's URL when one is set, else the SQLite file."""
        return self.database_url or self.outbox_path

    @property
    def intakes_url(self) -> str:
        return f"{self.coach_url}/api/v1/intakes"

    @property
    def status_url(self) -> str:
        return f"{self.coach_url}/api/v1/outbox-status"

    @property
    def intake_status_url(self) -> str:
        return f"{self.coach_url}/api/v1/intake-status"

    def backoff_seconds(self, attempts: int) -> float:
        return backoff_seconds(attempts, self.first_retry_seconds, self.max_retry_seconds)


def backoff_seconds(attempts: int, first: float = FIRST_RETRY_SECONDS, maximum: float = MAX_RETRY_SECONDS) -> float:
    """Wait after the `attempts`-th failed attempt: 1, 2, 4, ... seconds, at most 5 minutes (by default)."""
    return min(first * 2 ** max(attempts - 1, 0), maximum)


class Outcome(Enum):
    DELIVERED = "delivered"  # 2xx: stored now, or already stored under this webhook id
    RETRY = "retry"  # network error, 5xx, 401, 408, 429
    CONFLICT = "conflict"  # 409: pick another reference
    REFUSED = "refused"  # any other 4xx: this body will never be accepted


def outcome_of(status: int | None) -> Outcome:
    """What the coach service's answer (None: no answer) means for the intake."""
    if status is None:
        return Outcome.RETRY
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status == CONFLICT:
        return Outcome.CONFLICT
    if 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS:
        return Outcome.REFUSED
    return Outcome.RETRY


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for `body`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(secret: str, webhook_id: str, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers for `body`, timestamped now."""
    timestamp = int(time.time())
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }


def post_signed(
    url: str, secret: str, webhook_id: str, body: bytes, transport: Transport = requests.post
) -> int | None:
    """POST `body` signed; the status code, or None when no answer came."""
    headers = signed_headers(secret, webhook_id, body)
    try:
        response = transport(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        logger.warning("intake %s: no answer from the coach service (%s)", webhook_id, type(error).__name__)
        return None
    return response.status_code


def report_status(
    settings: DeliverySettings, counts: tuple[int, int, float | None], now: float, transport: Transport = requests.post
) -> bool:
    """Tell the coach service how the outbox is doing (for admins); a failure is only noted at debug level."""
    pending, dead, oldest = counts
    report = {
        "pending": pending,
        "dead_letters": dead,
        "oldest_pending_seconds": None if oldest is None else round(oldest, 3),
        "reported_at": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
    }
    body = json.dumps(report).encode()
    try:
        # A fresh webhook id each time: every report is a new message, not a retry of the last one.
        headers = signed_headers(settings.secret, new_webhook_id(), body)
        response = transport(settings.status_url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except Exception as error:  # noqa: BLE001 - a report is best effort, it must never disturb delivery
        logger.debug("outbox status report not sent: %s", type(error).__name__)
        return False
    if not 200 <= response.status_code < 300:
        logger.debug("outbox status report refused with status %s", response.status_code)
        return False
    return True


def _ascii_digits(code: str) -> str:
    """The code as ASCII digits: a phone keyboard in Dari gives ۴۸۲۹۱۳, and people type "482 913" as they read it."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in code if not char.isspace())


def intake_status(
    settings: DeliverySettings, reference: str, code: str, transport: Transport = requests.post
) -> IntakeStatus:
    """Ask the coach service where the intake with this reference and status code stands (signed, at most 5 s).

    `new`, `claimed`, `contacted` or `closed`; `unknown` when no intake has this reference and code (also for a
    reference or code of the wrong shape, which is not sent at all; spaces and Persian or Arabic digits in the code
    are read as the digits they are); `busy` when the coach service refuses the
    reference for a while after too many wrong codes; `unavailable` when no usable answer came.
    """
    reference, code = reference.strip().upper(), _ascii_digits(code)
    if not REFERENCE_SHAPE.fullmatch(reference) or not STATUS_CODE_SHAPE.fullmatch(code):
        return "unknown"
    body = json.dumps({"reference": reference, "code": code}).encode()
    try:
        headers = signed_headers(settings.secret, new_webhook_id(), body)
        response = transport(settings.intake_status_url, data=body, headers=headers, timeout=STATUS_TIMEOUT_SECONDS)
    except (requests.RequestException, ValueError) as error:  # ValueError: no usable secret
        logger.warning("status lookup: no answer from the coach service (%s)", type(error).__name__)
        return "unavailable"
    if response.status_code == 404:
        return "unknown"
    if response.status_code == 429:
        return "busy"
    if response.status_code == 200:
        try:
            status = response.json().get("status")
        except (ValueError, AttributeError):
            status = None
        if status in INTAKE_STATUSES:
            return status
    logger.warning("status lookup: unusable answer from the coach service (status %s)", response.status_code)
    return "unavailable"
