"""Delivers intakes to the coach service: local outbox first, then a signed webhook (Standard Webhooks).

An intake is written to the outbox (SQLite, `ONTHAAL_OUTBOX_PATH`) before it is posted, and removed from it
only once the coach service has acknowledged it, so nothing a person said is lost while the coach service is
down. Retries reuse the same `webhook-id`, so the coach service stores each intake once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import requests

from bot.actions.reference_data import ROOT

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5


def _outbox_path() -> Path:
    return Path(os.environ.get("ONTHAAL_OUTBOX_PATH", ROOT / "var" / "outbox.sqlite3"))


def _connect() -> sqlite3.Connection:
    path = _outbox_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS outbox ("
        " webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL,"
        " created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
    )
    return connection


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for `body`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def enqueue(intake: dict[str, Any]) -> str:
    webhook_id = f"msg_{uuid.uuid4().hex}"
    with closing(_connect()) as connection, connection:
        connection.execute(
            "INSERT INTO outbox (webhook_id, reference, body, created_at) VALUES (?, ?, ?, ?)",
            (webhook_id, intake["reference"], json.dumps(intake, ensure_ascii=False), time.time()),
        )
    return webhook_id


def _post(webhook_id: str, body: bytes) -> bool:
    secret = os.environ.get("ONTHAAL_WEBHOOK_SECRET", "")
    url = os.environ.get("ONTHAAL_COACH_URL", "http://127.0.0.1:8000").rstrip("/") + "/api/v1/intakes"
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


def deliver_pending() -> set[str]:
    """Try to post every intake in the outbox; returns the webhook ids that were acknowledged."""
    with closing(_connect()) as connection:
        rows = connection.execute("SELECT webhook_id, body FROM outbox ORDER BY created_at").fetchall()
    delivered = set()
    for webhook_id, body in rows:
        acknowledged = _post(webhook_id, body.encode())
        with closing(_connect()) as connection, connection:
            if acknowledged:
                connection.execute("DELETE FROM outbox WHERE webhook_id = ?", (webhook_id,))
                delivered.add(webhook_id)
            else:
                connection.execute("UPDATE outbox SET attempts = attempts + 1 WHERE webhook_id = ?", (webhook_id,))
    return delivered


def pending_count() -> int:
    with closing(_connect()) as connection:
        return connection.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
