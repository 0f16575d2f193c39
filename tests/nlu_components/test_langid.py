"""Language detection: script rules, word lists, spellings, the margin, short-message abstention (bot/nlu/langid.py,
bot/nlu/langid.yml)."""

from __future__ import annotations

import pytest

from bot.nlu import langid
from bot.nlu.langid import Detection, detect


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Здравейте, търся работа", "bg"),
        ("живея в Rabot", "bg"),  # Cyrillic decides despite the Latin place name
        ("в Wondelgem", "bg"),
        ("سلام، کار می‌خواهم", "prs"),
        ("Ledeberg زندگی می‌کنم", "prs"),
        ("Sint-Amandsberg هستم", "prs"),
        ("Nemám prácu a hľadám robotu", "sk"),
        ("Nu am bani și caut de lucru", "ro"),
    ],
)
def test_script_and_letter_rules(text: str, code: str) -> None:
    detection = detect(text)
    assert detection.code == code
    assert detection.confidence >= 0.9


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("nemam pracu a hladam robotu", "sk"),
        ("som tu sam a potrebujem pomoc", "sk"),
        ("prosim, nemam peniaze na byvanie", "sk"),
        ("nu am bani si caut loc de munca", "ro"),
        ("sunt singur si vreau sa lucrez", "ro"),
        ("am nevoie de ajutor cu actele", "ro"),
        ("iskam rabota, nyamam pari", "bg"),
        ("tarsya rabota za mnogo pari", "bg"),
        ("man kar mekhaham", "prs"),
        ("salam, pul nadaram", "prs"),
        ("ik zoek werk en heb schulden", "nl"),
        ("I am looking for a job in Ghent", "en"),
    ],
)
def test_latin_messages_of_three_words_or_more(text: str, code: str) -> None:
    assert detect(text).code == code


@pytest.mark.parametrize(
    "text",
    ["ok", "Milena", "Rabot", "ok da", "Nieuw Gent", "0470 12 34 56", "hmm ok", "da", "Alan", "Mara", "Ina", "Kay"],
)
def test_short_messages_without_evidence_abstain(text: str) -> None:
    assert detect(text).code is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("nemam peniaze", "sk"), ("dakujem", "sk"), ("multumesc frumos", "ro"), ("goeiedag", "nl"), ("tashakor", "prs")],
)
def test_short_messages_with_clear_words(text: str, code: str) -> None:
    detection = detect(text)
    assert detection.code == code
    # Never confident enough on two words to switch a running conversation's language (actions need 0.95).
    assert detection.confidence < 0.95


# "pas" (Dutch "skip") is a word fastText gives none of the Latin six any weight for: it once divided by zero and
# failed the whole parse.
@pytest.mark.parametrize("text", ["", None, "/greet", '/choose_language{"language":"bg"}', "!!!", "123", "pas"])
def test_nothing_to_detect(text: str | None) -> None:
    assert detect(text) == Detection(None, 0.0)


def test_detection_contract() -> None:
    detection = detect("ik zoek werk")
    assert isinstance(detection, Detection)
    assert detection.as_dict().keys() == {"code", "confidence"}
    assert detection.code in langid.LANGUAGES


def test_fasttext_top1_maps_to_our_codes() -> None:
    assert langid.fasttext_top1("Ik zoek werk in Gent en ik heb twee kinderen") == "nl"
    assert langid.fasttext_top1("Это русский текст") is None


def test_marker_lists_are_normalised() -> None:
    markers = langid.evidence().markers
    assert set(markers) == set(langid.LANGUAGES)
    for code, words in markers.items():
        for word in words:
            assert isinstance(word, str)
            assert langid._words(word) == [word], (code, word)
    for word in langid.evidence().neutral:
        assert langid._words(word) == [word], word


# Issue 14: messages of three words or more, typed in Latin letters the way people chat, found in their language by
# the words and spellings of bot/nlu/langid.yml (not copied from the probes or the development sets).
@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Latin-script Bulgarian: q for я, 4/6 for ч/ш, zh, sht; shared Slavic words (v, s, na) decide nothing
        ("tarsq rabota v Gent", "bg"),
        ("pomoshtta ot obshtinata ne stiga", "bg"),
        ("zhivea s maika si v Dampoort", "bg"),
        ("o6te 4akam otgovor ot tqh", "bg"),
        ("decata mi sa bolni, trqbva lekar", "bg"),
        # Slovak without diacritics, and written the Czech way
        ("potrebujem pomoc s byvanim", "sk"),
        ("byvam s manzelkou v Gente", "sk"),
        ("chcem pracovat v sklade", "sk"),
        ("jsem tady sam a hledam praci", "sk"),
        # Romanian without diacritics: hyphenated clitics, the article -ul, the genitive
        ("n-am bani de chirie", "ro"),
        ("caut de lucru pentru sotul meu", "ro"),
        ("am nevoie de ajutorul asistentei sociale", "ro"),
        # Dari in Latin letters: verb forms, kh
        ("man da Gent kar mepalom", "prs"),
        ("khana nadarem wa pul ham nadarem", "prs"),
        ("farda mitanom biyayom daftar", "prs"),
        # Dutch and English with Ghent's services and places inside
        ("kheb geen geld voor de huur", "nl"),
        ("het OCMW zegt dat ik moet wachten", "nl"),
        ("im looking for any job in Gent", "en"),
        ("my kids need a school in Sint-Amandsberg", "en"),
    ],
)
def test_latin_chat_messages_find_their_language(text: str, code: str) -> None:
    assert detect(text).code == code


