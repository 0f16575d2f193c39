"""How sure the need matcher is of each need (the `confidence_entity` of a `need` entity, the shared contract).

1.0 for a sure match; 0.5 (below 0.8, "unsure") for a match only through a typo or only through a weak, generic
word of the lexicon (`~ziek`, `~therapy`), which the dialogue confirms with the person instead of recording it.
"""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract
from bot.nlu.needs.rules import SURE, UNSURE


def confidences(text: str) -> dict[str, float]:
    return {mention.need: mention.confidence for mention in extract(text)}


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("I am homless", "housing"),
        ("ik heb een verslavnig", "addiction"),
    ],
)
def test_a_match_through_a_typo_is_unsure(text: str, need: str) -> None:
    assert confidences(text) == {need: UNSURE}


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("I am homeless", "housing"),
        ("ik heb een verslaving", "addiction"),
        ("имам депресия", "psychological"),
        ("قرض دارم", "financial_need"),
    ],
)
def test_a_match_of_the_words_themselves_is_sure(text: str, need: str) -> None:
    assert confidences(text) == {need: SURE}


@pytest.mark.parametrize(("text", "need"), [("I go to therapy", "psychological"), ("ik heb een handicap", "medical")])
def test_a_match_only_through_a_weak_word_is_unsure(text: str, need: str) -> None:
    assert confidences(text) == {need: UNSURE}


def test_one_sure_match_makes_the_need_sure() -> None:
    mentions = extract("I go to therapy because of my depression")
    assert [(m.need, m.confidence, m.text) for m in mentions] == [("psychological", SURE, "depression")]


def test_the_contract_threshold() -> None:
    assert SURE == 1.0 and UNSURE < 0.8


def test_the_rasa_component_passes_the_confidence_on() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.need_extractor import NeedExtractor

    message = Message(data={"text": "I am homless and I have debts"})
    NeedExtractor().process([message])
    assert {e["value"]: e["confidence_entity"] for e in message.get("entities")} == {
        "housing": UNSURE,
        "financial_need": SURE,
    }
