"""ValidateIntakeForm: what each answer, clicked or typed, does to the slots."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from bot.actions.intake_form import ValidateIntakeForm, match_neighbourhood
from bot.actions.reference_data import SKIPPED
from tests.bot.conftest import DOMAIN, entity, make_tracker, responses

form = ValidateIntakeForm()


async def test_a_language_button_sets_the_language(dispatcher):
    tracker = make_tracker(
        '/choose_language{"language":"prs"}', "choose_language", entities=[entity("language", "prs")]
    )
    assert await form.extract_language(dispatcher, tracker, DOMAIN) == {"language": "prs"}


async def test_a_first_message_in_a_clear_language_sets_it(dispatcher):
    tracker = make_tracker("Здравейте, търся работа", "request_help", detected={"code": "bg", "confidence": 0.99})
    assert await form.extract_language(dispatcher, tracker, DOMAIN) == {"language": "bg"}


async def test_an_unclear_language_is_asked_again_with_buttons(dispatcher):
    tracker = make_tracker("ok", "affirm", requested_slot="language")
    assert await form.extract_language(dispatcher, tracker, DOMAIN) == {"language": None}


async def test_the_detector_does_not_change_a_language_already_chosen(dispatcher):
    tracker = make_tracker(
        "Hello there my friend",
        "greet",
        detected={"code": "en", "confidence": 0.99},
        requested_slot="contact_name",
        language="nl",
    )
    assert await form.extract_language(dispatcher, tracker, DOMAIN) == {}


async def test_refusing_consent_ends_the_form_and_keeps_the_refusal(dispatcher):
    tracker = make_tracker("/deny", "deny", requested_slot="consent", language="en")
    events = await form.run(dispatcher, tracker, DOMAIN)
    assert SlotSet("consent", False) in events
    assert SlotSet("requested_slot", None) in events


async def test_something_else_than_yes_or_no_asks_for_consent_again(dispatcher):
    tracker = make_tracker("what is this", "nlu_fallback", requested_slot="consent", language="en")
    assert await form.extract_consent(dispatcher, tracker, DOMAIN) == {"consent": None}
    assert responses(dispatcher) == ["utter_not_understood"]


async def test_a_typed_name_is_kept_in_the_persons_words(dispatcher):
    tracker = make_tracker("  Saied   Ahmadi ", "nlu_fallback", confidence=0.3, requested_slot="contact_name")
    assert await form.extract_contact_name(dispatcher, tracker, DOMAIN) == {"contact_name": "Saied Ahmadi"}


async def test_the_skip_button_skips_the_name(dispatcher):
    tracker = make_tracker("/skip", "skip", requested_slot="contact_name")
    assert await form.extract_contact_name(dispatcher, tracker, DOMAIN) == {"contact_name": SKIPPED}


async def test_only_the_asked_slot_is_filled(dispatcher):
    tracker = make_tracker("Milena", "nlu_fallback", requested_slot="contact_name")
    assert await form.extract_neighbourhood(dispatcher, tracker, DOMAIN) == {}
    assert await form.extract_contact_detail(dispatcher, tracker, DOMAIN) == {}


@pytest.mark.parametrize("typed", ["0470 12 34 56", "+32 470/12.34.56", "0470123456"])
async def test_phone_numbers_as_people_write_them_are_accepted(dispatcher, typed):
    tracker = make_tracker(typed, "nlu_fallback", requested_slot="contact_detail", contact_method="phone")
    assert await form.extract_contact_detail(dispatcher, tracker, DOMAIN) == {"contact_detail": typed}


@pytest.mark.parametrize("typed", ["no idea", "123", "call me maybe 0470"])
async def test_a_wrong_phone_number_gets_a_clear_answer(dispatcher, typed):
    tracker = make_tracker(typed, "nlu_fallback", requested_slot="contact_detail", contact_method="phone")
    assert await form.extract_contact_detail(dispatcher, tracker, DOMAIN) == {"contact_detail": None}
    assert responses(dispatcher) == ["utter_invalid_phone"]


async def test_a_wrong_email_address_gets_a_clear_answer(dispatcher):
    tracker = make_tracker("milena at gmail", "nlu_fallback", requested_slot="contact_detail", contact_method="email")
    assert await form.extract_contact_detail(dispatcher, tracker, DOMAIN) == {"contact_detail": None}
    assert responses(dispatcher) == ["utter_invalid_email"]


async def test_no_contact_detail_is_asked_for_the_social_worker_route(dispatcher):
    tracker = make_tracker("", contact_method="social_worker")
    slots = await form.required_slots(DOMAIN["forms"]["intake_form"]["required_slots"], dispatcher, tracker, DOMAIN)
    assert "contact_detail" not in slots and "neighbourhood" in slots


async def test_a_typed_contact_method_in_the_persons_language(dispatcher):
    tracker = make_tracker("e-mail graag", "nlu_fallback", requested_slot="contact_method", language="nl")
    assert await form.extract_contact_method(dispatcher, tracker, DOMAIN) == {"contact_method": "email"}


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


async def test_an_unknown_neighbourhood_is_asked_again(dispatcher):
    tracker = make_tracker("Schaerbeek", "nlu_fallback", requested_slot="neighbourhood", language="en")
    assert await form.extract_neighbourhood(dispatcher, tracker, DOMAIN) == {"neighbourhood": None}
    assert responses(dispatcher) == ["utter_neighbourhood_not_understood"]


async def test_needs_are_collected_one_tap_at_a_time_until_done(dispatcher):
    tap = make_tracker(
        '/choose_need{"need_group":"money"}',
        "choose_need",
        entities=[entity("need_group", "money")],
        requested_slot="needs_done",
        need_groups=["housing"],
    )
    assert await form.extract_needs_done(dispatcher, tap, DOMAIN) == {
        "need_groups": ["housing", "money"],
        "needs_done": None,
    }
    done = make_tracker("/done", "done", requested_slot="needs_done", need_groups=["housing", "money"])
    assert await form.extract_needs_done(dispatcher, done, DOMAIN) == {"needs_answer": "reported", "needs_done": True}


async def test_the_needs_kept_through_validation(dispatcher):
    tracker = make_tracker(
        '/choose_need{"need_group":"learn_dutch"}',
        "choose_need",
        entities=[entity("need_group", "learn_dutch")],
        requested_slot="needs_done",
        language="en",
        consent=True,
        contact_name="A",
        contact_method="come_by",
        neighbourhood="dampoort",
    )
    events = await form.run(dispatcher, tracker, DOMAIN)
    assert SlotSet("need_groups", ["learn_dutch"]) in events
    assert SlotSet("requested_slot", "needs_done") in events


@pytest.mark.parametrize(
    ("payload", "intent", "answer"), [("/no_needs", "no_needs", "none"), ("/skip", "skip", "rather_not_say")]
)
async def test_none_of_these_and_rather_not_say(dispatcher, payload, intent, answer):
    tracker = make_tracker(payload, intent, requested_slot="needs_done")
    assert await form.extract_needs_done(dispatcher, tracker, DOMAIN) == {
        "need_groups": [],
        "needs_answer": answer,
        "needs_done": True,
    }
