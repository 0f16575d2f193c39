"""One whole intake per language against the real Rasa server, action server and coach service."""

from __future__ import annotations

import pytest

from tests.e2e.chat import Chat, pack, stored_intakes

pytestmark = pytest.mark.stack

# (language, how the person starts, name, phone, neighbourhood typed or clicked, need groups clicked)
PEOPLE = [
    ("nl", "Goedendag, ik zoek werk", "Mieke", "0470 12 34 56", "Nieuw Gent - UZ", ["health"]),
    ("en", "button", "Simon", "+32 486 11 22 33", "Brugse Poort - Rooigem", ["housing", "work"]),
    ("bg", "Здравейте, търся работа", "Милена", "0488 765 432", "Bloemekenswijk", ["family", "learn_dutch", "money"]),
    ("sk", "button", "Jozef", "0499 12 12 12", "Rabot - Blaisantvest", ["housing", "digital"]),
    ("ro", "Bună ziua, caut un loc de muncă", "Rustov", "0477 00 11 22", "no_fixed_address", ["housing", "money"]),
    ("prs", "سلام، من کار می خواهم", "سعید", "0465 33 44 55", "Binnenstad", ["learn_dutch", "school"]),
]
NEED_IDS = {
    "housing": ["housing"],
    "money": ["financial_need"],
    "health": ["medical"],
    "family": ["family_care", "childcare"],
    "learn_dutch": ["limited_dutch"],
    "work": ["limited_work_experience"],
    "school": ["low_education"],
    "digital": ["literacy_digital"],
}
NEIGHBOURHOOD_IDS = {
    "Nieuw Gent - UZ": "nieuw_gent_uz",
    "Brugse Poort - Rooigem": "brugse_poort_rooigem",
    "Bloemekenswijk": "bloemekenswijk",
    "Rabot - Blaisantvest": "rabot_blaisantvest",
    "no_fixed_address": "no_fixed_address",
    "Binnenstad": "binnenstad",
}
LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "en": "English",
    "bg": "Български",
    "sk": "Slovenčina",
    "ro": "Română",
    "prs": "دری",
}


def hold_intake(chat: Chat, code: str, opening: str, name: str, phone: str, wijk: str, groups: list[str]) -> str:
    texts = pack(code)
    if opening == "button":
        chat.say("/greet")
        chat.click(LANGUAGE_NAMES[code])
    else:
        chat.say(opening)
    assert {"onthaal": {"language": code, "direction": "rtl" if code == "prs" else "ltr"}} in [
        reply.get("custom") for reply in chat.replies
    ]
    assert texts["consent_question"] in chat.texts
    chat.click(texts["consent_yes"])
    assert chat.texts == [texts["ask_name"]]
    chat.say(name)
    assert chat.texts == [texts["ask_contact_method"]]
    chat.click(texts["contact_method_phone"])
    chat.say(phone)
    assert chat.texts == [texts["ask_neighbourhood"]]
    chat.click(texts["neighbourhood_no_fixed_address"] if wijk == "no_fixed_address" else wijk)
    assert chat.texts == [texts["ask_needs"]]
    for group in groups:
        chat.click(texts[f"need_group_{group}"])
    chat.click(texts["needs_done"])
    readback = chat.texts[0]
    assert readback.startswith(texts["readback_intro"]) and name in readback and phone in readback
    chat.click(texts["readback_confirm"])
    reference = next(word.strip(".,!") for word in chat.texts[0].split() if word.startswith("ONT-"))
    assert chat.texts == [texts["submitted"].replace("{reference}", reference)]
    return reference


def test_a_whole_intake_in_each_language_reaches_the_coach_service(live_stack):
    references = {}
    for code, opening, name, phone, wijk, groups in PEOPLE:
        references[code] = hold_intake(Chat(live_stack.rasa_url), code, opening, name, phone, wijk, groups)

    intakes = {intake["reference"]: intake for intake in stored_intakes(live_stack.state_dir)}
    assert len(intakes) == 6
    for code, _opening, name, phone, wijk, groups in PEOPLE:
        intake = intakes[references[code]]
        assert intake["language"] == code
        assert intake["channel"] == "rest"
        assert intake["complete"] is True
        assert intake["answers"] == {
            "name": name,
            "contact_method": "phone",
            "contact_detail": phone,
            "neighbourhood": NEIGHBOURHOOD_IDS[wijk],
        }
        assert intake["needs_answer"] == "reported"
        assert [need["id"] for need in intake["needs"]] == [need for group in groups for need in NEED_IDS[group]]
        assert intake["skipped"] == []


def test_declining_consent_stores_and_sends_nothing(live_stack):
    before = len(stored_intakes(live_stack.state_dir))
    texts = pack("sk")
    chat = Chat(live_stack.rasa_url)
    chat.say("/greet")
    chat.click("Slovenčina")
    chat.click(texts["consent_no"])
    assert chat.texts == [texts["consent_declined"]]
    assert len(stored_intakes(live_stack.state_dir)) == before


def test_skipped_questions_are_sent_as_skipped(live_stack):
    texts = pack("en")
    chat = Chat(live_stack.rasa_url)
    chat.say("/greet")
    chat.click("English")
    chat.click(texts["consent_yes"])
    chat.click(texts["skip_button"])  # name
    chat.click(texts["skip_button"])  # contact method
    chat.click(texts["skip_button"])  # neighbourhood
    chat.click(texts["skip_button"])  # needs
    assert texts["readback_not_answered"] in chat.texts[0]
    chat.click(texts["readback_confirm"])
    reference = next(word.strip(".,!") for word in chat.texts[0].split() if word.startswith("ONT-"))
    intake = next(i for i in stored_intakes(live_stack.state_dir) if i["reference"] == reference)
    assert intake["answers"] == {"name": None, "contact_method": None, "contact_detail": None, "neighbourhood": None}
    assert intake["skipped"] == ["name", "contact_method", "neighbourhood", "needs"]
    assert intake["needs_answer"] == "rather_not_say" and intake["needs"] == []


def test_a_typed_neighbourhood_and_a_wrong_phone_number_are_handled(live_stack):
    texts = pack("nl")
    chat = Chat(live_stack.rasa_url)
    chat.say("/greet")
    chat.click("Nederlands")
    chat.click(texts["consent_yes"])
    chat.say("Ambrose")
    chat.click(texts["contact_method_phone"])
    chat.say("geen idee")
    assert chat.texts == [texts["invalid_phone"], texts["ask_contact_phone"]]
    chat.say("0470/12.34.56")
    chat.say("ik woon in ledeberg")
    assert chat.texts == [texts["ask_needs"]]
    chat.say("Schaerbeek")  # not a need: asked again, nothing chosen
    assert chat.texts == [texts["not_understood"], texts["ask_needs"]]
