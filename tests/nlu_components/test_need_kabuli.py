"""Kabuli colloquial Dari (bot/nlu/needs/kabuli.py): the spoken forms Afghans type ("مه", "استم", "نیس", "کده",
"نمیتانم", "نمیفامم", "میکنه") are read in their standard spelling, in the lexicon, the context cues and the
message alike, so that a need, its negation and whose need it is are found as in written Dari."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract
from bot.nlu.needs.dari_latin import canonical, canonical_source
from bot.nlu.needs.kabuli import standard


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


def test_spoken_forms_have_their_standard_spelling():
    assert standard("مه") == "من" and standard("ره") == "را" and standard("مره") == "مرا"
    assert standard("استم") == "هستم" and standard("اس") == "است" and standard("نیس") == "نیست"
    assert standard("کده") == "کرده" and standard("نکدم") == "نکردم" and standard("خاو") == "خواب"
    assert standard("نمیتانم") == "نمیتوانم" and standard("میتانی") == "میتوانی" and standard("نمیتانه") == "نمیتواند"
    assert standard("نمیفامم") == "نمیفهمم" and standard("میفامن") == "میفهمند"
    assert standard("نمیخایم") == "نمیخواهم" and standard("میخام") == "میخواهم"
    assert standard("میکنه") == "میکند" and standard("میکنن") == "میکنند" and standard("نداره") == "ندارد"


def test_nouns_and_other_scripts_keep_their_spelling():
    # "نشه" (drugged) is not "نشود", fruit and a square are no verbs; Latin words are `dari_latin`'s.
    for word in ("نشه", "میوه", "میدان", "میلیون", "خانه", "پیسه", "ma", "re", "is"):
        assert standard(word) == word
    assert canonical("استم") == "هستم" and canonical("hastom") == canonical("hastam")
    # A stem of the lexicon (`word*`) is read the same way as the words it matches.
    assert canonical_source("کار سنگین کده نمیتان*") == "کار سنگین کرده نمیتوان*"
    assert canonical_source("نمیت*") == "نمیت*"


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("زبان هالندی ره هیچ نمیفامم", "limited_dutch"),
        ("هالندی گپ زده نمیتانم", "limited_dutch"),
        ("خط خانده نمیتانم", "literacy_digital"),
        ("کسی ره اینجه نمیشناسم", "limited_network"),
        ("قرضدار استم", "financial_need"),
        ("مه همیشه نشه استم", "addiction"),
        ("همیشه جگرخون استم", "psychological"),
        ("دلم بسیار تنگ اس", "psychological"),
        ("دق آوردیم", "psychological"),
        ("تذکره ندارم", "residence_status"),
        ("مه در محبس بودم", "justice"),
        ("برادر مه مریض اس و خدمتش ره میکنم", "family_care"),
        ("نمیخایم زنده باشم", "psychological"),
        ("میخایم بمیرم", "psychological"),
    ],
)
def test_a_need_typed_in_kabuli_dari_is_found(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    "text",
    [
        # Colloquial negation: "نیس", "نیستُم" (with its vowel mark), "نداره".
        "پیسه مشکل نیس",
        "قرضدار نیستُم",
        "جگرخون نیستم",
        "هالندی ره خوب میفامم",
        "مه میخایم در آشپزخانه کار کنم",
        # Someone else's: a friend ("رفیق"), our neighbour ("همسایه ما": "ما" is a possessive, not the subject).
        "رفیقم در محبس اس",
        "همسایه ما همیشه نشه اس",
        "برادر مه در محبس اس",
        # Over: in the camp before, now a home of their own ("حالی" = now).
        "قبلا در کمپ بودیم، حالی خانه خود ره داریم",
    ],
)
def test_no_need_when_kabuli_dari_denies_it_or_it_is_someone_elses(text: str):
    assert _needs(text) == set()


def test_me_after_someone_elses_word_is_a_possessive_only_right_after_it():
    # "برادرم در محبس اس، مه نی" keeps the brother as the subject; "مه" after a break is the person again.
    assert "justice" not in _needs("برادر مه در محبس اس")
    assert "justice" in _needs("برادرم کار میکنه، مه در محبس بودم")
