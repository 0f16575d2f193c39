"""Inflected forms (bot/nlu/needs/morphology.py): a lexicon word meets its articles, plurals and possessives."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract
from bot.nlu.needs.morphology import base_forms


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


@pytest.mark.parametrize(
    ("word", "code", "base"),
    [
        ("холандският", "bg", "холандски"),
        ("къщата", "bg", "къща"),
        ("парите", "bg", "пари"),
        ("диабетът", "bg", "диабет"),
        ("нямаме", "bg", "няма"),
        ("kvartirata", "bg", "kvartira"),
        ("holandskiqt", "bg", "holandski"),
        ("پولم", "prs", "پول"),
        ("قرضهایم", "prs", "قرض"),
        ("خانهام", "prs", "خانه"),
        ("بخانه", "prs", "خانه"),
        # The Kabuli plural in -ا, -ای ("اولادا", "اولادای مه").
        ("اولادا", "prs", "اولاد"),
        ("قرضای", "prs", "قرض"),
        ("exekuciach", "sk", "exekuci"),
        ("chiria", "ro", "chirie"),
        ("banii", "ro", "bani"),
    ],
)
def test_a_typed_form_is_read_without_its_ending(word: str, code: str, base: str):
    assert base in base_forms(word, code)


@pytest.mark.parametrize(
    ("word", "code"),
    [
        # Dari verbs keep their person: "نکرده‌ام" (I have not done) is not "نکرده" (has not done).
        ("نکردهام", "prs"),
        ("میخوابم", "prs"),
        ("نمیتوانم", "prs"),
        # Short words stay whole; other languages' words are not read with these endings.
        ("ни", "bg"),
        ("place", "en"),
        ("schulden", "nl"),
    ],
)
def test_words_that_are_not_inflected_forms_keep_their_ending(word: str, code: str):
    forms = base_forms(word, code)
    if word.startswith(("می", "نمی")):
        assert forms == set()
    else:
        assert not any(len(form) < 3 for form in forms)
    if code in ("en", "nl"):
        assert forms == set()
    if word == "نکردهام":
        assert "نکرده" not in forms


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("диабетът ми е лош", "medical"),
        ("پولهایم تمام شد", "financial_need"),
        ("کرایهام را داده نمیتوانم", "financial_need"),
        ("اعتیادم مرا خراب کرد", "addiction"),
        ("به مکتبم نرفتم", "low_education"),
        ("قرضا دارم", "financial_need"),
    ],
)
def test_an_inflected_form_of_a_lexicon_word_marks_its_need(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    ("text", "need"),
    [
        # The lexicon's negation still reaches an inflected form.
        ("нямам дългове", "financial_need"),
        ("هیچ قرضهایی ندارم", "financial_need"),
        ("قرضا ندارم", "financial_need"),
        ("با قرضهایم مشکلی ندارم", "financial_need"),
        # A Dari verb with another person is another statement ("I never worked" is no distrust).
        ("هیچ وقت کار نکرده‌ام", "distrust"),
        # "آسم" (asthma) folds to "اسم" (name): "my name is" is no illness.
        ("اسمم فریده است", "medical"),
        ("اسم من فریده است", "medical"),
    ],
)
def test_inflection_adds_no_need_that_is_not_there(text: str, need: str):
    assert need not in _needs(text)
