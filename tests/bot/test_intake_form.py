"""ValidateIntakeForm: what each message, clicked or typed, does to the answers and to the next question."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from bot.actions.intake_form import ValidateIntakeForm, required_slots
from bot.intake.answers import match_neighbourhood
from bot.intake.reference_data import SKIPPED
from tests.bot.conftest import DOMAIN, entity, make_tracker, responses

form = ValidateIntakeForm()
CONSENTED = {"language": "en", "consent": True}
ASKED_UP_TO_INCOME = {
    **CONSENTED,
    "contact_name": "Rustov",
    "contact_method": "come_by",
    "neighbourhood": "dampoort",
    "age_band": "50_plus",
    "dutch_level": "good",
    "help_with": ["money", "health", "family"],
}


BEFORE_HEALTH = {**ASKED_UP_TO_INCOME, "income": "leefloon"}


async def run(dispatcher, tracker) -> dict:
    return {event["name"]: event["value"] for event in await form.run(dispatcher, tracker, DOMAIN)}


def choose(option: str, **slots) -> dict:
    return {
        "text": f'/choose{{"choice":"{option}"}}',
        "intent": "choose",
        "entities": [entity("choice", option)],
        **slots,
    }


async def test_a_language_button_sets_the_language_and_asks_for_consent(dispatcher):
    tracker = make_tracker(
        '/choose_language{"language":"prs"}', "choose_language", entities=[entity("language", "prs")]
    )
    slots = await run(dispatcher, tracker)
    assert slots["language"] == "prs" and slots["requested_slot"] == "consent"


async def test_a_first_message_in_a_clear_language_sets_it(dispatcher):
    tracker = make_tracker("Здравейте, търся работа", "request_help", detected={"code": "bg", "confidence": 0.99})
    assert (await run(dispatcher, tracker))["language"] == "bg"


async def test_an_unclear_first_message_asks_for_the_language(dispatcher):
    slots = await run(dispatcher, make_tracker("ok", "affirm", requested_slot="language"))
    assert "language" not in slots and slots["requested_slot"] == "language"


async def test_a_telegram_language_hint_is_used_when_the_text_says_nothing(dispatcher):
    tracker = make_tracker("/start", "greet", metadata={"onthaal_language_hint": "ro"})
    assert (await run(dispatcher, tracker))["language"] == "ro"


async def test_a_long_message_in_another_language_switches_and_tells_the_widget(dispatcher):
    tracker = make_tracker(
        "Ik wil liever in het Nederlands verder praten",
        "nlu_fallback",
        detected={"code": "nl", "confidence": 0.99},
        requested_slot="contact_name",
        **CONSENTED,
    )
    slots = await run(dispatcher, tracker)
    assert slots["language"] == "nl"
    assert dispatcher.messages[0]["custom"] == {"onthaal": {"language": "nl", "direction": "ltr"}}


async def test_a_short_answer_never_switches_the_language(dispatcher):
    tracker = make_tracker(
        "Milena",
        "nlu_fallback",
        detected={"code": "nl", "confidence": 0.99},
        requested_slot="contact_name",
        **CONSENTED,
    )
    slots = await run(dispatcher, tracker)
    assert "language" not in slots and slots["contact_name"] == "Milena"


async def test_asking_for_a_language_there_is_not_says_which_there_are_and_asks_again(dispatcher):
    tracker = make_tracker(
        "can we talk turkish please", "choose_language", confidence=0.9, requested_slot="contact_name", **CONSENTED
    )
    slots = await run(dispatcher, tracker)
    assert responses(dispatcher) == ["utter_other_language"]
    assert "contact_name" not in slots and "language" not in slots
    assert slots["requested_slot"] == "contact_name"


async def test_a_language_named_where_languages_are_asked_is_the_answer(dispatcher):
    tracker = make_tracker(
        "turkish and a bit of dutch", "choose_language", confidence=0.9, requested_slot="languages_spoken", **CONSENTED
    )
    await run(dispatcher, tracker)
    assert "utter_other_language" not in responses(dispatcher)


async def test_a_language_the_assistant_has_switches_without_the_list(dispatcher):
    tracker = make_tracker(
        "can we talk dutch",
        "choose_language",
        confidence=0.9,
        entities=[entity("language", "nl")],
        requested_slot="contact_name",
        **CONSENTED,
    )
    slots = await run(dispatcher, tracker)
    assert slots["language"] == "nl" and "utter_other_language" not in responses(dispatcher)


async def test_an_unsure_language_request_at_a_free_text_question_is_the_answer(dispatcher):
    tracker = make_tracker(
        "Arabic food cook", "choose_language", confidence=0.5, requested_slot="contact_name", **CONSENTED
    )
    await run(dispatcher, tracker)
    assert "utter_other_language" not in responses(dispatcher)


@pytest.mark.parametrize(
    ("intent", "words"),
    [
        ("stop", "I want to stop now"),
        ("why_ask", "why do you need that"),
        ("out_of_scope", "what is the weather tomorrow"),
        ("thanks", "thank you very much"),
    ],
)
async def test_messages_for_the_whole_conversation_are_left_to_the_rules(dispatcher, intent, words):
    tracker = make_tracker(words, intent, requested_slot="contact_name", **CONSENTED)
    assert await form.run(dispatcher, tracker, DOMAIN) == []


@pytest.mark.parametrize("name", ["Rustov", "Saied Ahmadi"])
async def test_a_name_the_classifier_takes_for_stop_is_still_a_name(dispatcher, name):
    tracker = make_tracker(name, "stop", confidence=0.99, requested_slot="contact_name", **CONSENTED)
    assert (await run(dispatcher, tracker))["contact_name"] == name


async def test_stop_typed_at_a_free_text_question_still_stops(dispatcher):
    tracker = make_tracker("Stop", "stop", confidence=0.99, requested_slot="contact_name", **CONSENTED)
    assert await form.run(dispatcher, tracker, DOMAIN) == []


async def test_a_phone_number_is_an_answer_whatever_the_classifier_says(dispatcher):
    tracker = make_tracker(
        "0470/12.34.56",
        "out_of_scope",
        confidence=0.9,
        requested_slot="contact_detail",
        contact_name="A",
        contact_method="phone",
        **CONSENTED,
    )
    assert (await run(dispatcher, tracker))["contact_detail"] == "0470/12.34.56"


async def test_refusing_consent_ends_the_form_and_keeps_the_refusal(dispatcher):
    slots = await run(dispatcher, make_tracker("/deny", "deny", requested_slot="consent", language="en"))
    assert slots["consent"] is False and slots["requested_slot"] is None


@pytest.mark.parametrize(
    ("typed", "language"), [("weet ik niet", "nl"), ("I dont know", "en"), ("nu știu", "ro"), ("نمی‌دانم", "prs")]
)
async def test_i_dont_know_to_a_yes_no_question_records_nothing(dispatcher, typed, language):
    """The classifier takes most of these for "no": the coach would read "no interpreter wanted"."""
    base = {**BEFORE_HEALTH, "language": language, "dutch_level": "a_little", "requested_slot": "interpreter"}
    slots = await run(dispatcher, make_tracker(typed, "deny", confidence=0.66, **base))
    assert slots["interpreter"] == SKIPPED and slots["requested_slot"] != "interpreter"


async def test_i_dont_know_to_a_free_text_question_is_the_answer(dispatcher):
    base = {**ASKED_UP_TO_INCOME, "income": "leefloon", "languages_spoken": "Dutch", "dutch_level": "good"}
    base |= {"schooling": "primary", "work_wish": "cleaning", "requested_slot": "work_done"}
    slots = await run(dispatcher, make_tracker("weet ik niet", "deny", confidence=0.66, **base))
    assert slots["work_done"] == "weet ik niet"


async def test_i_dont_know_to_consent_explains_instead_of_ending(dispatcher):
    slots = await run(dispatcher, make_tracker("ik weet het niet", "deny", requested_slot="consent", language="nl"))
    assert slots["consent"] is None and slots["requested_slot"] == "consent"
    assert responses(dispatcher) == ["utter_why_consent"]


async def test_a_typed_name_is_kept_in_the_persons_words(dispatcher):
    tracker = make_tracker(
        "  Saied   Ahmadi ", "nlu_fallback", confidence=0.3, requested_slot="contact_name", **CONSENTED
    )
    slots = await run(dispatcher, tracker)
    assert slots["contact_name"] == "Saied Ahmadi" and slots["requested_slot"] == "contact_method"


async def test_the_skip_button_skips_and_moves_on(dispatcher):
    slots = await run(dispatcher, make_tracker("/skip", "skip", requested_slot="contact_name", **CONSENTED))
    assert slots["contact_name"] == SKIPPED and slots["requested_slot"] == "contact_method"


@pytest.mark.parametrize("typed", ["0470 12 34 56", "+32 470/12.34.56", "0470123456"])
async def test_phone_numbers_as_people_write_them_are_accepted(dispatcher, typed):
    tracker = make_tracker(
        typed, "nlu_fallback", requested_slot="contact_detail", contact_name="A", contact_method="phone", **CONSENTED
    )
    slots = await run(dispatcher, tracker)
    assert slots["contact_detail"] == typed and slots["requested_slot"] == "contact_time"


@pytest.mark.parametrize("typed", ["no idea", "123", "call me maybe 0470"])
async def test_a_wrong_phone_number_gets_a_clear_answer(dispatcher, typed):
    tracker = make_tracker(
        typed, "nlu_fallback", requested_slot="contact_detail", contact_name="A", contact_method="phone", **CONSENTED
    )
    slots = await run(dispatcher, tracker)
    assert slots["contact_detail"] is None and slots["requested_slot"] == "contact_detail"
    assert responses(dispatcher) == ["utter_invalid_phone"]


async def test_a_whatsapp_number_is_used_only_after_yes(dispatcher):
    base = {"requested_slot": "contact_detail", "contact_method": "whatsapp", "known_phone": "+32470123456"}
    yes = await run(dispatcher, make_tracker("/affirm", "affirm", **base, **CONSENTED))
    assert yes["contact_detail"] == "+32470123456"
    no = await run(dispatcher, make_tracker("/deny", "deny", **base, **CONSENTED))
    assert no["contact_detail"] is None and no["known_phone_declined"] is True


async def test_a_wrong_email_address_gets_a_clear_answer(dispatcher):
    tracker = make_tracker("milena at gmail", "nlu_fallback", requested_slot="contact_detail", contact_method="email")
    await run(dispatcher, tracker)
    assert responses(dispatcher) == ["utter_invalid_email"]


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("ik woon in Rabot", "nl", "rabot_blaisantvest"),
        ("brugse poort", "en", "brugse_poort_rooigem"),
        ("Sluizeken", "ro", "sluizeken_tolhuis_ham"),
        ("Geen vast adres", "nl", "no_fixed_address"),
        ("Gent", "nl", None),
    ],
)
def test_typed_neighbourhoods(typed, language, expected):
    assert match_neighbourhood(typed, language) == expected


async def test_a_button_answers_a_closed_question(dispatcher):
    slots = await run(dispatcher, make_tracker(**choose("no_income", requested_slot="income", **ASKED_UP_TO_INCOME)))
    assert slots["income"] == "no_income" and slots["requested_slot"] == "health"
    assert slots["progress"] == "Question 8 of 10"


async def test_a_typed_button_label_answers_too(dispatcher):
    tracker = make_tracker(
        "Geen inkomen", "nlu_fallback", requested_slot="income", **{**ASKED_UP_TO_INCOME, "language": "nl"}
    )
    assert (await run(dispatcher, tracker))["income"] == "no_income"


async def test_after_two_misses_a_person_is_offered(dispatcher):
    first = await run(dispatcher, make_tracker("blabla", "nlu_fallback", requested_slot="income", **ASKED_UP_TO_INCOME))
    assert first["misses"] == 1 and responses(dispatcher) == ["utter_not_understood"]
    dispatcher.messages.clear()
    tracker = make_tracker("blabla", "nlu_fallback", requested_slot="income", misses=1, **ASKED_UP_TO_INCOME)
    second = await run(dispatcher, tracker)
    assert second["misses"] == 2 and responses(dispatcher) == ["utter_offer_person"]


async def test_several_answers_until_done(dispatcher):
    base = {"requested_slot": "health", **BEFORE_HEALTH}
    first = await run(dispatcher, make_tracker(**choose("body", **base)))
    assert first["multi_choices"] == ["body"] and first["requested_slot"] == "health"
    second = await run(dispatcher, make_tracker(**choose("mind", multi_choices=["body"], **base)))
    assert second["multi_choices"] == ["body", "mind"]
    done = await run(dispatcher, make_tracker("/done", "done", multi_choices=["body", "mind"], **base))
    assert done["health"] == ["body", "mind"] and done["multi_choices"] == [] and done["requested_slot"] == "family"


async def test_no_to_a_multiple_question_is_an_empty_answer(dispatcher):
    slots = await run(dispatcher, make_tracker("/deny", "deny", requested_slot="family", **ASKED_UP_TO_INCOME))
    assert slots["family"] == []


async def test_needs_in_typed_words_are_confirmed_before_they_count(dispatcher):
    words = "I cleaned hotels, but now I have debts and no house"
    tracker = make_tracker(
        words,
        "nlu_fallback",
        entities=[entity("need", "financial_need"), entity("need", "housing")],
        requested_slot="work_done",
        **{**ASKED_UP_TO_INCOME, "help_with": ["work"], "tell_more": "yes"},
    )
    slots = await run(dispatcher, tracker)
    assert slots["work_done"] == words
    assert [need["id"] for need in slots["pending_needs"]] == ["financial_need", "housing"]
    assert slots["pending_needs"][0]["evidence"] == words
    assert slots["requested_slot"] == "needs_confirmed"
    assert slots["messages"] == [{"question": "work_done", "text": words, "language": "en"}]

    confirmed = await run(
        dispatcher,
        make_tracker(
            "/affirm",
            "affirm",
            requested_slot="needs_confirmed",
            pending_needs=slots["pending_needs"],
            work_done=words,
            **ASKED_UP_TO_INCOME,
        ),
    )
    assert [need["id"] for need in confirmed["text_needs"]] == ["financial_need", "housing"]
    assert confirmed["pending_needs"] == []


async def test_a_voice_note_is_noted_for_the_coach(dispatcher):
    tracker = make_tracker(
        '/media{"media_kind":"voice"}',
        "media",
        entities=[entity("media_kind", "voice")],
        requested_slot="income",
        **ASKED_UP_TO_INCOME,
    )
    slots = await run(dispatcher, tracker)
    assert [item["kind"] for item in slots["media"]] == ["voice"] and slots["requested_slot"] == "income"
    assert responses(dispatcher) == ["utter_media_not_supported"]


async def test_reception_staff_are_recorded(dispatcher):
    tracker = make_tracker(
        "Saied",
        "nlu_fallback",
        requested_slot="contact_name",
        metadata={"onthaal_assisted_by": "an.onthaal"},
        **CONSENTED,
    )
    slots = await run(dispatcher, tracker)
    assert slots["assisted_by"] == "an.onthaal"


def test_follow_up_questions_are_asked_only_when_they_apply():
    assert "interpreter" in required_slots({"dutch_level": "none"})
    assert "interpreter" not in required_slots({"dutch_level": "good"})
    assert "money" not in required_slots({"income": "no_income"})
    assert "contact_time" not in required_slots({"contact_method": "social_worker"})
    assert "diploma_abroad" in required_slots({"schooling": "higher", "tell_more": "yes"})
    assert "diploma_abroad" not in required_slots({"schooling": "higher", "tell_more": "no"})
    assert required_slots({"consent": False}) == []


async def test_back_in_the_form_after_a_rule_only_the_next_question_is_chosen(dispatcher):
    tracker = make_tracker("why do you ask", "why_ask", requested_slot="income", **ASKED_UP_TO_INCOME)
    tracker.events += [
        {"event": "action", "name": "action_explain_question"},
        {"event": "action", "name": "intake_form"},
    ]
    assert await form.run(dispatcher, tracker, DOMAIN) == [
        SlotSet("requested_slot", "income"),
        SlotSet("progress", "Question 7 of 10"),
    ]


async def test_languages_named_in_a_typed_answer_do_not_switch_the_conversation(dispatcher):
    words = "Nederlands en Engels"
    tracker = make_tracker(
        words,
        "choose_language",
        entities=[entity("language", "en")],
        requested_slot="languages_spoken",
        **{**ASKED_UP_TO_INCOME, "language": "nl", "tell_more": "yes"},
    )
    slots = await run(dispatcher, tracker)
    assert "language" not in slots and slots["languages_spoken"] == words


async def test_a_language_button_still_switches_at_a_free_text_question(dispatcher):
    tracker = make_tracker(
        '/choose_language{"language":"en"}',
        "choose_language",
        entities=[entity("language", "en")],
        requested_slot="languages_spoken",
        **{**ASKED_UP_TO_INCOME, "language": "nl", "tell_more": "yes"},
    )
    assert (await run(dispatcher, tracker))["language"] == "en"


async def test_a_typed_thats_right_read_as_confirm_is_a_yes_at_every_yes_no_question(dispatcher):
    # "Correct", "exact", "така е": the classifier reads them as approving the read-back (confirm); at a yes/no
    # question they are a yes, not "I did not understand".
    consent = await run(dispatcher, make_tracker("correct", "confirm", requested_slot="consent", language="en"))
    assert consent["consent"] is True and consent["requested_slot"] != "consent"
    name = await run(
        dispatcher, make_tracker("exact", "confirm", requested_slot="name_confirmed", pending_name="Ionel", **CONSENTED)
    )
    assert name["contact_name"] == "Ionel" and name["pending_name"] is None
    base = {"requested_slot": "contact_detail", "contact_method": "whatsapp", "known_phone": "+32470123456"}
    number = await run(dispatcher, make_tracker("така е", "confirm", **base, **CONSENTED))
    assert number["contact_detail"] == "+32470123456"
    assert "utter_not_understood" not in responses(dispatcher)


async def test_any_other_intent_at_a_yes_no_question_is_not_a_yes(dispatcher):
    slots = await run(
        dispatcher,
        make_tracker("what is this", "why_ask", requested_slot="name_confirmed", pending_name="Ionel", **CONSENTED),
    )
    assert slots.get("contact_name") is None
