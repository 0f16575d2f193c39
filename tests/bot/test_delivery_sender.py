"""The outbox sender: exponential backoff on an injectable clock, and no intake lost or doubled while the real
coach service (uvicorn, in .venv) is down for ten minutes of simulated time."""

from __future__ import annotations

import base64
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from bot.actions import delivery
from tests.bot.conftest import ROOT

COACH_PYTHON = ROOT / ".venv" / "bin" / "python"
REFERENCES = ["ONT-AAAAA2", "ONT-BBBBB3", "ONT-CCCCC4"]


class SimulatedClock:
    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def intake(reference: str) -> dict:
    """A schema v1 intake (the coach service reads it as v2)."""
    return {
        "schema_version": 1,
        "reference": reference,
        "conversation_id": f"conversation-{reference}",
        "language": "ro",
        "channel": "rest",
        "submitted_at": "2026-11-27T10:15:00+00:00",
        "complete": True,
        "answers": {
            "name": "Rustov",
            "contact_method": "phone",
            "contact_detail": "0477 00 11 22",
            "neighbourhood": "no_fixed_address",
        },
        "skipped": [],
        "needs_answer": "reported",
        "needs": [{"id": "housing", "source": "button", "evidence": None}],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CoachService:
    """The real coach service in its own environment, on a free port, with its database in `state_dir`."""

    def __init__(self, state_dir: Path, secret: str) -> None:
        self.port = free_port()
        self.database = state_dir / "coach.sqlite3"
        self.log = state_dir / "coach.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ONTHAAL_ENV": "production",
            "ONTHAAL_WEBHOOK_SECRET": secret,
            "ONTHAAL_DATA_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "DATABASE_URL": f"sqlite:///{self.database}",
            "ONTHAAL_RETENTION_INTERVAL_SECONDS": "0",
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            str(COACH_PYTHON),
            "-m",
            "uvicorn",
            "coach.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("coach service did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def stored_references(self) -> list[str]:
        with sqlite3.connect(self.database) as connection:
            return [row[0] for row in connection.execute("SELECT reference FROM intakes ORDER BY reference")]


@pytest.fixture
def outbox(monkeypatch, tmp_path) -> Path:
    path = tmp_path / "outbox.sqlite3"
    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(path))
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "off")  # the tests drive their own sender
    return path


def test_backoff_doubles_from_one_second_to_five_minutes():
    assert [delivery.backoff_seconds(n) for n in range(1, 12)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


def test_an_old_outbox_without_the_retry_column_is_upgraded(outbox):
    with sqlite3.connect(outbox) as connection:
        connection.execute(
            "CREATE TABLE outbox (webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL,"
            " created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
        )
        connection.execute("INSERT INTO outbox VALUES ('msg_old', 'ONT-AAAAA2', '{}', 0, 3)")
    assert delivery.pending_count() == 1
    assert delivery.Sender(clock=SimulatedClock()).seconds_until_next() == 0


def test_ten_minutes_down_then_every_intake_arrives_exactly_once(outbox, monkeypatch, tmp_path):
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    coach = CoachService(tmp_path, secret)
    monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    coach.start()
    coach.stop()  # the coach service goes down

    try:
        # Three people complete their intake: outbox first, then the hand-off's own attempt, which fails.
        webhook_ids = [delivery.enqueue(intake(reference)) for reference in REFERENCES]
        assert delivery.deliver_pending() == set()
        assert delivery.pending_count() == 3

        clock = SimulatedClock()
        started = clock.now
        restarted = []

        def sleep(seconds: float) -> None:
            clock.advance(seconds)
            if clock.now - started >= 600 and not restarted:
                assert delivery.pending_count() == 3  # nothing lost, nothing sent during the outage
                coach.start()  # ten simulated minutes later the coach service is back
                restarted.append(clock.now)

        sender = delivery.Sender(clock=clock, sleep=sleep)
        sender.run_forever(until=lambda: delivery.pending_count() == 0)

        assert restarted and delivery.pending_count() == 0
        assert coach.stored_references() == REFERENCES
        # Backoff, not hammering: ~10 retries in the ten minutes, each wait at most five minutes.
        with_waits = [wait for wait in clock.slept if wait > 0]
        assert 8 <= len(with_waits) <= 14, clock.slept
        assert max(clock.slept) <= delivery.MAX_RETRY_SECONDS
        # A retry whose acknowledgement got lost (same webhook-id) is acknowledged without storing again.
        body = intake(REFERENCES[0])
        assert delivery._post(webhook_ids[0], json.dumps(body).encode())
        assert coach.stored_references() == REFERENCES
    finally:
        coach.stop()


def test_the_background_thread_delivers_after_a_failure(outbox, monkeypatch, tmp_path):
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    coach = CoachService(tmp_path, secret)
    monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    monkeypatch.setattr(delivery, "FIRST_RETRY_SECONDS", 0.2)
    delivery.enqueue(intake(REFERENCES[0]))
    assert delivery.deliver_pending() == set()  # coach service not started yet

    sender = delivery.Sender()
    thread = threading.Thread(target=sender.run_forever, daemon=True)
    thread.start()
    try:
        coach.start()
        deadline = time.monotonic() + 20
        while delivery.pending_count() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert delivery.pending_count() == 0
        assert coach.stored_references() == [REFERENCES[0]]
    finally:
        sender.stop()
        thread.join(timeout=10)
        coach.stop()


def test_the_outbox_file_holds_no_words_in_clear(outbox, monkeypatch):
    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("ONTHAAL_COACH_URL", "http://127.0.0.1:9")  # nobody listens: the intake stays
    delivery.enqueue(intake(REFERENCES[0]))
    assert delivery.deliver_pending() == set()

    raw = outbox.read_bytes()
    for personal in (b"Rustov", b"0477 00 11 22", b"no_fixed_address", b"housing"):
        assert personal not in raw
    with sqlite3.connect(outbox) as connection:
        (stored,) = connection.execute("SELECT body FROM outbox").fetchone()
    assert json.loads(delivery.unseal(stored, secret)) == intake(REFERENCES[0])


def test_an_entry_sealed_with_an_old_secret_is_kept_not_dropped(outbox, monkeypatch):
    monkeypatch.setenv("ONTHAAL_COACH_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", "whsec_" + base64.b64encode(b"a" * 32).decode())
    delivery.enqueue(intake(REFERENCES[0]))
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", "whsec_" + base64.b64encode(b"b" * 32).decode())

    assert delivery.deliver_pending() == set()
    assert delivery.pending_count() == 1
