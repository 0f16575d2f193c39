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
    assert standard("ایجی") == "اینجا" and standard("شاو") == "شب" and standard("ابه") == "مادر"


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


def test_a_relative_with_my_as_a_word_is_read_as_the_possessed_relative():
    # "مادر من" (my mother) and Hazaragi "آبه مو" as "مادرم": the relative's illness is family care, as written.
    assert _needs("مادر من فلج است") == {"family_care"}
    assert _needs("آبه مو فلج است") == {"family_care"}
    assert _needs("پدر من نابینا شده") == {"family_care"}
    # "پدر و مادر من" keeps its "پدر و مادرم".
    assert "family_care" in _needs("پدر و مادر من مریض هستند")
    # My own illness stays mine.
    assert _needs("من فلج هستم") == {"medical"}


@pytest.mark.parametrize(
    ("text", "need"),
    [
        # Iranian colloquial forms
        ("تو گنت هیچکی رو ندارم", "limited_network"),
        ("دوستام همه تو افغانستان موندن", "limited_network"),
        ("سر کلاس زبان هلندی هیچی حالیم نمیشه", "limited_dutch"),
        ("هر شب گل می‌کشم", "addiction"),
        ("عرق می‌خورم تا آروم بشم", "addiction"),
        ("از اداره‌ها خسته شدم، همه‌شون فقط قول میدن", "distrust"),
        ("من دیگه روی هیچ کس حساب نمی‌کنم، به اونا امیدی ندارم", "distrust"),
        ("پدرم از خانه بیرونم کرده", "housing"),
        ("پدرم از خانه بیرونم کرده", "family_relationships"),
        ("شوهرم همه پیام‌هایم را چک می‌کند", "family_relationships"),
        # residence: Dublin, no work permit, a visa run out
        ("کیس من دوبلین است", "residence_status"),
        ("اجازه کار ندارم", "residence_status"),
        ("ویزه کاری ام ختم شد", "residence_status"),
        # Dutch words and Latin Kabuli
        ("inja hich waqt werk nakadom", "limited_work_experience"),
        ("Nederlands khub yad nadaram", "limited_dutch"),
        ("e-box خود را باز کرده نمیتوانم", "literacy_digital"),
        ("زبان این کشور را هیچ نمیفهمم", "limited_dutch"),
        ("پسرم را کجا بگذارم که کار کنم؟", "childcare"),
        ("khanumam sakta kard, man tamam roz pishash hastam", "family_care"),
        ("لیفلون ما کفاف خرج را نمیکند", "financial_need"),
        ("از وقتی اینجا آمدم دلم خیلی تنگ است", "psychological"),
    ],
)
def test_a_need_of_a_voices_class_is_found(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    ("text", "need"),
    [
        # someone else's, over, denied
        ("قبلا هیچکی رو نداشتم، ولی حالا دوستای زیادی دارم", "limited_network"),
        ("رفیقم هر شب گل می‌کشد", "addiction"),
        ("قبلا عرق می‌خوردم ولی حالا پاک هستم", "addiction"),
        ("برادرم اجازه کار ندارد، من کار دارم", "residence_status"),
        ("موترم را کجا بگذارم؟", "childcare"),
        ("همسایه ام کور است", "medical"),
        ("قبلا معاشم کفاف کرایه را نمیکرد، حالا کار خوب دارم", "financial_need"),
        ("دل برادرم خیلی تنگ است", "psychological"),
        ("همسایه ام کور است", "family_care"),
        # the police feared in a message of distrust is no justice problem; going out is no eviction
        ("به مددکارها اعتماد ندارم، هر چه بگویم به پولیس می‌دهند", "justice"),
        ("بدون او از خانه بیرون نمی‌روم", "housing"),
        ("هر روز صبح از خانه بیرون میشم و قدم می‌زنم", "housing"),
    ],
)
def test_a_need_of_a_voices_class_is_not_found_when_denied_past_or_someone_elses(text: str, need: str):
    assert need not in _needs(text)


def test_the_police_are_still_a_justice_problem_without_distrust():
    assert _needs("پولیس مرا گرفت و فردا محکمه دارم") == {"justice"}
    assert "justice" in _needs("پلیس دنبالم است")
