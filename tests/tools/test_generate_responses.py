"""The Rasa responses are generated from the language packs and nothing else."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import generate_responses  # noqa: E402

CODES = ("nl", "en", "bg", "sk", "ro", "prs")


@cache
def generated() -> str:
    return generate_responses.generate()


def test_the_checked_in_responses_are_up_to_date():
    assert (ROOT / "bot" / "domain" / "responses.yml").read_text("utf-8") == generated()


def test_every_response_has_a_variation_per_language_and_a_default():
    responses = yaml.safe_load(generated())["responses"]
    for name, variations in responses.items():
        if name == "utter_ask_language":
            continue
        conditions = [v["condition"][0]["value"] for v in variations if "condition" in v]
        assert conditions == list(CODES), name
        assert sum("condition" not in v for v in variations) == 1, name


def test_a_variation_speaks_its_own_language():
    responses = yaml.safe_load(generated())["responses"]
    for code in CODES:
        pack = yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["texts"]
        [variation] = [v for v in responses["utter_ask_consent"] if v.get("condition", [{}])[0].get("value") == code]
        assert variation["text"] == pack["consent_question"]
        titles = [b["title"].split(" ", 1)[1] for b in variation["buttons"]]
        assert titles == [pack["consent_yes"], pack["consent_no"], pack["why_button"], pack["person_button"]]


def test_the_language_choice_names_each_language_in_its_own_script():
    [variation] = yaml.safe_load(generated())["responses"]["utter_ask_language"]
    titles = [button["title"] for button in variation["buttons"]]
    assert titles == ["Nederlands", "English", "Български", "Slovenčina", "Română", "دری"]
    assert variation["buttons"][5]["payload"] == '/choose_language{"language":"prs"}'
    assert len(variation["text"].splitlines()) == 6


def test_neighbourhood_buttons_cover_every_wijk_and_the_special_answers():
    responses = yaml.safe_load(generated())["responses"]
    english = [v for v in responses["utter_ask_neighbourhood"] if v.get("condition", [{}])[0].get("value") == "en"][0]
    payloads = [button["payload"] for button in english["buttons"]]
    assert len(payloads) == 25 + 2 + 1 + 2
    assert '/choose_neighbourhood{"neighbourhood":"no_fixed_address"}' in payloads
    assert payloads[-3:] == ["/skip", "/why_ask", "/talk_to_person"]


PICTOGRAMS = yaml.safe_load((ROOT / "config" / "pictograms.yml").read_text("utf-8"))["pictograms"]
QUESTIONS = yaml.safe_load((ROOT / "bot" / "questions.yml").read_text("utf-8"))["questions"]


def starts_with_a_pictogram(title: str) -> bool:
    first, _, words = title.partition(" ")
    return bool(words) and first in set(PICTOGRAMS.values())


def test_every_button_of_every_response_has_a_pictogram_in_every_language():
    responses = yaml.safe_load(generated())["responses"]
    for name, variations in responses.items():
        if name == "utter_ask_language":
            continue  # each language named in its own script: the name is the picture
        for variation in variations:
            for button in variation.get("buttons", []):
                assert starts_with_a_pictogram(button["title"]), (name, button["title"])


def test_every_answer_a_question_offers_has_a_pictogram():
    pack = yaml.safe_load((ROOT / "languages" / "en.yml").read_text("utf-8"))["texts"]
    for question in QUESTIONS:
        for option in question.get("options", []):
            assert f"{question['slot']}_{option}" in PICTOGRAMS, (question["slot"], option)
    assert set(PICTOGRAMS) - {"neighbourhood"} <= set(pack), "a pictogram for a text that does not exist"


def test_every_question_starts_with_its_progress_and_ends_with_the_help_buttons():
    responses = yaml.safe_load(generated())["responses"]
    asked = [f"utter_ask_{q['slot']}" for q in QUESTIONS if not q.get("asked_by_action")]
    for name in [*asked, "utter_ask_contact_phone", "utter_ask_contact_email", "utter_ask_use_known_number"]:
        for variation in responses[name]:
            assert variation["text"].startswith("{progress}\n"), name
            assert [b["payload"] for b in variation["buttons"][-2:]] == ["/why_ask", "/talk_to_person"], name
