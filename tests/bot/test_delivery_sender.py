"""The outbox sender: backoff on an injectable clock, only due entries, the hand-off's attempt for its own intake
only, a loop that outlives any exception, and no intake lost or doubled while the real coach service (uvicorn,
in .venv) is down for ten minutes of simulated time."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests

from bot.actions.handoff import ActionSubmitIntake
from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings, post_signed
from tests.bot.coach_doubles import CoachService, new_secret, scripted_coach
from tests.bot.conftest import DOMAIN, make_tracker
from tests.bot.intakes import PERSONAL, valid_intake

REFERENCES = ["ONT-AAAAA2", "ONT-BBBBB3", "ONT-CCCCC4"]
INTAKES = "/api/v1/intakes"


class SimulatedClock:
    def __init__(self) -> None:
        self.now = time.time()
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def outbox_path(monkeypatch, tmp_path) -> Path:
    path = tmp_path / "outbox.sqlite3"
    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(path))
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "off")  # the tests drive their own sender
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", new_secret())
    return path


@pytest.fixture
def coach(outbox_path, monkeypatch):
    with scripted_coach() as coach:
        monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
        yield coach


def test_backoff_doubles_from_one_second_to_five_minutes():
    assert [delivery.backoff_seconds(n) for n in range(1, 12)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


def test_an_old_outbox_without_the_retry_column_is_upgraded(outbox_path):
    with sqlite3.connect(outbox_path) as connection:
        connection.execute(
            "CREATE TABLE outbox (webhook_id TEXT PRIMARY KEY, reference TEXT NOT NULL, body TEXT NOT NULL,"
            " created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0)"
        )
        connection.execute("INSERT INTO outbox VALUES ('msg_old', 'ONT-AAAAA2', '{}', 0, 3)")
    assert delivery.pending_count() == 1
    assert delivery.Sender(clock=SimulatedClock()).seconds_until_next() == 0


def test_the_hand_off_posts_its_own_intake_and_nothing_else(coach):
    coach.default = 503
    waiting = [delivery.enqueue(valid_intake(reference)) for reference in REFERENCES[:2]]
    for webhook_id in waiting:
        assert not delivery.deliver_now(webhook_id).delivered
    coach.received.clear()
    coach.default = 201

    webhook_id = delivery.enqueue(valid_intake(REFERENCES[2]))
    result = delivery.deliver_now(webhook_id)

    assert result.delivered and result.reference == REFERENCES[2]
    assert [request.headers["webhook-id"] for request in coach.to(INTAKES)] == [webhook_id]
    assert delivery.pending_count() == 2  # the others wait for the sender


def test_the_sender_posts_only_due_entries(coach):
    clock = SimulatedClock()
    first, second = (delivery.enqueue(valid_intake(reference)) for reference in REFERENCES[:2])
    settings = DeliverySettings.from_env()
    outbox.schedule(first, 1, clock.now - 1, settings.outbox_path)  # due
    outbox.schedule(second, 3, clock.now + 30, settings.outbox_path)  # half a minute from now
    sender = delivery.Sender(clock=clock)

    assert sender.run_once() == {first}
    sender.report_if_due()
    assert [request.headers["webhook-id"] for request in coach.to(INTAKES)] == [first]
    assert sender.seconds_until_next() == pytest.approx(30)


def test_an_intake_just_handed_off_is_left_to_the_hand_off(coach):
    delivery.enqueue(valid_intake(REFERENCES[0]))  # the hand-off is making its attempt now
    assert delivery.Sender(clock=SimulatedClock()).run_once() == set()
    assert coach.to(INTAKES) == []


def test_a_pass_that_raises_does_not_end_the_sender(coach, caplog):
    webhook_id = delivery.enqueue(valid_intake(REFERENCES[0]))
    outbox.schedule(webhook_id, 0, 0, DeliverySettings.from_env().outbox_path)
    simulated = SimulatedClock()
    calls = []

    def clock() -> float:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the clock broke for one pass")
        return simulated()

    delivery.Sender(clock=clock, sleep=simulated.advance).run_forever(until=lambda: delivery.pending_count() == 0)

    assert [request.headers["webhook-id"] for request in coach.to(INTAKES)] == [webhook_id]
    assert simulated.slept[0] == 1  # backed off after the failed pass
    assert "outbox sender pass failed: RuntimeError" in caplog.messages


def test_an_attempt_that_raises_is_retried_and_the_others_still_go(coach, caplog):
    ids = [delivery.enqueue(valid_intake(reference)) for reference in REFERENCES[:2]]
    settings = DeliverySettings.from_env()
    for webhook_id in ids:
        outbox.schedule(webhook_id, 0, 0, settings.outbox_path)
    raised = []

    def transport(url: str, **kwargs) -> requests.Response:
        if not raised:
            raised.append(url)
            raise RuntimeError("a bug in the transport, once")
        return requests.post(url, **kwargs)  # noqa: S113 (kwargs holds the sender's timeout)

    clock = SimulatedClock()
    sender = delivery.Sender(clock=clock, sleep=clock.advance, transport=transport)
    sender.run_forever(until=lambda: delivery.pending_count() == 0)

    assert sorted(request.headers["webhook-id"] for request in coach.to(INTAKES)) == sorted(ids)
    assert f"intake {ids[0]}: attempt failed with RuntimeError" in caplog.messages


def test_start_sender_runs_one_thread_and_replaces_a_dead_one(outbox_path, monkeypatch):
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "thread")
    monkeypatch.setenv("ONTHAAL_COACH_URL", "http://127.0.0.1:9")
    monkeypatch.setattr(delivery, "_sender", None)
    monkeypatch.setattr(delivery, "_sender_thread", None)
    sender = delivery.start_sender()
    try:
        assert delivery.start_sender() is sender and delivery.ensure_sender_started() is sender
        assert [thread.name for thread in threading.enumerate()].count("outbox-sender") == 1
        sender.stop()
        delivery._sender_thread.join(timeout=5)
        replacement = delivery.start_sender()
        assert replacement is not sender and delivery._sender_thread.is_alive()
    finally:
        delivery._sender.stop()
        delivery._sender_thread.join(timeout=5)
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "off")
    monkeypatch.setattr(delivery, "_sender", None)
    assert delivery.start_sender() is None


def test_ten_minutes_down_then_every_intake_arrives_exactly_once(outbox_path, monkeypatch, tmp_path):
    secret = new_secret()
    coach = CoachService(tmp_path, secret)
    monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    coach.start()
    coach.stop()  # the coach service goes down

    try:
        # Three people complete their intake: outbox first, then the hand-off's own attempt, which fails.
        webhook_ids = [delivery.enqueue(valid_intake(reference)) for reference in REFERENCES]
        assert not any(delivery.deliver_now(webhook_id).delivered for webhook_id in webhook_ids)
        assert delivery.pending_count() == 3

        clock = SimulatedClock()
        started = clock.now
        restarted = []
        attempts: dict[str, int] = {}

        def counting(url: str, **kwargs) -> requests.Response:
            if url.endswith(INTAKES) and not restarted:
                webhook_id = kwargs["headers"]["webhook-id"]
                attempts[webhook_id] = attempts.get(webhook_id, 0) + 1
            return requests.post(url, **kwargs)  # noqa: S113 (kwargs holds the sender's timeout)

        def sleep(seconds: float) -> None:
            clock.advance(seconds)
            if clock.now - started >= 600 and not restarted:
                assert delivery.pending_count() == 3  # nothing lost, nothing sent during the outage
                coach.start()  # ten simulated minutes later the coach service is back
                restarted.append(clock.now)

        sender = delivery.Sender(clock=clock, sleep=sleep, transport=counting)
        sender.run_forever(until=lambda: delivery.pending_count() == 0)

        assert restarted and delivery.pending_count() == 0
        assert coach.stored_references() == REFERENCES
        # Backoff, not hammering: ~10 attempts each in the ten minutes, each wait at most five minutes.
        assert sorted(attempts) == sorted(webhook_ids)
        assert all(8 <= count <= 12 for count in attempts.values()), attempts
        assert max(clock.slept) <= delivery.MAX_RETRY_SECONDS
        # A retry whose acknowledgement got lost (same webhook-id) is acknowledged without storing again.
        body = json.dumps(valid_intake(REFERENCES[0])).encode()
        assert post_signed(f"{coach.url}{INTAKES}", secret, webhook_ids[0], body) == 200
        assert coach.stored_references() == REFERENCES
    finally:
        coach.stop()


def test_the_background_thread_delivers_after_a_failure(outbox_path, monkeypatch, tmp_path):
    secret = new_secret()
    coach = CoachService(tmp_path, secret)
    monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("ONTHAAL_OUTBOX_FIRST_RETRY_SECONDS", "0.2")
    webhook_id = delivery.enqueue(valid_intake(REFERENCES[0]))
    assert not delivery.deliver_now(webhook_id).delivered  # coach service not started yet

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


def test_the_outbox_file_holds_no_words_in_clear(outbox_path, monkeypatch):
    monkeypatch.setenv("ONTHAAL_COACH_URL", "http://127.0.0.1:9")  # nobody listens: the intake stays
    webhook_id = delivery.enqueue(valid_intake(REFERENCES[0]))
    assert not delivery.deliver_now(webhook_id).delivered

    raw = outbox_path.read_bytes()
    for personal in (*PERSONAL, "no_fixed_address"):
        assert personal.encode() not in raw
    stored = outbox.get(webhook_id, outbox_path)
    assert json.loads(outbox.unseal(stored.body, DeliverySettings.from_env().secret)) == valid_intake(REFERENCES[0])


def test_an_entry_sealed_with_an_old_secret_is_kept_not_dropped(outbox_path, monkeypatch):
    monkeypatch.setenv("ONTHAAL_COACH_URL", "http://127.0.0.1:9")
    webhook_id = delivery.enqueue(valid_intake(REFERENCES[0]))
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", new_secret())

    assert not delivery.deliver_now(webhook_id).delivered
    assert delivery.pending_count() == 1


async def test_a_storage_error_after_the_post_still_answers_the_person(coach, monkeypatch, dispatcher, caplog):
    def disk_error(*args: object) -> bool:
        raise sqlite3.OperationalError("disk I/O error")

    working_remove = outbox.remove
    monkeypatch.setattr(outbox, "remove", disk_error)  # the disk fails just after the coach service stored it

    await ActionSubmitIntake().run(dispatcher, make_tracker("/confirm", "confirm", language="ro", consent=True), DOMAIN)

    [message] = dispatcher.messages
    assert message["response"] == "utter_submit_delayed_come_by" and message["reference"].startswith("ONT-")
    assert any(line.endswith("hand-off attempt failed with OperationalError") for line in caplog.messages)
    monkeypatch.setattr(outbox, "remove", working_remove)
    assert delivery.Sender(clock=lambda: time.time() + 60).run_once()  # delivered again: a duplicate, then gone
    assert delivery.pending_count() == 0
