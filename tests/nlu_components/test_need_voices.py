"""The classes of the voices probe (issue 14, tests/nlu_components/probe_dari_voices/): Dari as five Afghan voices
type it, read so that a need, its negation, its time and whose need it is are found as in written Dari.
Each class: found; not found when denied, past or someone else's."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract
from bot.nlu.needs.kabuli import standard


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


def test_hazaragi_forms_have_their_standard_spelling():
    assert standard("موکنوم") == "میکنم" and standard("موزنه") == "میزند" and standard("موکنه") == "میکند"
    assert standard("نمیتنوم") == "نمیتوانم" and standard("نمیفاموم") == "نمیفهمم" and standard("نرفتوم") == "نرفتم"
    assert standard("ندروم") == "ندارم" and standard("استوم") == "هستم" and standard("غدر") == "خیلی"
    assert standard("ایجی") == "اینجا" and standard("شاو") == "شب" and standard("آبه") == "مادر"


def test_words_that_only_look_hazaragi_keep_their_spelling():
    # a car, a case, a mouse, second, tribe, which (Iranian), known; standard verbs whose stem ends in و.
    for word in ("موتر", "مورد", "موش", "دوم", "قوم", "کدوم", "معلوم", "مرحوم", "میروم", "نمیشوم", "میشنوم"):
        assert standard(word) == word


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("ایجی هیچ کس ره نمیشناسوم", "limited_network"),
        ("زبان هالندی ره هیچ نمیفاموم", "limited_dutch"),
        ("پیسه کرایه خانه ره ندروم", "financial_need"),
        ("شاو تا صبح بیدار استوم و روز خاو موکنوم", "day_night_rhythm"),
        ("خط و سواد ندروم", "literacy_digital"),
    ],
)
def test_a_need_typed_in_hazaragi_is_found(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("قبلا پیسه نداشتوم ولی حالی کار دروم", "financial_need"),
        ("رفیق مو هالندی ره نمیفامه، مو خوب گپ موزنوم", "limited_dutch"),
        ("کاکای مو غدر قرضدار است", "financial_need"),
    ],
)
def test_a_need_in_hazaragi_that_is_over_or_someone_elses_is_not_found(text: str, need: str):
    assert need not in _needs(text)
