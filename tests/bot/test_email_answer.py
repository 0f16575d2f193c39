"""An e-mail address typed as the contact detail: read in linear time, whatever the person types."""

from __future__ import annotations

import time

import pytest

from bot.actions.intake_form import ValidateIntakeForm
from bot.intake.answers import EMAIL_PATTERN, looks_like_email
from tests.bot.conftest import DOMAIN, make_tracker, responses

EMAIL_ASKED = {"language": "en", "consent": True, "requested_slot": "contact_detail", "contact_method": "email"}
# Inputs that made the old pattern backtrack quadratically (each dot restarted a scan to the end).
PATHOLOGICAL = {
    "dotted domain, then a space": "a@" + "a." * 15_000 + " ",
    "dots, then a second @": "a@" + ".a" * 15_000 + "@",
    "only dots": "a@" + "." * 30_000 + " ",
}


@pytest.mark.parametrize("typed", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_the_email_check_is_linear_on_pathological_input(typed):
    started = time.perf_counter()
    assert not looks_like_email(typed)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("typed", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_the_pattern_alone_is_linear_too(typed):
    """Not only the length check: raising the length limit must not bring the backtracking back."""
    started = time.perf_counter()
    assert EMAIL_PATTERN.fullmatch(typed) is None
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("milena@gmail.com", True),
        ("m.petrova+werk@mail.example.be", True),
        ("ion@posta.ro", True),
        ("milena at gmail", False),
        ("milena@gmail", False),
        ("milena@gmail.c", False),
        ("mi lena@gmail.com", False),
        ("milena@@gmail.com", False),
        ("milena@gmail..com", False),
        ("@gmail.com", False),
    ],
)
def test_email_addresses_as_people_write_them(typed, valid):
    assert looks_like_email(typed) is valid


async def test_a_30000_character_answer_to_the_email_question_is_refused_at_once(dispatcher):
    typed = "a@" + ".a" * 14_998 + "a@"  # no whitespace: the form reads it as typed
    assert len(typed) == 30_000
    tracker = make_tracker(typed, "nlu_fallback", **EMAIL_ASKED)
    started = time.perf_counter()
    events = await ValidateIntakeForm().run(dispatcher, tracker, DOMAIN)
    assert time.perf_counter() - started < 0.5
    assert {"event": "slot", "name": "contact_detail", "value": None} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events
    ]
    assert responses(dispatcher) == ["utter_invalid_email"]


async def test_a_valid_email_is_the_answer(dispatcher):
    tracker = make_tracker("milena@gmail.com", "nlu_fallback", **EMAIL_ASKED)
    events = await ValidateIntakeForm().run(dispatcher, tracker, DOMAIN)
    assert {event["name"]: event["value"] for event in events}["contact_detail"] == "milena@gmail.com"
