"""Confirm, don't guess, against the real assistant: needs the extractor is unsure of are asked one at a time with
yes/no before "I understood: ... Is that right?", and the intake that reaches the coach service says what the
person answered (yes: reported with their words; no: not reported).

Weak matches come from tests/e2e/weak_needs/sitecustomize.py, which marks the words in WEAK_WORDS weak in the Rasa
server's parse (the extractor gives every match confidence 1.0 until it tells weak ones apart: issue 14); this
stack is started with it on its PYTHONPATH, so the other end-to-end tests keep the plain extractor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MODEL, free_port
from tests.e2e.chat import Chat, pack, stored_intakes, without_progress
from tests.e2e.intake import IntakeScript
from tools.stack import Stack

pytestmark = pytest.mark.stack

WEAK_NEEDS_PATCH = Path(__file__).resolve().parent / "weak_needs"
WEAK_WORDS = ("sleep bad", "lonley", "slaap slecht", "eenzaam")
ENGLISH_WORDS = "I want to clean offices. I have debts, I sleep bad and I feel lonley"
DUTCH_WORDS = "Ik wil poetsen. Ik heb schulden, ik slaap slecht en ik voel me eenzaam"


@pytest.fixture(scope="module")
def weak_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    stack = Stack(
        state_dir=tmp_path_factory.mktemp("weak-stack"),
        rasa_port=free_port(),
        actions_port=free_port(),
        coach_port=free_port(),
        model=MODEL,
        extra_env={
            "PYTHONPATH": f"{WEAK_NEEDS_PATCH}:{MODEL.parents[2]}",
            "ONTHAAL_TEST_WEAK_NEED_WORDS": "|".join(WEAK_WORDS),
        },
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def said_by_the_assistant(chat: Chat) -> list[str]:
    events = chat.tracker()["events"]
    return [without_progress(event["text"]) for event in events if event["event"] == "bot" and event.get("text")]


def stored(stack: Stack, reference: str) -> dict[str, Any]:
    return next(intake for intake in stored_intakes(stack.state_dir) if intake["reference"] == reference)


def test_one_unsure_need_confirmed_and_one_denied_reach_the_coach_as_the_person_said(weak_stack):
    texts = pack("en")
    chat = Chat(weak_stack.rasa_url)
    script = IntakeScript(
        chat,
        "en",
        {
            "contact_name": ("type", "Simon"),
            "contact_method": "come_by",
            "neighbourhood": "dampoort",
            "help_with": ["work"],
            "work_wish": ("type", ENGLISH_WORDS),
            "check_needs": {"day_night_rhythm": True, "limited_network": False},
        },
    )
    reference = script.hold("button")

    # Each unsure need on its own, in the order the person wrote them; then the sure one read back alone.
    asked = script.asked[script.asked.index("work_wish") + 1 :]
    assert asked[:3] == ["check_need", "check_need", "confirm_needs"]
    assert script.checked == [
        texts["check_need"].replace("{need}", texts["need_day_night_rhythm"]),
        texts["check_need"].replace("{need}", texts["need_limited_network"]),
    ]
    said = said_by_the_assistant(chat)
    assert texts["confirm_needs"].replace("{needs}", texts["need_financial_need"]) in said
    readback = next(text for text in said if text.startswith(texts["readback_intro"]))
    assert texts["need_day_night_rhythm"] in readback and texts["need_financial_need"] in readback
    assert texts["need_limited_network"] not in readback

    intake = stored(weak_stack, reference)
    assert intake["checklist"]["day_night_rhythm"] == "reported"
    assert intake["checklist"]["financial_need"] == "reported"
    assert intake["checklist"]["limited_network"] == "not_reported"  # never asked by a question: the person's no
    needs = {need["id"]: need for need in intake["needs"]}
    assert needs["day_night_rhythm"] == {
        "id": "day_night_rhythm",
        "source": "text",
        "evidence": ENGLISH_WORDS,
        "question": "work_wish",
    }
    assert needs["financial_need"]["evidence"] == ENGLISH_WORDS
    assert "limited_network" not in needs


def test_typed_yes_and_no_answer_the_unsure_needs(weak_stack):
    texts = pack("nl")
    chat = Chat(weak_stack.rasa_url)
    script = IntakeScript(
        chat,
        "nl",
        {
            "contact_name": ("type", "Mieke"),
            "contact_method": "come_by",
            "neighbourhood": "ledeberg",
            "help_with": ["work"],
            "work_wish": ("type", DUTCH_WORDS),
            "confirm_needs": False,  # the sure one ("schulden") is not what she meant either
        },
    )
    script.start("button")
    while (slot := script.current_question()) != "check_need":
        script.answer(slot)
    assert without_progress(chat.texts[-1]) == texts["check_need"].replace("{need}", texts["need_day_night_rhythm"])
    script.say("ja")
    assert without_progress(chat.texts[-1]) == texts["check_need"].replace("{need}", texts["need_limited_network"])
    script.say("nee")
    assert script.current_question() == "confirm_needs"
    reference = script.finish()

    intake = stored(weak_stack, reference)
    assert intake["checklist"]["day_night_rhythm"] == "reported"
    assert intake["checklist"]["limited_network"] == "not_reported"
    assert intake["checklist"]["financial_need"] == "not_asked"  # denied in the read-back of the sure ones
    assert [need["id"] for need in intake["needs"] if need["source"] == "text"] == ["day_night_rhythm"]
