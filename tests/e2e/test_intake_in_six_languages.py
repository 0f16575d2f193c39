"""One whole intake per language against the real Rasa server, action server and coach service."""

from __future__ import annotations

import pytest

from tests.e2e.chat import Chat, pack, stored_intakes, without_progress
from tests.e2e.intake import IntakeScript

pytestmark = pytest.mark.stack

# (language, how the person starts, answers)
PEOPLE = [
    (
        "nl",
        "Goedendag, ik zoek werk",
        {
            "contact_name": ("type", "Mieke"),
            "contact_method": "phone",
            "contact_detail": ("type", "0470 12 34 56"),
            "contact_time": "morning",
            "neighbourhood": "nieuw_gent_uz",
            "help_with": ["health"],
            "health": ["body"],
        },
    ),
    (
        "en",
        "button",
        {
            "contact_name": ("type", "Simon"),
            "contact_method": "whatsapp",
            "contact_detail": ("type", "+32 486 11 22 33"),
            "neighbourhood": "brugse_poort_rooigem",
            "help_with": ["money", "home"],
            "home": "unsure",
            "income": "wage",
        },
    ),
    (
        "bg",
        "Здравейте, търся работа",
        {
            "contact_name": ("type", "Милена"),
            "contact_method": "social_worker",
            "neighbourhood": "bloemekenswijk",
            "dutch_level": "a_little",
            "interpreter": "yes",
            "help_with": ["family"],
            "family": ["childcare", "conflict"],
        },
    ),
    (
        "sk",
        "button",
        {
            "contact_name": ("type", "Jozef"),
            "contact_method": "come_by",
            "neighbourhood": "rabot_blaisantvest",
            "help_with": ["home", "papers", "reading"],
            "home": "unsure",
            "papers": "not_in_order",
        },
    ),
    (
        "ro",
        "Bună ziua, caut un loc de muncă",
        {
            "contact_name": ("type", "Rustov"),
            "contact_method": "come_by",
            "neighbourhood": "no_fixed_address",
            "help_with": ["money", "home", "health"],
            "income": "no_income",
            "home": "no_place_tonight",
            "health": ["addiction", "body"],
        },
    ),
    (
        "prs",
        "سلام، من کار می خواهم",
        {
            "contact_name": ("type", "سعید"),
            "contact_method": "social_worker",
            "neighbourhood": "binnenstad",
            "dutch_level": "none",
            "tell_more": "yes",
            "schooling": "none",
            "network": "no",
        },
    ),
]
EXPECTED_REPORTED = {
    "nl": {"medical"},
    "en": {"housing", "financial_need"},
    "bg": {"limited_dutch", "childcare", "family_relationships"},
    "sk": {"housing", "literacy_digital", "residence_status"},
    "ro": {"financial_need", "housing", "addiction", "medical"},
    "prs": {"limited_dutch", "low_education", "limited_network"},
}


def test_a_whole_intake_in_each_language_reaches_the_coach_service(live_stack):
    references = {}
    for code, opening, script in PEOPLE:
        references[code] = IntakeScript(Chat(live_stack.rasa_url), code, script).hold(opening)

    intakes = {intake["reference"]: intake for intake in stored_intakes(live_stack.state_dir)}
    for code, _opening, script in PEOPLE:
        intake = intakes[references[code]]
        assert intake["language"] == code
        assert intake["channel"] == "rest"
        assert intake["complete"] is True
        assert intake["answers"]["name"] == script["contact_name"][1]
        assert intake["answers"]["neighbourhood"] == script["neighbourhood"]
        assert intake["answers"]["contact_method"] == script["contact_method"]
        reported = {need for need, state in intake["checklist"].items() if state == "reported"}
        assert reported == EXPECTED_REPORTED[code], code
    assert "no_place_to_sleep" in intakes[references["ro"]]["flags"]
    assert "no_income" in intakes[references["ro"]]["flags"]


def test_declining_consent_stores_and_sends_nothing(live_stack):
    before = len(stored_intakes(live_stack.state_dir))
    texts = pack("sk")
    chat = Chat(live_stack.rasa_url)
    chat.say("/greet")
    chat.click("Slovenčina")
    chat.click(texts["consent_no"])
    [reply] = chat.texts
    assert reply.startswith(texts["consent_declined"]) and "Team Centrum" in reply  # where to go instead
    assert len(stored_intakes(live_stack.state_dir)) == before


def test_a_typed_neighbourhood_and_a_wrong_phone_number_are_handled(live_stack):
    texts = pack("nl")
    chat = Chat(live_stack.rasa_url)
    chat.say("/greet")
    chat.click("Nederlands")
    chat.click(texts["consent_yes"])
    chat.say("Ambrose")
    chat.click(texts["contact_method_phone"])
    chat.say("geen idee")
    assert [without_progress(text) for text in chat.texts] == [texts["invalid_phone"], texts["ask_contact_phone"]]
    chat.say("0470/12.34.56")
    chat.click(texts["contact_time_any"])
    chat.say("ik woon in ledeberg")
    assert [without_progress(text) for text in chat.texts] == [texts["ask_age_band"]]
