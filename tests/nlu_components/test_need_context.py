"""Negation, time and who around a need, per language (bot/nlu/needs/context.py and context.yml).

Every rule is tested in all six languages as a pair: the same need words said of the person now (marked), and
denied, past and over, or of someone else (not marked, or marked as family care). The first half of each pair
shows that the words are known, so the second half tests the rule and not a gap in the lexicon.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.nlu.needs import LEXICON_LANGUAGES, NEED_IDS, extract
from bot.nlu.needs.context import CONTEXT_FILE, KINDS, load_cues


def needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


DENIED = [
    # (language, marked, need, denied)
    ("en", "I have problems with housing", "housing", "no problem with housing"),
    ("en", "I have a housing problem", "housing", "no housing problem"),
    ("nl", "ik heb problemen met huisvesting", "housing", "geen probleem met huisvesting"),
    ("nl", "ik heb financiële problemen", "financial_need", "ik heb geen financiële problemen"),
    ("ro", "am probleme cu locuința", "housing", "nu am probleme cu locuința"),
    ("ro", "am datorii", "financial_need", "nu am probleme cu datorii"),
    ("bg", "имаме проблем с жилището", "housing", "нямаме проблем с жилището"),
    ("bg", "имам дългове", "financial_need", "нямаме проблеми с дългове"),
    ("sk", "mám problém s bývaním", "housing", "nemám problém s bývaním"),
    ("sk", "mám dlhy", "financial_need", "nemáme problém s dlhmi"),
    ("prs", "با مسکن مشکل دارم", "housing", "با خانه مشکلی ندارم"),
    ("prs", "مشکل خانه دارم", "housing", "مشکل خانه ندارم"),
]


@pytest.mark.parametrize(("code", "marked", "need", "denied"), DENIED)
def test_a_denied_need_is_not_marked(code: str, marked: str, need: str, denied: str) -> None:
    assert need in needs(marked)
    assert need not in needs(denied)


DENIED_BESIDE = [
    # A denial after the need, or with words between: (language, marked, need, denied)
    ("en", "I have problems with alcohol", "addiction", "I don't have any problems with alcohol"),
    ("nl", "ik heb problemen met huisvesting", "housing", "met huisvesting heb ik geen problemen"),
    ("ro", "am probleme cu locuința", "housing", "cu locuința nu am probleme"),
    ("bg", "имаме проблем с жилището", "housing", "с жилището нямаме проблем"),
    ("sk", "mám problém s bývaním", "housing", "s bývaním nemám problém"),
    ("sk", "mám problém s bývaním", "housing", "nemám žiadne problémy s bývaním"),
    ("prs", "مشکل خانه دارم", "housing", "از نظر خانه مشکلی ندارم"),
]


@pytest.mark.parametrize(("code", "marked", "need", "denied"), DENIED_BESIDE)
def test_a_denial_beside_the_need_denies_it(code: str, marked: str, need: str, denied: str) -> None:
    assert need in needs(marked)
    assert need not in needs(denied)


def test_a_denial_reaches_only_its_neighbours() -> None:
    assert needs("I have no problem with housing and I have debts") == {"financial_need"}
    assert needs("nemám problém s bývaním a mám dlhy") == {"financial_need"}


CLAUSES = [
    ("en", "no housing problem but no money"),
    ("nl", "geen probleem met huisvesting maar geen geld"),
    ("ro", "nu am probleme cu locuința, dar nu am bani"),
    ("bg", "нямаме проблем с жилището, но нямаме пари"),
    ("sk", "nemám problém s bývaním ale nemám peniaze"),
    ("prs", "با خانه مشکلی ندارم اما پول ندارم"),
]


@pytest.mark.parametrize(("code", "text"), CLAUSES)
def test_a_denial_stays_in_its_clause(code: str, text: str) -> None:
    assert needs(text) == {"financial_need"}


PAST = [
    # (language, now, need, past and over)
    ("en", "I am homeless", "housing", "I used to be homeless but now I have a flat"),
    ("en", "I have debts", "financial_need", "I had debts, but they are all paid now"),
    ("nl", "ik ben dakloos", "housing", "vroeger was ik dakloos, nu heb ik een appartement"),
    ("nl", "ik heb schulden", "financial_need", "ik had schulden maar die zijn afbetaald"),
    ("ro", "sunt fără adăpost", "housing", "am fost fără adăpost, dar acum am apartament"),
    ("ro", "am datorii", "financial_need", "am avut datorii, dar le-am plătit"),
    ("bg", "бездомен съм", "housing", "бях бездомен, но сега имам квартира"),
    ("bg", "имам дългове", "financial_need", "имах дългове, но вече ги изплатих"),
    ("sk", "som bez domova", "housing", "kedysi som bol bez domova, teraz mám byt"),
    ("sk", "mám dlhy", "financial_need", "mal som dlhy, ale už som ich splatil"),
    ("prs", "بی خانه هستم", "housing", "قبلاً بی خانه بودم، حالا آپارتمان دارم"),
    ("prs", "قرض دارم", "financial_need", "قرض داشتم ولی حالا پرداخت کردم"),
]


@pytest.mark.parametrize(("code", "now", "need", "past"), PAST)
def test_a_need_in_the_past_and_over_is_not_marked(code: str, now: str, need: str, past: str) -> None:
    assert need in needs(now)
    assert need not in needs(past)


BETTER_NOW = [
    ("en", "I have depression", "I had depression but now I feel good"),
    ("nl", "ik heb een depressie", "ik had een depressie maar nu gaat het goed"),
    ("ro", "am depresie", "am avut depresie, dar acum sunt bine"),
    ("bg", "имам депресия", "имах депресия, но сега съм добре"),
    ("sk", "mám depresiu", "mal som depresiu, ale teraz som v poriadku"),
    ("prs", "افسردگی دارم", "افسردگی داشتم ولی حالا خوب هستم"),
]


@pytest.mark.parametrize(("code", "now", "past"), BETTER_NOW)
def test_an_illness_that_is_over_is_not_marked(code: str, now: str, past: str) -> None:
    assert needs(now) == {"psychological"}
    assert "psychological" not in needs(past)


STILL = [
    ("en", "I lost my flat last year and I am still homeless", "housing"),
    ("en", "I had debts and now I have no money at all", "financial_need"),
    ("en", "I was evicted, now I live with friends", "housing"),
    ("nl", "ik had een huis maar nu ben ik dakloos", "housing"),
    ("ro", "am avut casă, dar acum sunt fără adăpost", "housing"),
    ("bg", "имах квартира, но сега съм бездомен", "housing"),
    ("sk", "mal som byt, ale teraz som bez domova", "housing"),
    ("prs", "خانه داشتم ولی حالا بی خانه هستم", "housing"),
]


@pytest.mark.parametrize(("code", "text", "need"), STILL)
def test_a_need_that_began_in_the_past_and_goes_on_is_marked(code: str, text: str, need: str) -> None:
    assert need in needs(text)


def test_what_lasts_is_marked_even_when_it_is_past() -> None:
    """A record or an addiction in recovery still counts for a coach."""
    assert "justice" in needs("I was in prison")
    assert "addiction" in needs("I used to take cocaine but I stopped")


OTHERS = [
    # (language, own, need, someone else's)
    ("en", "I drink too much", "addiction", "my neighbour drinks too much"),
    ("en", "I am homeless", "housing", "my friend is homeless"),
    ("nl", "ik drink te veel", "addiction", "mijn buurman drinkt te veel"),
    ("ro", "beau prea mult", "addiction", "vecinul meu bea prea mult"),
    ("bg", "пия много", "addiction", "съседът ми пие много"),
    ("sk", "pijem veľa", "addiction", "môj sused pije veľa"),
    ("prs", "شراب زیاد می‌نوشم", "addiction", "همسایه‌ام شراب زیاد می‌نوشد"),
]


@pytest.mark.parametrize(("code", "own", "need", "other"), OTHERS)
def test_someone_elses_need_is_not_marked(code: str, own: str, need: str, other: str) -> None:
    assert need in needs(own)
    assert need not in needs(other)


CARED_FOR = [
    # (language, own, cared for at home)
    ("en", "I am in a wheelchair", "my mother is in a wheelchair and I look after her"),
    ("nl", "ik zit in een rolstoel", "mijn moeder zit in een rolstoel en ik zorg voor haar"),
    ("ro", "sunt în scaun cu rotile", "mama mea e în scaun cu rotile și am grijă de ea"),
    ("bg", "в инвалидна количка съм", "майка ми е в инвалидна количка и се грижа за нея"),
    ("sk", "som na vozíku", "mama je na vozíku a starám sa o ňu"),
    ("prs", "روی ویلچر هستم", "مادرم روی ویلچر است و از او مراقبت می کنم"),
]


@pytest.mark.parametrize(("code", "own", "cared_for"), CARED_FOR)
def test_the_need_of_someone_cared_for_at_home_is_family_care(code: str, own: str, cared_for: str) -> None:
    assert needs(own) == {"medical"}
    assert needs(cared_for) == {"family_care"}


TAKEN_FOR_TREATMENT = [
    # (language, own treatment, a relative the person takes to treatment: family care)
    ("en", "I have dialysis", "three times a week i take my husband to the hospital for dialysis"),
    ("nl", "ik heb dialyse", "ik breng mijn moeder naar de dialyse"),
    ("ro", "fac dializă", "îl duc pe soțul meu la dializă"),
    ("bg", "правя диализа", "водя мъжа си на диализа"),
    ("sk", "mám chemoterapiu", "vozím manžela na chemoterapiu"),
    ("prs", "دیالیز میکنم", "هفته‌ای سه بار شوهرمو برای دیالیز می‌برم بیمارستان"),
]


@pytest.mark.parametrize(("code", "own", "taken"), TAKEN_FOR_TREATMENT)
def test_taking_a_relative_to_treatment_is_family_care(code: str, own: str, taken: str) -> None:
    assert needs(own) == {"medical"}
    assert needs(taken) == {"family_care"}


def test_being_taken_to_treatment_is_the_persons_own() -> None:
    assert needs("my husband takes me to the hospital for dialysis") == {"medical"}


RELATIVES_OWN = [
    # (language, the person's own, a relative's own): a record or schooling is one person's.
    ("en", "I was in prison", "my husband is in prison"),
    ("nl", "ik zat in de gevangenis", "mijn broer zit in de gevangenis"),
    ("ro", "am fost la închisoare", "fratele meu e la închisoare"),
    ("bg", "бях в затвора", "брат ми е в затвора"),
    ("sk", "bol som vo väzení", "môj brat je vo väzení"),
    ("prs", "در زندان بودم", "برادرم در زندان است"),
]


@pytest.mark.parametrize(("code", "own", "relatives"), RELATIVES_OWN)
def test_a_relatives_own_need_is_not_the_persons(code: str, own: str, relatives: str) -> None:
    assert needs(own) == {"justice"}
    assert needs(relatives) == set()


def test_what_weighs_on_the_household_stays_when_a_relative_is_named() -> None:
    assert "residence_status" in needs("my wife has no papers")
    assert needs("my son reads my letters for me") == {"literacy_digital"}
    assert needs("my daughter translates for me at the doctor") == {"limited_dutch"}


HOUSEHOLD_NOT_CARED_FOR = [
    ("en", "my sister has diabetes"),
    ("nl", "mijn zus heeft diabetes"),
    ("ro", "sora mea are diabet"),
    ("bg", "сестра ми има диабет"),
    ("sk", "moja sestra má cukrovku"),
    ("prs", "خواهرم مریضی شکر دارد"),
]


@pytest.mark.parametrize(("code", "text"), HOUSEHOLD_NOT_CARED_FOR)
def test_a_relatives_illness_without_care_is_not_the_persons_own(code: str, text: str) -> None:
    assert "medical" not in needs(text)


def test_the_persons_own_need_beside_a_relatives_stays() -> None:
    assert needs("my mother is in a wheelchair and I look after her, and I have debts") == {
        "family_care",
        "financial_need",
    }
    assert needs("my neighbour drinks, and I have no house") == {"housing"}


BETTER_NOW = [
    # (language, past and still bad, past and fine now): "now ... fine" with words between, and its denial.
    ("en", "I was depressed but now I'm not ok", "I was depressed but now im ok again"),
    ("nl", "ik was depressief maar nu ben ik niet ok", "ik was depressief maar nu ben ik ok"),
    ("ro", "am fost depresiv dar acum nu e bine", "am fost depresiv dar acum sunt din nou bine"),
    ("bg", "бях депресиран, но сега не съм добре", "бях депресиран, но сега съм пак добре"),
    ("sk", "bol som depresívny, ale teraz nie som v poriadku", "bol som depresívny, ale teraz som v poriadku"),
    ("prs", "افسرده بودم ولی حالا خوب نیستم", "افسرده بودم ولی حالا دوباره خوب هستم"),
]


@pytest.mark.parametrize(("code", "still_bad", "fine_now"), BETTER_NOW)
def test_a_past_need_is_over_when_the_person_is_fine_now(code: str, still_bad: str, fine_now: str) -> None:
    assert needs(still_bad) == {"psychological"}
    assert needs(fine_now) == set()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("did inburgering and i speak dutch fine now", set()),
        ("اینبورخرینگ را خلاص کردم و حالا هالندی را خوب گپ می‌زنم", set()),
        ("اینبورخرینگ ره تمام کدم ولی هالندی مه هنوز خیلی ضعیف است", {"limited_dutch"}),
        ("برای قرض هایم رهنمایی بودجه داشتم، از سال گذشته همه را پرداخته ام", set()),
        ("قرض داشتم و پرداخت نکردم", {"financial_need"}),
    ],
)
def test_a_finished_course_or_a_paid_debt_is_over(text: str, found: set[str]) -> None:
    assert needs(text) == found


RECOVERED = [
    # (language, stopped: still counts, clean or sober for years: over)
    ("en", "I used to take cocaine but I stopped", "i used to be an alcoholic but ive been sober for 6 years"),
    ("nl", "ik was vroeger verslaafd", "ik was vroeger verslaafd maar ben al 5 jaar clean"),
    ("ro", "eram dependent de alcool", "eram dependent de alcool, dar acum sunt curat de 3 ani"),
    ("bg", "бях пристрастен към алкохола", "бях пристрастен към алкохола, но вече съм чист"),
    ("sk", "bol som závislý od alkoholu", "bol som závislý od alkoholu, ale teraz som čistý"),
    ("prs", "قبلاً نشه می‌کردم", "قبلاً نشه می‌کردم ولی پنج سال است که پاک هستم"),
]


@pytest.mark.parametrize(("code", "counts", "over"), RECOVERED)
def test_an_addiction_is_over_when_the_person_is_clean(code: str, counts: str, over: str) -> None:
    assert needs(counts) == {"addiction"}
    assert needs(over) == set()


def test_clean_does_not_end_a_record() -> None:
    assert needs("i was in prison but i am clean now") == {"justice"}


COORDINATED = [
    # (language, both said, both denied by one negation across "and"): the second alone is a need.
    ("en", "I have loans", "I have no debts and loans"),
    ("nl", "ik heb leningen", "ik heb geen schulden en leningen"),
    ("ro", "am credite", "nu am datorii și credite"),
    ("bg", "имам заеми", "нямам дългове и заеми"),
    ("sk", "mám pôžičky", "nemám dlhy a pôžičky"),
    # Verb-final: the negation after the last denies the first too.
    ("prs", "قرض دارم", "قرض و وام ندارم"),
]


@pytest.mark.parametrize(("code", "said", "denied"), COORDINATED)
def test_one_negation_denies_problems_joined_by_and(code: str, said: str, denied: str) -> None:
    assert needs(said) == {"financial_need"}
    assert needs(denied) == set()


def test_a_denial_reaches_over_and_to_the_same_need() -> None:
    assert needs("با شراب و مواد مخدر مشکلی ندارم") == set()
    assert needs("no problems with alcohol and drugs") == set()
    assert needs("با شراب و مواد مخدر مشکل دارم") == {"addiction"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A lack phrase carries its own negation: "no money" stays.
        ("no debts and no money", {"financial_need"}),
        ("I have no house and debts", {"housing", "financial_need"}),
        ("قرض دارم و خانه ندارم", {"financial_need", "housing"}),
        # Another need after "and" is not denied with the first.
        ("nikdy som nechodila do školy a neviem písať", {"low_education", "literacy_digital"}),
    ],
)
def test_what_and_does_not_join_under_one_negation(text: str, found: set[str]) -> None:
    assert needs(text) == found


NEITHER_NOR = [
    # (language, neither of two lacks: the lack is a need, neither of two problems: denied)
    ("en", "neither money nor a job", "neither debts nor loans"),
    ("nl", "noch geld noch werk", "noch schulden noch leningen"),
    ("bg", "нито пари, нито работа", "нито дългове, нито заеми"),
    ("sk", "nemám škôlku ani peniaze", "nemám dlhy ani pôžičky"),
    ("prs", "نه پول دارم نه کار", "نه قرض دارم نه وام"),
    ("prs", "na paisa daram na kar", "na qarz daram na wam"),
]


@pytest.mark.parametrize(("code", "lacks", "problems"), NEITHER_NOR)
def test_neither_nor_names_a_lack_and_denies_a_problem(code: str, lacks: str, problems: str) -> None:
    assert "financial_need" in needs(lacks)
    assert needs(problems) == set()


def test_neither_nor_keeps_the_other_readings() -> None:
    assert needs("نه اقامت دارم نه پیسه") == {"residence_status", "financial_need"}
    # "ani" is also "even": "not even for bread" stays.
    assert needs("nemame ani na chlieb") == {"financial_need"}
    # One "نه" alone is "no", not "neither".
    assert needs("نه، پول دارم") == set()


PRONOUNS = [
    # (language, own, "he"/"she" as the subject): a person speaks of themself as "I"; "he"/"she" is someone else.
    ("en", "I am depressed", "she is depressed"),
    ("nl", "ik ben depressief", "hij is depressief"),
    ("ro", "sunt depresiv", "el e depresiv"),
    ("bg", "депресиран съм", "той е депресиран"),
    ("sk", "som depresívna", "ona je depresívna"),
    ("prs", "دیپرشن دارم", "او دیپرشن دارد"),
]


@pytest.mark.parametrize(("code", "own", "theirs"), PRONOUNS)
def test_he_or_she_as_the_subject_is_someone_else(code: str, own: str, theirs: str) -> None:
    assert needs(own) == {"psychological"}
    assert needs(theirs) == set()


def test_he_or_she_cared_for_is_family_care() -> None:
    assert needs("he is depressed and I look after him") == {"family_care"}


NOT_ME = [
    # (language, the relative's need said alone, then "not me"): what weighs on the household stays, unless the
    # person says they have not got it.
    ("en", "my brother has debts", "my brother has debts, not me"),
    ("nl", "mijn zus heeft schulden", "mijn zus heeft schulden, ik niet"),
    ("ro", "sora mea are datorii", "sora mea are datorii, eu nu"),
    ("bg", "сестра ми има дългове", "сестра ми има дългове, аз нямам"),
    ("sk", "sestra má dlhy", "sestra má dlhy, ja nie"),
    ("prs", "خواهرم قرض دارد", "خواهرم قرض دارد، من ندارم"),
]


@pytest.mark.parametrize(("code", "theirs", "not_mine"), NOT_ME)
def test_a_relatives_need_is_not_the_persons_when_they_say_not_me(code: str, theirs: str, not_mine: str) -> None:
    assert needs(theirs) == {"financial_need"}
    assert needs(not_mine) == set()


def test_not_me_ends_a_clause() -> None:
    assert needs("my brother has debts, i dont have a house") == {"financial_need", "housing"}
    assert needs("i have debts, not my brother") == {"financial_need"}


CAUSED = [
    # (language, sleeplessness alone, sleeplessness from worry or drink: that need, not a day-night rhythm)
    ("en", "i cant sleep", "i cant sleep from stress", "psychological"),
    ("nl", "ik kan niet slapen", "zonder alcohol kan ik niet slapen", "addiction"),
    ("ro", "nu pot dormi", "nu pot dormi din cauza stresului", "psychological"),
    ("bg", "не мога да заспя", "без ракия не мога да заспя", "addiction"),
    ("sk", "nemôžem spať", "nemôžem spať kvôli stresu", "psychological"),
    ("prs", "i cant sleep", "بدون شراب خواب نمیتانم", "addiction"),
]


@pytest.mark.parametrize(("code", "alone", "caused", "reason"), CAUSED)
def test_sleeplessness_with_its_reason_is_the_reason(code: str, alone: str, caused: str, reason: str) -> None:
    assert needs(alone) == {"day_night_rhythm"}
    assert needs(caused) == {reason}


def test_sleeplessness_beside_another_need_stays() -> None:
    assert needs("i am depressed and i cant sleep") == {"psychological", "day_night_rhythm"}


NOT_RESOLVED = [
    ("en", "I had debts and I could not pay them", "financial_need"),
    ("nl", "ik had schulden en die zijn niet afbetaald", "financial_need"),
    ("ro", "am avut datorii si nu le-am platit", "financial_need"),
    ("bg", "имах дългове и не ги изплатих", "financial_need"),
    ("sk", "mal som dlhy a nie su splatene", "financial_need"),
    ("prs", "قرض داشتم و پرداخت نکردم", "financial_need"),
]


@pytest.mark.parametrize(("code", "text", "need"), NOT_RESOLVED)
def test_a_denied_resolution_leaves_the_need(code: str, text: str, need: str) -> None:
    assert need in needs(text)


def test_cues_of_one_language_do_not_fire_in_another() -> None:
    """Every language's cues are tried on every message: Dari "dost" (friend) is not Slovak "dostali"."""
    assert needs("dostali sme list od exekutora, chcu 3000 eur") == {"financial_need"}


def test_every_language_has_every_kind_of_cue() -> None:
    data = yaml.safe_load(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert set(data["cues"]) == set(LEXICON_LANGUAGES)
    for code, by_kind in data["cues"].items():
        assert set(by_kind) == set(KINDS), code
    assert set(data["lasting"]) | set(data["relational"]) | set(data["cared_for"]) <= set(NEED_IDS)


def test_cue_lists_reject_unquoted_yaml_booleans(tmp_path: Path) -> None:
    path = tmp_path / "context.yml"
    path.write_text("cues:\n  en:\n    not: [no]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not a string"):
        load_cues(str(path))


@pytest.mark.parametrize(
    "text",
    [
        "my brother is in prison and I have debts",
        "mijn broer zit in de gevangenis en ik heb schulden",
        "fratele meu e la închisoare și eu am datorii",
        "брат ми е в затвора и аз имам дългове",
        "môj brat je vo väzení a ja mám dlhy",
        "برادرم در زندان است و من قرض دارم",
    ],
)
def test_the_persons_own_need_after_a_relatives_is_marked(text: str) -> None:
    assert needs(text) == {"financial_need"}
