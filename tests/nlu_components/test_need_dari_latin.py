"""Dari in Latin letters (bot/nlu/needs/dari_latin.py): the Latin words of the Dari lexicon and of a message are
read in one canonical spelling, so the spelling variants people type all match."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract
from bot.nlu.needs.dari_latin import canonical, canonical_source


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


def test_spelling_variants_have_one_canonical_spelling():
    assert canonical("khana") == canonical("khane") == canonical("xana") == canonical("khanah") == canonical("khaneh")
    assert canonical("nadaram") == canonical("nadarom") == canonical("nadarum") == canonical("nadaaram")
    assert canonical("hastom") == canonical("hastam") and canonical("kum") == "kum"
    assert canonical("qarz") == canonical("gharz")
    assert canonical("bemar") == canonical("bimar")
    assert canonical("kaar") == canonical("kar") and canonical("hollandi") == canonical("holandi")
    assert canonical("pool") == canonical("pul") and canonical("paysa") == canonical("paisa")
    assert canonical("kerayah") == canonical("kiraya") == canonical("keraye")
    assert canonical("vazifa") == canonical("wazifa")


def test_perso_arabic_words_and_stems_keep_their_spelling():
    assert canonical("خانه") == "خانه"
    assert canonical_source("~mariz") == "~mariz"
    # The stem of `word*` is not a word's end: its final -e is not read as -a.
    assert canonical_source("khane* ... nadarom") == "khani* ... nadaram"
    assert canonical_source("ندارم ... xana") == "ندارم ... khana"


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("xane nadarom", "housing"),
        ("khanah nadarum", "housing"),
        ("ma ra birun mekunan", "housing"),
        ("pool nadarum", "financial_need"),
        ("gharzdar hastam", "financial_need"),
        ("paysa kam daram", "financial_need"),
        ("bemar hastam", "medical"),
        ("dawa mekhoram har roz", "medical"),
        ("zabaan hollandi balad nistom", "limited_dutch"),
        ("tanhaa hastum", "limited_network"),
        ("kasi ra namishnasum", "limited_network"),
        ("holandi nemidanom", "limited_dutch"),
        ("afsurda hastum", "psychological"),
        # The lexicon has "gham darum"; -am, -om, -um are one ending.
        ("gham daram", "psychological"),
        ("wazifa nadashtam", "limited_work_experience"),
        ("kodakistan nadaram", "childcare"),
        ("eqamat nadarom", "residence_status"),
        ("shawharam mara lat o kob mekona", "family_relationships"),
        ("heroin mekasham", "addiction"),
        ("tariyak mekasham", "addiction"),
    ],
)
def test_dari_typed_in_latin_letters_marks_its_need(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    "text",
    [
        "mushkil-e khana nadaram",
        "moshkel khane nadarom",
        "qarz nadaram",
        "gharz nadarom",
        "hich qarz nadarum",
        "bemari nadaram",
    ],
)
def test_dari_negation_in_latin_letters_cancels_the_need(text: str):
    assert _needs(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "I have a bad day but the car is fine",
        "My name is Karim and I like football",
        "She went home by bus yesterday",
        "Ik heb een huis en een auto",
        "Mijn naam is Ahmad, ik kom uit Kabul",
        "Nu am nicio problemă, mulțumesc",
        "Mama mea este acasă cu copiii",
        "Mám sa dobre, ďakujem",
        "Bývam v Gente s rodinou",
        "na, mersi",
    ],
)
def test_ordinary_sentences_of_other_languages_mark_no_need(text: str):
    assert _needs(text) == set()


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        # Past and over: "qablan" (formerly) in any spelling.
        ("ghablan qarzdar budom", set()),
        ("qablan qarzdar budam", set()),
        ("ghablan qarzdar budom, hanooz ham qarzdar hastom", {"financial_need"}),
        # Someone else's need: "my neighbour drinks".
        ("hamsaayam sharab mekhora", set()),
        ("man sharab ziyad mekhoram", {"addiction"}),
    ],
)
def test_time_and_who_read_dari_latin_cues_in_any_spelling(text: str, needs: set[str]):
    assert _needs(text) == needs
