"""Spoken forms (`spoken:` in a lexicon, bot/nlu/needs/lexicon.py): East Slovak and Roma Slovak words typed as they are
said are read as the written word, one word for one word, so that the terms of the written language find them; the
offsets of what was typed stay."""

from __future__ import annotations

import pytest

from bot.nlu.needs import Lexicon, extract, load_lexicons

LEXICONS = load_lexicons()


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text, LEXICONS)}


@pytest.mark.parametrize(
    ("said", "written", "need"),
    [
        ("ňemame dze bivac", "nemame kde byvat", "housing"),
        ("neznam čitac ani pisac", "neznam citat ani pisat", "literacy_digital"),
    ],
)
def test_a_spoken_slovak_form_finds_what_the_written_one_finds(said: str, written: str, need: str):
    assert need in _needs(written)
    assert need in _needs(said)


def test_the_evidence_is_what_was_typed():
    text = "mi ňemame dze bivac"
    [mention] = [m for m in extract(text, LEXICONS) if m.need == "housing"]
    assert text[mention.start : mention.end] == mention.text and "dze" in mention.text


def test_a_spoken_form_is_one_word_for_one_word():
    with pytest.raises(ValueError, match="one word each"):
        Lexicon.from_dict({"code": "sk", "spoken": {"dze": "kde je"}, "needs": {}})
