"""A restart in the middle of an outage, with real processes: the coach service (uvicorn, .venv) is down, people
hand off, the sender (`python -m bot.delivery.delivery`, .venv-bot) is killed and started again, then the coach
service comes up: every intake is stored exactly once.

The backoff runs a hundred times faster than in production (1 s .. 5 min becomes 10 ms .. 3 s), so the six
seconds of outage here are the ten minutes of a real one, with the same number of attempts; so does the claim a
sender holds on the entry it is posting (15 s becomes 0.15 s), which a sender killed mid-attempt leaves behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings
from tests.bot.coach_doubles import CoachService, new_secret
from tests.bot.conftest import ROOT
from tests.bot.intakes import PERSONAL, valid_intake

SPEED = 100
OUTAGE_SECONDS = 600 / SPEED
BEFORE_RESTART = ["ONT-AAAAA2", "ONT-BBBBB3", "ONT-CCCCC4"]
DURING_RESTART = ["ONT-DDDDD5", "ONT-EEEEE6"]


def hand_off(reference: str) -> str:
    """What the hand-off does: outbox first, then its own attempt (which fails while the coach service is down)."""
    webhook_id = delivery.enqueue(valid_intake(reference))
    assert not delivery.deliver_now(webhook_id).delivered
    return webhook_id


def start_sender(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.delivery.delivery"], cwd=ROOT, env=env, stdout=output, stderr=output
        )


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def attempts(webhook_ids: list[str], path: Path) -> list[int]:
    return [entry.attempts for entry in (outbox.get(webhook_id, path) for webhook_id in webhook_ids) if entry]


def test_a_sender_restarted_mid_outage_delivers_every_intake_once(monkeypatch, tmp_path):
    secret = new_secret()
    coach = CoachService(tmp_path, secret)
    settings = {
        "ONTHAAL_OUTBOX_PATH": str(tmp_path / "outbox.sqlite3"),
        "ONTHAAL_COACH_URL": coach.url,
        "ONTHAAL_WEBHOOK_SECRET": secret,
        "ONTHAAL_OUTBOX_FIRST_RETRY_SECONDS": str(1 / SPEED),
        "ONTHAAL_OUTBOX_MAX_RETRY_SECONDS": str(300 / SPEED),
        "ONTHAAL_OUTBOX_REPORT_SECONDS": str(60 / SPEED),
        # A sender killed mid-attempt holds its entry until this runs out (15 s in production).
        "ONTHAAL_OUTBOX_CLAIM_SECONDS": str(15 / SPEED),
        "ONTHAAL_OUTBOX_SENDER": "off",  # in this test process: the hand-offs only
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    path = DeliverySettings.from_env().outbox_path
    sender_env = {**os.environ, **settings, "PYTHONPATH": str(ROOT)}
    sender_log = tmp_path / "sender.log"
    outage_started = time.monotonic()
    sender = start_sender(sender_env, sender_log)
    try:
        first = [hand_off(reference) for reference in BEFORE_RESTART]
        assert wait_until(lambda: min(attempts(first, path)) >= 4, 10), attempts(first, path)

        sender.send_signal(signal.SIGKILL)  # mid-outage, between two retries or in the middle of one
        sender.wait(timeout=10)
        second = [hand_off(reference) for reference in DURING_RESTART]
        sender = start_sender(sender_env, sender_log)
        assert wait_until(lambda: min(attempts(second, path)) >= 3, 10), attempts(second, path)
        time.sleep(max(OUTAGE_SECONDS - (time.monotonic() - outage_started), 0))
        assert delivery.pending_count() == 5 and sender.poll() is None

        coach.start()
        assert wait_until(lambda: delivery.pending_count() == 0, 20)
        assert coach.stored_references() == BEFORE_RESTART + DURING_RESTART  # each once
        assert sender.poll() is None
    finally:
        if sender.poll() is None:
            sender.terminate()
            sender.wait(timeout=10)
        coach.stop()
    log = sender_log.read_text()
    assert "outbox sender running" in log and "Traceback" not in log
    assert not any(word in log for word in (*PERSONAL, *BEFORE_RESTART, *DURING_RESTART))
