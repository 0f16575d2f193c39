"""Tracker fixtures for the action tests (run in the bot environment: .venv-bot)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# The outbox's background sender would outlive single tests; the tests that need it start it themselves.
os.environ.setdefault("ONTHAAL_OUTBOX_SENDER", "off")

DOMAIN: dict[str, Any] = {"forms": {"intake_form": {"required_slots": ["language", "consent"]}}}


def make_tracker(
    text: str = "",
    intent: str | None = None,
    confidence: float = 1.0,
    entities: list[dict[str, Any]] | None = None,
    detected: dict[str, Any] | None = None,
    channel: str = "rest",
    metadata: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    **slots: Any,
) -> Tracker:
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "language": detected or {"code": None, "confidence": 0.0},
        "metadata": metadata or {},
    }
    history = [{"event": "user", "text": text, "parse_data": latest_message, "input_channel": channel}]
    return Tracker(
        sender_id="test-conversation",
        slots={"requested_slot": None, **slots},
        latest_message=latest_message,
        events=(events or []) + history,
        paused=False,
        followup_action=None,
        active_loop={"name": "intake_form"},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value}


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def responses(dispatcher: CollectingDispatcher) -> list[str | None]:
    return [message.get("response") for message in dispatcher.messages]


@pytest.fixture
def coach(monkeypatch, tmp_path):
    """A scripted coach service (tests/bot/coach_doubles.py) that the outbox posts to, and a fresh outbox."""
    from tests.bot.coach_doubles import new_secret, scripted_coach

    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(tmp_path / "outbox.sqlite3"))
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "off")
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", new_secret())
    with scripted_coach() as coach:
        monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
        yield coach


@pytest.fixture(scope="module")
def real_coach(tmp_path_factory):
    """The real coach service (tests/bot/coach_doubles.py: uvicorn in its own environment) and its webhook secret."""
    from tests.bot.coach_doubles import CoachService, new_secret

    secret = new_secret()
    coach = CoachService(tmp_path_factory.mktemp("coach"), secret)
    coach.start()
    try:
        yield coach, secret
    finally:
        coach.stop()
