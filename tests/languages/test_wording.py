"""The review rules of the packs, from languages/glossary.md: one word for the coach per language, the polite
address in bg, sk, ro and prs, Persian punctuation in Dari, and a crisis text that says which lines answer in
Dutch only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CODES = ("nl", "en", "bg", "sk", "ro", "prs")
PACKS = {code: yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["texts"] for code in CODES}
ISOLATE = re.compile("\u2066[^\u2069]*\u2069")  # left-to-right data inside Dari text


def glossary_tables() -> list[list[list[str]]]:
    """The markdown tables of the glossary, each a list of rows of cells (the header row first)."""
    tables: list[list[list[str]]] = []
    previous_was_row = False
    for line in (ROOT / "languages" / "glossary.md").read_text("utf-8").splitlines():
        is_row = line.startswith("|")
        if is_row and not set(line) <= set("|- "):
            if not previous_was_row:
                tables.append([])
            tables[-1].append([cell.strip() for cell in line.strip("|").split("|")])
        previous_was_row = is_row
    return tables


TERMS, AVOIDED = glossary_tables()
TERM = {row[0]: dict(zip(TERMS[0][1:], row[1:], strict=True)) for row in TERMS[1:]}
NOT_USED = {row[0]: {word.strip() for word in row[1].split(",")} for row in AVOIDED[1:]}


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def stem(word: str) -> str:
    return word.casefold()[: min(5, len(word) - 1)]


def test_the_glossary_has_every_language():
    assert tuple(TERMS[0][1:]) == CODES and set(NOT_USED) == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_every_text_that_names_the_coach_uses_the_one_word_for_coach(code):
    coach = stem(TERM["coach"][code])
    naming_the_coach = [key for key, english in PACKS["en"].items() if "coach" in english.casefold()]
    assert len(naming_the_coach) > 10
    assert [key for key in naming_the_coach if coach not in PACKS[code][key].casefold()] == []


@pytest.mark.parametrize("code", CODES)
def test_no_pack_uses_a_word_the_glossary_rules_out(code):
    found = {key: words(text) & NOT_USED[code] for key, text in PACKS[code].items()}
    assert {key: sorted(hits) for key, hits in found.items() if hits} == {}


def test_dari_uses_persian_punctuation():
    latin = {key: text for key, text in PACKS["prs"].items() if re.search(r"[?,;]", ISOLATE.sub("", text))}
    assert latin == {}
    questions = [key for key in PACKS["prs"] if key.startswith("ask_") and key != "ask_more"]
    assert all("؟" in PACKS["prs"][key] for key in questions)
    assert PACKS["prs"]["list_separator"] == "، "


@pytest.mark.parametrize("code", CODES)
def test_the_crisis_text_gives_the_three_numbers_and_says_which_answer_in_dutch_only(code):
    crisis = PACKS[code]["crisis"]
    digits = re.findall(r"\d+", crisis)
    assert digits.count("112") >= 2, "call 112 now, and 112 can be called in any language"
    assert digits.count("1813") >= 2 and digits.count("106") >= 2, "each line named, then both said to be Dutch only"
    assert stem(TERM["Dutch (the language)"][code]) in crisis.casefold()
