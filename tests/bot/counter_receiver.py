"""A stand-in for the coach service's `POST /webhook/counters` (helper E builds the real one), for the counter
tests: a real HTTP server on 127.0.0.1 that checks what the contract asks and records what it took.

It verifies the Standard Webhooks signature itself (HMAC-SHA256 over "id.timestamp.body" with the secret's
bytes, timestamp within 5 minutes), refuses any body that is not exactly `{"counts": [...]}` with the six keys
per count (422), counts a webhook id once (a resent batch answers 204 and adds nothing), and answers 204. A test
can script the first answers (`fail_with`). Standard library only, so the end-to-end tests (.venv) use it too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LANGUAGES = {"nl", "en", "bg", "sk", "ro", "prs"}
CHANNELS = {"web", "whatsapp", "telegram", "reception"}
EVENTS = {"started", "consented", "stopped", "expired"}
KEYS = {"day", "event", "question", "language", "channel", "n"}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
TOLERANCE_SECONDS = 300


def signature_is_valid(secret: str, headers: Any, body: bytes) -> bool:
    webhook_id, timestamp = headers.get("webhook-id"), headers.get("webhook-timestamp")
    given = headers.get("webhook-signature") or ""
    if not webhook_id or not timestamp or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    return any(part.startswith("v1,") and hmac.compare_digest(part[3:].encode(), expected) for part in given.split(" "))


def body_problem(body: bytes) -> str | None:
    """Why the body breaks the contract, or None."""
    try:
        document = json.loads(body)
    except ValueError:
        return "not JSON"
    if not isinstance(document, dict) or set(document) != {"counts"} or not isinstance(document["counts"], list):
        return "not {counts: [...]}"
    for count in document["counts"]:
        if not isinstance(count, dict) or set(count) != KEYS:
            return f"keys {sorted(count) if isinstance(count, dict) else count}"
        if not (isinstance(count["day"], str) and DAY.fullmatch(count["day"])):
            return "day"
        if count["event"] not in EVENTS or count["language"] not in LANGUAGES or count["channel"] not in CHANNELS:
            return "event, language or channel"
        if count["question"] is not None and not isinstance(count["question"], str):
            return "question"
        if not isinstance(count["n"], int) or isinstance(count["n"], bool) or count["n"] < 1:
            return "n"
    return None


class CounterReceiver:
    """The receiving end; `totals` is what it took, by (day, event, question, language, channel)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.totals: Counter[tuple] = Counter()
        self.webhook_ids: list[str] = []  # every request's webhook id, in order (resends too)
        self.refused: list[tuple[int, str]] = []
        self.scripted: list[int] = []
        self._taken: set[str] = set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                self.send_response(receiver.answer(self.path, self.headers, body))
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_with(self, *statuses: int) -> None:
        """The next answers, before the normal ones."""
        with self._lock:
            self.scripted.extend(statuses)

    def answer(self, path: str, headers: Any, body: bytes) -> int:
        with self._lock:
            if path != "/webhook/counters":
                return 404
            self.webhook_ids.append(headers.get("webhook-id") or "")
            if self.scripted:
                return self.scripted.pop(0)
            if not signature_is_valid(self.secret, headers, body):
                self.refused.append((401, "signature"))
                return 401
            problem = body_problem(body)
            if problem:
                self.refused.append((422, problem))
                return 422
            webhook_id = headers["webhook-id"]
            if webhook_id not in self._taken:
                self._taken.add(webhook_id)
                for count in json.loads(body)["counts"]:
                    key = (count["day"], count["event"], count["question"], count["language"], count["channel"])
                    self.totals[key] += count["n"]
            return 204

    def by_event(self) -> Counter[str]:
        with self._lock:
            result: Counter[str] = Counter()
            for (_, event, *_), n in self.totals.items():
                result[event] += n
            return result

    def __enter__(self) -> CounterReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
