"""Windows (`windows:` in bot/nlu/lexicon/<code>.yml, bot/nlu/needs/terms.py `window_terms`): a cue of lacking,
losing or needing near the object that decides the need, and the past cues of context.yml that end such a need."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract, load_lexicons
from bot.nlu.needs.terms import Gap, Pattern, match, window_terms
from bot.nlu.needs.tokens import tokenize


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


def _matches(term, text: str) -> bool:
    tokens = tokenize(text)
    return any(match(term.patterns, 0, tokens, start) is not None for start in range(len(tokens)))


def test_a_window_joins_each_cue_with_each_object_in_the_orders_it_allows():
    terms = window_terms("housing", ["too small", "mould"], ["flat", "house"], frozenset({"not"}), either_order=True)
    assert len(terms) == 2 * 2 * 2
    assert {term.need for term in terms} == {"housing"}
    first = terms[0]
    assert first.patterns[:2] == (Pattern("too"), Pattern("small"))
    assert isinstance(first.patterns[2], Gap)
    one_way = window_terms("housing", ["mould"], ["flat"], frozenset(), either_order=False)
    assert [term.source for term in one_way] == ["mould ... flat"]


def test_a_window_gap_stops_at_negation_problem_and_clause_words():
    (cue_first, object_first) = window_terms(
        "housing", ["too small"], ["flat"], frozenset({"not"}), either_order=True, stop=frozenset({"and"})
    )
    assert _matches(object_first, "the flat is really too small")
    assert not _matches(object_first, "the flat is not too small")
    assert not _matches(object_first, "the flat and the garden too small")
    assert not _matches(object_first, "the flat, the garden: too small")
    assert not _matches(object_first, "the flat is very very very very too small")


def test_a_lack_cue_stays_next_to_its_object():
    (term,) = window_terms("financial_need", ["no"], ["money"], frozenset({"no"}), either_order=False)
    assert term.lack and not term.negatable
    assert _matches(term, "no real money")
    assert not _matches(term, "no food left for money")
    assert not _matches(term, "no problem money")


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("the studio is full of mould", "housing"),
        ("de studio zit vol schimmel", "housing"),
        ("byt je plny plesne", "housing"),
        ("apartamentul e plin de mucegai", "housing"),
        ("къщата е много малка", "housing"),
        ("nqmame kade da spim", "housing"),
        ("peniaze nemame", "financial_need"),
        ("olandeza mea e slaba", "limited_dutch"),
        ("холандският ми е слаб", "limited_dutch"),
        ("nqmam laptop", "literacy_digital"),
        ("laptop nadaram", "literacy_digital"),
        ("we ran out of money last week", "financial_need"),
        ("the bedroom is damp", "housing"),
        ("de slaapkamer is vochtig", "housing"),
        ("het leefloon is niet genoeg", "financial_need"),
        ("ik heb geen leefloon", "financial_need"),
        ("دری و پشتو گپ میزنم، هلندی کمی", "limited_dutch"),
        # A partner and what they do to the person.
        ("manzel na mna stale krici", "family_relationships"),
        ("sotul meu tipa la mine", "family_relationships"),
        ("мъжът ми вика на мен", "family_relationships"),
        ("mijn vrouw scheldt mij uit", "family_relationships"),
        ("شوهرم مرا لت میکند", "family_relationships"),
    ],
)
def test_a_cue_near_its_object_marks_the_need(text: str, need: str):
    assert need in _needs(text)


@pytest.mark.parametrize(
    ("text", "need"),
    [
        # A negation between cue and object.
        ("the bedroom is not damp", "housing"),
        ("de slaapkamer is niet vochtig", "housing"),
        # A lack cue reaches one word only: the food is missing, not the house.
        ("op het einde van de maand is er geen eten meer in huis", "housing"),
        # A "problem" word denies instead.
        ("we have no money problems", "financial_need"),
        ("nemame problem s penazmi", "financial_need"),
        # "No X but Y" corrects what X is.
        ("ik heb geen leefloon maar een uitkering", "financial_need"),
        # "Language" alone is not Dutch: "my languages are few, add Pashto".
        ("زبان هایم کم است، پشتو را هم اضافه کنید", "limited_dutch"),
        # Pills taken too many at once are a crisis, not an addiction; coffee every day is no drinking problem.
        ("تابلیت زیاد خوردم که بمیرم", "addiction"),
        ("i drink coffee every day", "addiction"),
        # Someone outside the household (context.yml "others").
        ("my neighbour drinks a lot of beer every day", "addiction"),
        # Heating is the home's, not the purse's.
        ("zimata e studeno vkushti, nqmame parno", "financial_need"),
    ],
)
def test_a_window_adds_no_need_that_is_not_there(text: str, need: str):
    assert need not in _needs(text)


def test_a_question_about_who_minds_the_children_is_an_unsure_childcare_need():
    (english,) = [lexicon for lexicon in load_lexicons() if lexicon.code == "en"]
    who = [term for term in english.terms if term.source.startswith("who watches ... ")]
    assert who and all(term.weak and term.need == "childcare" for term in who)
    (mention,) = [m for m in extract("who watches my son if i go to work") if m.need == "childcare"]
    assert mention.confidence < 0.8


@pytest.mark.parametrize(
    "text",
    [
        "i lived on the street years ago but now i have a studio",
        "jaren geleden woonde ik op straat, nu heb ik een studio",
        "چند سال پیش در سرک زندگی می‌کردم، حالا یک استدیو دارم",
        "pred rokmi som zil na ulici, teraz mam byt",
    ],
)
def test_a_need_years_ago_that_is_resolved_now_is_over(text: str):
    assert "housing" not in _needs(text)


@pytest.mark.parametrize(
    "text",
    [
        "years ago i lost my flat and i still have nowhere to sleep",
        "two years ago we were evicted and now we sleep in the car",
    ],
)
def test_a_need_years_ago_that_goes_on_stays(text: str):
    assert "housing" in _needs(text)
