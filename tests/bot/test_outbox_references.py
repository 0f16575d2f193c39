"""A reference the coach service finds taken (409): the intake gets a new reference under a new webhook id, in one
replacement of its outbox row; at the hand-off the person is told the new reference, later only a log line
(without any reference) says it changed."""

from __future__ import annotations

import json
import re
import time

import pytest

from bot.actions.handoff import ActionSubmitIntake, ActionTalkToPerson
from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings
from tests.bot.conftest import DOMAIN, make_tracker
from tests.bot.intakes import valid_intake

INTAKES = "/api/v1/intakes"
REFERENCE = re.compile(r"ONT-[23456789A-Z]{6}")
ANSWERS = {"language": "ro", "consent": True, "contact_name": "Rustov", "contact_method": "social_worker"}


def posted(coach) -> list[tuple[str, dict]]:
    return [(request.headers["webhook-id"], json.loads(request.body)) for request in coach.to(INTAKES)]


@pytest.mark.parametrize(
    ("action", "response"), [(ActionSubmitIntake, "utter_submitted"), (ActionTalkToPerson, "utter_handed_over")]
)
async def test_at_the_hand_off_the_person_is_told_the_new_reference(coach, dispatcher, action, response):
    coach.script[INTAKES] = [409]

    await action().run(dispatcher, make_tracker("/confirm", "confirm", **ANSWERS), DOMAIN)

    (first_id, first), (second_id, second) = posted(coach)
    assert second_id != first_id and second["reference"] != first["reference"]
    assert {**second, "reference": first["reference"]} == first  # the same intake, only the reference changed
    [message] = dispatcher.messages
    assert message["response"] == response and message["reference"] == second["reference"]
    assert delivery.pending_count() == 0


async def test_a_new_reference_that_cannot_be_delivered_yet_is_the_one_told(coach, dispatcher):
    coach.script[INTAKES] = [409, 503]

    await ActionSubmitIntake().run(dispatcher, make_tracker("/confirm", "confirm", **ANSWERS), DOMAIN)

    (_, first), (second_id, second) = posted(coach)
    [message] = dispatcher.messages
    assert message["response"] == "utter_submit_delayed" and message["reference"] == second["reference"]
    waiting = outbox.get(second_id, DeliverySettings.from_env().outbox_path)
    assert waiting.reference == second["reference"] and delivery.pending_count() == 1


def test_in_the_background_the_row_is_replaced_and_the_log_names_no_reference(coach, caplog):
    coach.script[INTAKES] = [503, 409, 503]
    old_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))
    delivery.deliver_now(old_id)
    settings = DeliverySettings.from_env()
    later = time.time() + 2

    assert delivery.Sender(clock=lambda: later).run_once() == set()  # 409, then 503 for the new reference

    (_, _), (_, _), (new_id, body) = posted(coach)
    assert new_id != old_id and body["reference"] != "ONT-AAAAA2"
    assert outbox.get(old_id, settings.outbox_path) is None
    entry = outbox.get(new_id, settings.outbox_path)
    assert entry.reference == body["reference"] and entry.attempts == 2  # the retry schedule goes on
    assert json.loads(outbox.unseal(entry.body, settings.secret)) == body
    assert delivery.pending_count() == 1
    assert f"intake {old_id}: reference reassigned, now intake {new_id}" in caplog.messages
    assert not any(REFERENCE.search(record.getMessage()) for record in caplog.records)

    assert delivery.Sender(clock=lambda: later + 10).run_once() == {new_id}
    assert delivery.pending_count() == 0


def test_an_entry_replaced_meanwhile_is_not_replaced_twice(coach):
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))
    settings = DeliverySettings.from_env()
    assert outbox.replace(webhook_id, "msg_other", "ONT-BBBBB3", "sealed", settings.outbox_path)
    assert not outbox.replace(webhook_id, "msg_third", "ONT-CCCCC4", "sealed", settings.outbox_path)
    assert delivery.pending_count() == 1


def test_a_reference_taken_again_and_again_waits_for_the_backoff(coach):
    coach.default = 409
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))

    result = delivery.deliver_now(webhook_id)

    assert not result.delivered and len(coach.to(INTAKES)) == delivery.MAX_REFERENCE_CHANGES
    assert delivery.pending_count() == 1
    assert outbox.get(result.webhook_id, DeliverySettings.from_env().outbox_path).attempts == 1
