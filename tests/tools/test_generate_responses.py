"""The Rasa responses are generated from the language packs and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import generate_responses  # noqa: E402

CODES = ("nl", "en", "bg", "sk", "ro", "prs")


def test_the_checked_in_responses_are_up_to_date():
    assert (ROOT / "bot" / "domain" / "responses.yml").read_text("utf-8") == generate_responses.generate()


def test_every_response_has_a_variation_per_language_and_a_default():
    responses = yaml.safe_load(generate_responses.generate())["responses"]
    for name, variations in responses.items():
        if name == "utter_ask_language":
            continue
        conditions = [v["condition"][0]["value"] for v in variations if "condition" in v]
        assert conditions == list(CODES), name
        assert sum("condition" not in v for v in variations) == 1, name


def test_a_variation_speaks_its_own_language():
    responses = yaml.safe_load(generate_responses.generate())["responses"]
    for code in CODES:
        pack = yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["texts"]
        [variation] = [v for v in responses["utter_ask_consent"] if v.get("condition", [{}])[0].get("value") == code]
        assert variation["text"] == pack["consent_question"]
        assert [b["title"] for b in variation["buttons"]] == [pack["consent_yes"], pack["consent_no"]]


def test_the_language_choice_names_each_language_in_its_own_script():
    [variation] = yaml.safe_load(generate_responses.generate())["responses"]["utter_ask_language"]
    titles = [button["title"] for button in variation["buttons"]]
    assert titles == ["Nederlands", "English", "Български", "Slovenčina", "Română", "دری"]
    assert variation["buttons"][5]["payload"] == '/choose_language{"language":"prs"}'
    assert len(variation["text"].splitlines()) == 6


def test_neighbourhood_buttons_cover_every_wijk_and_the_special_answers():
    responses = yaml.safe_load(generate_responses.generate())["responses"]
    english = [v for v in responses["utter_ask_neighbourhood"] if v.get("condition", [{}])[0].get("value") == "en"][0]
    payloads = [button["payload"] for button in english["buttons"]]
    assert len(payloads) == 25 + 2 + 1
    assert '/choose_neighbourhood{"neighbourhood":"no_fixed_address"}' in payloads
    assert payloads[-1] == "/skip"
