"""The one normaliser (bot/normalise.py): the ways people type one word become one string."""

from __future__ import annotations

import pytest

from bot.normalise import fold, fold_in_place, words


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("Nemám DLHY", "nemam dlhy"),
        ("Nu mai vreau să trăiesc", "nu mai vreau sa traiesc"),
        ("Не искам", "не искам"),
        ("مشكلي", "مشکلی"),  # Arabic kaf and yeh, Persian keheh and yeh
        ("خانة", "خانه"),  # teh marbuta
        ("خانە", "خانه"),  # Kurdish/Uyghur ae typed for heh
        ("خـــانه", "خانه"),  # tatweel
        ("نمی\u200cتوانم", "نمیتوانم"),  # zero-width non-joiner
        ("۱۲۳", "123"),  # Persian digits
        ("١٢٣", "123"),  # Arabic-Indic digits
        ("أحمد", "احمد"),  # hamza on alef
        ("پائین", "پایین"),  # hamza on yeh
        ("مَن", "من"),  # a vowel mark
    ],
)
def test_fold_makes_variants_equal(typed: str, same_as: str) -> None:
    assert fold(typed) == fold(same_as) == same_as


def test_fold_can_keep_diacritics() -> None:
    assert fold("Nemám ĽUDÍ", keep_diacritics=True) == "nemám ľudí"
    assert fold("مشكل", keep_diacritics=True) == "مشکل"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Ik wil -- stoppen!! ", "ik wil stoppen"),
        ("don't_know", "don t know"),
        ("نمی خواهم", "نمیخواهم"),  # a Dari verb prefix typed with a space
        ("نمی\u200cخواهم", "نمیخواهم"),
        ("بی پول", "بیپول"),
        ("خانه ها", "خانهها"),
        ("نه می", "نه می"),  # a lone می at the end is not a prefix
    ],
)
def test_words(typed: str, expected: str) -> None:
    assert words(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Ionuț Popescu", "ionut popescu"),
        ("Меня", "меня"),
        ("مشكلي", "مشکلی"),
        ("نمی\u200cتوانم", "نمی توانم"),  # the non-joiner keeps its place as a space
        ("خـانه", "خ انه"),
        ("I’m O`Neil", "i'm o'neil"),
        ("İstanbul", "istanbul"),  # lower() of İ is two characters: the letter keeps its place
        ("۰۴۷۰", "0470"),
    ],
)
def test_fold_in_place_folds_one_character_for_one(typed: str, expected: str) -> None:
    folded = fold_in_place(typed)
    assert folded == expected
    assert len(folded) == len(typed)


def test_fold_in_place_agrees_with_fold_on_words_without_joiners() -> None:
    for text in ["Nemám DLHY", "Nu mai vreau să trăiesc", "Не искам", "مشكلي", "أحمد", "پائین", "۱۲۳"]:
        assert fold_in_place(text) == fold(text)
