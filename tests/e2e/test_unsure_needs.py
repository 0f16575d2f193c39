"""Confirm, don't guess, against the real assistant: needs the extractor is unsure of are asked one at a time with
yes/no before "I understood: ... Is that right?", and the intake that reaches the coach service says what the
person answered (yes: reported with their words; no: not reported).

The weak matches are the extractor's own (bot/nlu/needs: a word that names a need only weakly, such as "stroke"
or "therapist", and a need found only through a typo, such as "schuldne"); the first lines of each test check that
the extractor still finds them so, so that a lexicon change shows here as such and not as a dialogue failure.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.nlu.needs.rules import extract
from tests.e2e.chat import Chat, pack, stored_intakes, without_progress
from tests.e2e.intake import IntakeScript
from tools.stack import Stack

pytestmark = pytest.mark.stack

# medical and psychological weak, financial need sure
ENGLISH_WORDS = "I want to clean offices. I had a stroke, I go to a therapist and I have debts"
# financial need weak (a typo), medical weak, limited network sure
DUTCH_WORDS = "Ik wil poetsen. Ik heb schuldne, ik had een beroerte en ik voel me eenzaam"


def found(words: str) -> list[tuple[str, bool]]:
    """(need, sure) in the order the extractor finds them."""
    return [(mention.need, mention.confidence >= 0.8) for mention in extract(words)]


def said_by_the_assistant(chat: Chat) -> list[str]:
    events = chat.tracker()["events"]
    return [without_progress(event["text"]) for event in events if event["event"] == "bot" and event.get("text")]


def stored(stack: Stack, reference: str) -> dict[str, Any]:
    return next(intake for intake in stored_intakes(stack.state_dir) if intake["reference"] == reference)


def test_one_unsure_need_confirmed_and_one_denied_reach_the_coach_as_the_person_said(live_stack):
    assert found(ENGLISH_WORDS) == [("medical", False), ("psychological", False), ("financial_need", True)]
    texts = pack("en")
    chat = Chat(live_stack.rasa_url)
    script = IntakeScript(
        chat,
        "en",
        {
            "contact_name": ("type", "Simon"),
            "contact_method": "come_by",
            "neighbourhood": "dampoort",
            "help_with": ["work"],
            "work_wish": ("type", ENGLISH_WORDS),
            "check_needs": {"medical": True, "psychological": False},
        },
    )
    reference = script.hold("button")

    # Each unsure need on its own, in the order the person wrote them; then the sure one read back alone.
    asked = script.asked[script.asked.index("work_wish") + 1 :]
    assert asked[:3] == ["check_need", "check_need", "confirm_needs"]
    assert script.checked == [
        texts["check_need"].replace("{need}", texts["need_medical"]),
        texts["check_need"].replace("{need}", texts["need_psychological"]),
    ]
    said = said_by_the_assistant(chat)
    assert texts["confirm_needs"].replace("{needs}", texts["need_financial_need"]) in said
    readback = next(text for text in said if text.startswith(texts["readback_intro"]))
    assert texts["need_medical"] in readback and texts["need_financial_need"] in readback
    assert texts["need_psychological"] not in readback

    intake = stored(live_stack, reference)
    assert intake["checklist"]["medical"] == "reported"
    assert intake["checklist"]["financial_need"] == "reported"
    assert intake["checklist"]["psychological"] == "not_reported"  # never asked by a question: the person's no
    needs = {need["id"]: need for need in intake["needs"]}
    assert needs["medical"] == {"id": "medical", "source": "text", "evidence": ENGLISH_WORDS, "question": "work_wish"}
    assert needs["financial_need"]["evidence"] == ENGLISH_WORDS
    assert "psychological" not in needs


def test_typed_yes_and_no_answer_the_unsure_needs(live_stack):
    assert found(DUTCH_WORDS) == [("financial_need", False), ("medical", False), ("limited_network", True)]
    texts = pack("nl")
    chat = Chat(live_stack.rasa_url)
    script = IntakeScript(
        chat,
        "nl",
        {
            "contact_name": ("type", "Mieke"),
            "contact_method": "come_by",
            "neighbourhood": "ledeberg",
            "help_with": ["work"],
            "work_wish": ("type", DUTCH_WORDS),
            "confirm_needs": False,  # the sure one ("eenzaam") is not what she meant either
        },
    )
    script.start("button")
    while (slot := script.current_question()) != "check_need":
        script.answer(slot)
    assert without_progress(chat.texts[-1]) == texts["check_need"].replace("{need}", texts["need_financial_need"])
    script.say("ja")
    assert without_progress(chat.texts[-1]) == texts["check_need"].replace("{need}", texts["need_medical"])
    script.say("nee")
    assert script.current_question() == "confirm_needs"
    reference = script.finish()

    intake = stored(live_stack, reference)
    assert intake["checklist"]["financial_need"] == "reported"
    assert intake["checklist"]["medical"] == "not_reported"
    assert intake["checklist"]["limited_network"] == "not_asked"  # denied in the read-back of the sure ones
    assert [need["id"] for need in intake["needs"] if need["source"] == "text"] == ["financial_need"]


# No lexicon term names this need: the trained model's example classifier finds it (bot/nlu/needs/similar.py).
PARAPHRASE = "I want to clean offices. i have to wear an ankle band until march"


def test_a_need_only_the_example_classifier_finds_is_asked_and_reaches_the_coach_when_confirmed(live_stack):
    assert found(PARAPHRASE) == []  # the lexicons alone find nothing
    texts = pack("en")
    chat = Chat(live_stack.rasa_url)
    script = IntakeScript(
        chat,
        "en",
        {
            "contact_name": ("type", "Ali"),
            "contact_method": "come_by",
            "neighbourhood": "rabot_blaisantvest",
            "help_with": ["work"],
            "work_wish": ("type", PARAPHRASE),
            "check_needs": {"justice": True},
        },
    )
    reference = script.hold("button")
    assert script.checked == [texts["check_need"].replace("{need}", texts["need_justice"])]
    intake = stored(live_stack, reference)
    assert intake["checklist"]["justice"] == "reported"
    needs = {need["id"]: need for need in intake["needs"]}
    assert needs["justice"] == {"id": "justice", "source": "text", "evidence": PARAPHRASE, "question": "work_wish"}