# Close calls and too little evidence: no answer (the assistant then asks with the language buttons) rather than
# a wrong one.
@pytest.mark.parametrize(
    "text",
    [
        "mama tam na den",  # Slavic words Slovak and Bulgarian share
        "nemam dom tam",
        "pri brat mi v Gent",
        "am in Gent",  # Romanian and English "am", "in"
        "Milena Petrova Ivanova",  # names: nothing to go on
        "Ionel Popescu iskam",  # one Bulgarian word among names is not enough
        "ok ok ok ok",
    ],
)
def test_ambiguous_messages_abstain(text: str) -> None:
    assert detect(text).code is None


# The assistant switches a running conversation only on a message of four words or more detected with confidence
# >= 0.95 (bot/actions/intake_form.py): a lead of four pieces of evidence. A clear long message gets there; a
# message that leads by one or two does not.
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I would like to continue in English please, my Dutch is not good", "en"),
        ("ik wil liever verder in het Nederlands want mijn Engels is niet goed", "nl"),
        ("iskam da prodalja na bulgarski, ne razbiram holandski i nqmam rabota", "bg"),
        ("prefer sa vorbim in romana, nu inteleg engleza", "ro"),
        ("chcem pokracovat po slovensky, nerozumiem po anglicky", "sk"),
        ("man dari gap mezanom, inglisi nemifahmom", "prs"),
    ],
)
def test_a_long_clear_message_is_sure_enough_to_switch(text: str, code: str) -> None:
    detection = detect(text)
    assert detection.code == code
    assert detection.confidence >= 0.95


@pytest.mark.parametrize("text", ["tarsq rabota v Gent", "mam problem s bytom", "n-am bani de chirie"])
def test_a_small_lead_is_not_sure_enough_to_switch(text: str) -> None:
    detection = detect(text)
    assert detection.code is not None
    assert detection.confidence < 0.95


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("nqmam", "bg"),
        ("staq", "bg"),
        ("ve4er", "bg"),
        ("o6te", "bg"),
        ("zhilishte", "bg"),
        ("pomosht", "bg"),
        ("khana", "prs"),
        ("potrebujem", "sk"),
        ("pracovat", "sk"),
        ("manzelkou", "sk"),
        ("byvam", "sk"),
        ("ajutorului", "ro"),
        ("cursul", "ro"),
        ("citesc", "ro"),
        ("lucrez", "ro"),
    ],
)
def test_spellings_point_to_their_language(word: str, code: str) -> None:
    hits = langid.spelling_hits([word])
    assert hits[code] == 1
    # "sht" is typed for Bulgarian щ and in Dari ("hasht"); every other spelling points to one language only.
    others = {other for other, count in hits.items() if count and other != code}
    assert others == ({"prs"} if "sht" in word else set())


@pytest.mark.parametrize("word", ["square", "quick", "you", "nul", "zeg", "mesa", "b4", "werk", "house"])
def test_common_words_have_no_telling_spelling(word: str) -> None:
    assert not any(langid.spelling_hits([word]).values())


def test_romanian_hyphens() -> None:
    assert langid.spelling_hits([], "n-am lucrat, sunati-ma, intr-o camera")["ro"] == 3
    assert langid.spelling_hits([], "e-mail naar Sint-Amandsberg, burn-out, khana-e beradaram")["ro"] == 0


def test_dari_verb_forms() -> None:
    prs = langid.evidence().markers["prs"]
    assert {"mekhayam", "nemitanom", "biyayom", "mezanid", "raftom", "amadim", "nakardom"} <= prs
    # Slovak and English words the generator would also make are left out, and so is every form under 5 letters.
    assert not {"budem", "nebudem", "begin", "bude", "bere"} & prs


def test_fasttext_slavic_labels_count_for_slovak_and_bulgarian_alike() -> None:
    scores = langid.latin_fasttext("nemam ziadny prijem uz mesiac")
    assert scores["sk"] == pytest.approx(scores["bg"])
    assert scores["sk"] > 0.3
    assert scores["prs"] == 0.0


def test_no_wrong_language_on_the_development_sets_and_probes() -> None:
    """Issue 14's target on everything we may tune on (tools/evaluate_langid.py): on messages of three words or
    more no wrong language, and at least 97% right; on one or two words at most one wrong (a Dutch "yes")."""
    from tools import evaluate_langid

    counts, misses = evaluate_langid.evaluate(list(evaluate_langid.DEFAULT_SETS), detect)
    wrong = [(gold, predicted, text) for _, gold, predicted, text in misses if predicted is not None]
    assert wrong == []
    long = [c for (_, _, size), c in counts.items() if size == "long"]
    assert sum(c.correct for c in long) / sum(c.total for c in long) >= 0.97
    assert sum(c.wrong for (_, _, size), c in counts.items() if size == "short") <= 1
