"""The same hand-off repeated (a Rasa replica died after the intake left, the widget resent the message to another
one): the same webhook id, reference and status code, so the real coach service stores one intake and the person
is told the same thing twice. A hand-off of another message, or without a message id, gets new ids."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import MESSAGE_ID_KEY, ActionSubmitIntake, ActionTalkToPerson
from bot.channels import chat_requests
from bot.delivery import delivery
from bot.delivery.handoff_ids import changed_reference, handoff_ids
from tests.bot.coach_doubles import CoachService, new_secret
from tests.bot.conftest import DOMAIN, make_tracker

ANSWERS = {"language": "bg", "consent": True, "contact_name": "Ivana", "contact_method": "social_worker"}


@pytest.fixture
def to_real_coach(real_coach, monkeypatch, tmp_path) -> CoachService:
    coach, secret = real_coach
    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(tmp_path / "outbox.sqlite3"))
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "off")
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
    return coach


async def told(action, tracker) -> dict:
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    return message


def test_the_channels_and_the_hand_off_name_the_message_id_alike():
    assert MESSAGE_ID_KEY == chat_requests.MESSAGE_ID_KEY


def test_ids_follow_the_conversation_and_the_message_and_the_secret():
    secret = new_secret()
    first = handoff_ids(secret, "web-1", "m-1")
    assert handoff_ids(secret, "web-1", "m-1") == first
    others = [
        handoff_ids(secret, "web-1", "m-2"),
        handoff_ids(secret, "web-2", "m-1"),
        handoff_ids(new_secret(), "web-1", "m-1"),
        handoff_ids(secret, "web-1", None),
        handoff_ids(secret, "web-1", None),
    ]
    for other in others:
        assert other.webhook_id != first.webhook_id and other.reference != first.reference
    assert first.reference.startswith("ONT-") and len(first.status_code) == 6 and first.status_code.isdigit()
    assert first.webhook_id.startswith("msg_") and len(first.webhook_id) == 36
    assert changed_reference(secret, first.webhook_id) == changed_reference(secret, first.webhook_id)
    assert changed_reference(secret, first.webhook_id)[1] != first.reference


@pytest.mark.parametrize("action", [ActionSubmitIntake, ActionTalkToPerson])
async def test_the_same_message_handing_off_twice_makes_one_intake(to_real_coach, action):
    before = to_real_coach.stored_references()
    tracker = make_tracker("/confirm", "confirm", metadata={MESSAGE_ID_KEY: f"id-{action.__name__}"}, **ANSWERS)

    first = await told(action, tracker)
    again = await told(action, tracker)

    new = sorted(set(to_real_coach.stored_references()) - set(before))
    assert new == [first["reference"]]
    assert (again["reference"], again["code"]) == (first["reference"], first["code"])
    assert delivery.pending_count() == 0


async def test_another_message_or_none_hands_off_a_new_intake(to_real_coach):
    before = to_real_coach.stored_references()
    told_references = []
    for metadata in ({MESSAGE_ID_KEY: "id-a"}, {MESSAGE_ID_KEY: "id-b"}, {}, {}):
        tracker = make_tracker("/confirm", "confirm", metadata=metadata, **ANSWERS)
        told_references.append((await told(ActionSubmitIntake, tracker))["reference"])

    assert len(set(told_references)) == 4
    assert sorted(set(to_real_coach.stored_references()) - set(before)) == sorted(told_references)
