"""Intakes that can never be delivered as they are: an intake that breaks the schema never waits in the outbox,
and a permanent refusal (a 4xx other than 401/408/429/409) moves the entry to the dead letters, body kept
sealed, with an ERROR log line that carries no content. Everything else is retried."""

from __future__ import annotations

import json
import logging
import time

import pytest

from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings
from tests.bot.intakes import PERSONAL, valid_intake

INTAKES = "/api/v1/intakes"


def settings() -> DeliverySettings:
    return DeliverySettings.from_env()


def no_content_logged(caplog: pytest.LogCaptureFixture, *words: str) -> bool:
    return not any(word in record.getMessage() for record in caplog.records for word in (*PERSONAL, *words))


def test_an_intake_that_breaks_the_schema_is_never_pending(coach, caplog):
    intake = valid_intake("ONT-AAAAA2")
    intake["channel"] = "c" * 65  # the coach service would answer 422 to this for ever
    caplog.set_level(logging.INFO)

    webhook_id = delivery.enqueue(intake)

    assert delivery.pending_count() == 0
    assert not delivery.deliver_now(webhook_id).delivered
    assert coach.received == []
    [(dead_id, reason, _)] = outbox.dead_letters(settings().outbox_path)
    assert dead_id == webhook_id and reason == "schema properties/channel/maxLength"
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert error.getMessage() == f"intake {webhook_id} dead-lettered: schema properties/channel/maxLength"
    assert no_content_logged(caplog, "ccccc")


@pytest.mark.parametrize("status", [400, 404, 413, 422])
def test_a_permanent_refusal_makes_a_dead_letter_that_keeps_the_body(coach, caplog, status):
    coach.script[INTAKES] = [status]
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))

    result = delivery.deliver_now(webhook_id)

    assert not result.delivered and result.dead_lettered
    assert delivery.pending_count() == 0
    [(dead_id, reason, dead_at)] = outbox.dead_letters(settings().outbox_path)
    assert (dead_id, reason) == (webhook_id, f"status {status}") and dead_at == pytest.approx(time.time(), abs=5)
    assert f"intake {webhook_id} dead-lettered: status {status}" in caplog.messages
    assert no_content_logged(caplog)
    # Never posted again, however long the sender runs.
    assert delivery.Sender(clock=lambda: time.time() + 86400).run_once() == set()
    assert len(coach.to(INTAKES)) == 1


@pytest.mark.parametrize("status", [401, 408, 429, 500, 502, 503])
def test_a_passing_refusal_is_retried_with_backoff(coach, status):
    coach.script[INTAKES] = [status, status]
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))
    assert not delivery.deliver_now(webhook_id).delivered
    now = time.time()
    sender = delivery.Sender(clock=lambda: now + 1.5)

    assert sender.run_once() == set()  # due a second after the hand-off's attempt, refused again
    entry = outbox.get(webhook_id, settings().outbox_path)
    assert entry.attempts == 2 and entry.next_attempt_at == pytest.approx(now + 1.5 + 2)
    assert delivery.Sender(clock=lambda: now + 4).run_once() == {webhook_id}
    assert outbox.dead_letters(settings().outbox_path) == []


def test_an_admin_can_put_a_dead_letter_back(coach):
    coach.script[INTAKES] = [422]
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))
    delivery.deliver_now(webhook_id)

    delivery.main(["--requeue", webhook_id])

    assert outbox.dead_letters(settings().outbox_path) == []
    assert delivery.Sender(clock=time.time).run_once() == {webhook_id}
    first, second = coach.to(INTAKES)
    assert second.body == first.body and json.loads(second.body)["reference"] == "ONT-AAAAA2"
    assert second.headers["webhook-id"] == first.headers["webhook-id"] == webhook_id


def test_an_intake_without_a_reference_is_a_dead_letter_too(coach):
    intake = valid_intake("ONT-AAAAA2")
    del intake["reference"]

    webhook_id = delivery.enqueue(intake)

    assert delivery.pending_count() == 0
    [(dead_id, reason, _)] = outbox.dead_letters(settings().outbox_path)
    assert dead_id == webhook_id and reason == "schema required/reference"
