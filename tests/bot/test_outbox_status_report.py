"""The outbox's status report for admins: signed like an intake (a fresh webhook id each time), sent at start-up,
every minute and right after a dead letter; a report that does not get through is only noted at debug level."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from unittest.mock import ANY

import pytest

from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings, sign
from tests.bot.intakes import valid_intake

STATUS = "/api/v1/outbox-status"
INTAKES = "/api/v1/intakes"


class Clock:
    def __init__(self) -> None:
        self.started = self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def coach(coach):
    """The shared scripted coach (tests/bot/conftest.py), with the status reports recorded."""
    coach.script[STATUS] = []
    return coach


def reports(coach) -> list[dict]:
    return [json.loads(request.body) for request in coach.to(STATUS)]


def test_a_signed_report_at_start_up_and_every_minute(coach):
    coach.default = 204
    clock = Clock()
    sender = delivery.Sender(clock=clock, sleep=clock.sleep)

    sender.run_forever(until=lambda: clock.now - clock.started >= 150)

    requests = coach.to(STATUS)
    assert len(requests) == 3  # at 0, 60 and 120 s
    secret = DeliverySettings.from_env().secret
    for request in requests:
        headers = request.headers
        assert headers["webhook-id"].startswith("msg_") and headers["content-type"] == "application/json"
        expected = sign(secret, headers["webhook-id"], int(headers["webhook-timestamp"]), request.body)
        assert headers["webhook-signature"] == expected
    assert len({request.headers["webhook-id"] for request in requests}) == 3
    first, second, _ = reports(coach)
    assert first == {
        "pending": 0,
        "dead_letters": 0,
        "oldest_pending_seconds": None,
        "reported_at": first["reported_at"],
    }
    reported = [datetime.fromisoformat(report["reported_at"]) for report in (first, second)]
    assert all(moment.utcoffset().total_seconds() == 0 for moment in reported)
    assert (reported[1] - reported[0]).total_seconds() == pytest.approx(60, abs=1)


def test_the_report_counts_what_waits_and_how_long(coach):
    coach.script[INTAKES] = [503, 503]
    for reference in ("ONT-AAAAA2", "ONT-BBBBB3"):
        delivery.deliver_now(delivery.enqueue(valid_intake(reference)))
    clock = Clock()
    clock.now += 90

    delivery.Sender(clock=clock).report_if_due()

    [report] = reports(coach)
    assert report["pending"] == 2 and report["dead_letters"] == 0
    assert report["oldest_pending_seconds"] == pytest.approx(90, abs=2)


def test_a_dead_letter_is_reported_at_once(coach):
    clock = Clock()
    sender = delivery.Sender(clock=clock, sleep=clock.sleep)
    sender.report_if_due()  # the start-up report
    coach.script[INTAKES] = [422]
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))
    outbox.schedule(webhook_id, 0, 0, DeliverySettings.from_env().outbox_path)
    clock.now += 5

    sender.run_forever(until=lambda: len(coach.to(STATUS)) == 2 or clock.now - clock.started > 30)

    report = reports(coach)[-1]
    assert datetime.fromisoformat(report["reported_at"]).timestamp() == pytest.approx(clock.started + 5, abs=1)
    assert report == {"pending": 0, "dead_letters": 1, "oldest_pending_seconds": None, "reported_at": ANY}


def test_a_dead_letter_at_the_hand_off_nudges_the_sender_to_report(coach, monkeypatch):
    sender = delivery.Sender(clock=time.time)
    sender.report_if_due()
    monkeypatch.setattr(delivery, "_sender", sender)
    coach.script[INTAKES] = [400]

    delivery.deliver_now(delivery.enqueue(valid_intake("ONT-AAAAA2")))
    sender.report_if_due()

    assert [report["dead_letters"] for report in reports(coach)] == [0, 1]


@pytest.mark.parametrize("coach_answer", [404, 500, None])
def test_a_report_that_does_not_get_through_is_only_a_debug_line(coach, caplog, monkeypatch, coach_answer):
    caplog.set_level(logging.DEBUG)
    if coach_answer is None:
        monkeypatch.setenv("ONTHAAL_COACH_URL", "http://127.0.0.1:9")
    else:
        coach.script[STATUS] = [coach_answer]
    clock = Clock()
    sender = delivery.Sender(clock=clock, sleep=clock.sleep)

    sender.run_forever(until=lambda: clock.now - clock.started >= 1)

    assert {record.levelname for record in caplog.records} == {"DEBUG"}
    [ours] = [record.getMessage() for record in caplog.records if record.name.startswith("bot.")]
    assert ours.startswith("outbox status report")
