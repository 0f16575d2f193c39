"""Bulgarian in Latin letters (bot/nlu/needs/latin.py): the Cyrillic terms of the Bulgarian lexicon are also
matched in the spellings people type on a foreign keyboard."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract
from bot.nlu.needs.latin import latin_spellings


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


def test_a_term_gets_the_official_and_the_chat_spellings():
    spellings = latin_spellings("жилище")
    assert "zhilishte" in spellings and "jilishte" in spellings
    assert {"yasla", "qsla", "iasla"} <= set(latin_spellings("ясла"))
    assert {"dalgove", "dulgove"} <= set(latin_spellings("дългове"))
    assert latin_spellings("~болница") and all(s.startswith("~") for s in latin_spellings("~болница"))
    assert "nyamam ... pari" in latin_spellings("нямам ... пари")


def test_latin_terms_and_short_words_get_no_other_spelling():
    assert latin_spellings("nqmam pari") == []
    assert latin_spellings("дом") == []
    assert latin_spellings("ток") == []
    assert latin_spellings("нямам ток")


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("imam samo nachalno obrazovanie", "low_education"),
        ("iskam da se samoubiq", "psychological"),
        ("ne moga da platq naema, moje da ni izgonqt", "housing"),
    ],
)
def test_a_bulgarian_term_typed_in_latin_letters_marks_its_need(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    ("text", "need"),
    [
        # The lexicon's Latin negation words deny the Latin spellings too.
        ("nyamam dalgove", "financial_need"),
        ("nqmam problem s alkohola", "addiction"),
    ],
)
def test_a_latin_spelling_is_negated_like_its_term(text: str, need: str):
    assert need not in _needs(text)
