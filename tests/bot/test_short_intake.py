"""The short intake of issue 12: a core, follow-ups only for the chosen domains, "tell a bit more" by choice, a true
progress line, a person before the contact question, a name taken out of a sentence, and where to go in the same
turn when there is no place to sleep or no income."""

from __future__ import annotations

import pytest

from bot.actions.asking import ActionAskContactMethod, AskMultiple, progress_text
from bot.actions.handoff import reachable
from bot.actions.intake_form import ValidateIntakeForm, required_slots
from bot.actions.readback import MAX_BUTTONS, ActionAskWhichChange, ActionFinishIntakeForm, summary
from bot.intake.places import services_for, team_place
from bot.intake.questions import path, progress
from tests.bot.conftest import DOMAIN, entity, make_tracker, responses

form = ValidateIntakeForm()
CONSENTED = {"language": "en", "consent": True}
CORE = {
    **CONSENTED,
    "contact_name": "Ionel",
    "contact_method": "come_by",
    "neighbourhood": "dampoort",
    "age_band": "25_34",
    "dutch_level": "good",
}
EVERY_DOMAIN = ["work", "money", "home", "health", "papers", "family", "reading", "dutch", "other"]


def choose(option: str, **slots) -> dict:
    return {
        "text": f'/choose{{"choice":"{option}"}}',
        "intent": "choose",
        "entities": [entity("choice", option)],
        **slots,
    }


async def run(dispatcher, tracker) -> dict:
    return {event["name"]: event["value"] for event in await form.run(dispatcher, tracker, DOMAIN)}


def test_the_core_asks_no_life_domain_before_the_person_chose_one():
    assert path(CONSENTED) == [
        "contact_name",
        "contact_method",
        "neighbourhood",
        "age_band",
        "dutch_level",
        "help_with",
        "tell_more",
    ]


def test_only_the_chosen_domains_get_their_follow_ups_before_tell_more():
    ahead = path({**CORE, "help_with": ["home", "papers"]})
    assert ahead[ahead.index("help_with") + 1 :] == ["home", "papers", "tell_more"]


def test_yes_to_tell_more_opens_the_rest_with_anything_else_last():
    ahead = path({**CORE, "help_with": ["home"], "tell_more": "yes"})
    rest = ahead[ahead.index("tell_more") + 1 :]
    assert rest[0] == "work_wish" and rest[-1] == "anything_else"
    assert "home" not in rest and {"justice", "network", "schooling", "referral"} <= set(rest)
    assert path({**CORE, "help_with": ["home"], "tell_more": "no"})[-1] == "tell_more"


def test_a_chosen_domain_is_not_asked_again_after_tell_more():
    ahead = path({**CORE, "help_with": ["reading", "money"], "tell_more": "yes"})
    assert "reading" not in ahead and "money" not in ahead


def test_the_longest_path_holds_every_domain_and_follow_up():
    ahead = path({**CORE, "contact_method": "phone", "dutch_level": "none", "help_with": EVERY_DOMAIN})
    assert ahead[:9] == [
        "contact_name",
        "contact_method",
        "contact_detail",
        "contact_time",
        "neighbourhood",
        "age_band",
        "dutch_level",
        "interpreter",
        "help_with",
    ]
    assert ahead[9:] == ["work_wish", "income", "home", "health", "papers", "family", "anything_else", "tell_more"]


@pytest.mark.parametrize(("language", "expected"), [("en", "Question 2 of 7"), ("nl", "Vraag 2 van 7"), ("prs", "۲")])
def test_progress_is_counted_on_the_path_ahead_in_the_persons_digits(language, expected):
    slots = {**CONSENTED, "language": language, "contact_name": "Ionel"}
    assert progress(slots, "contact_method") == (2, 7)
    assert expected in progress_text(slots, "contact_method")


def test_progress_grows_when_the_path_does():
    before = progress({**CORE, "help_with": None}, "help_with")
    after = progress({**CORE, "help_with": ["home", "money"]}, "home")
    assert before == (6, 7) and after == (8, 9)
    assert progress_text(CORE, None) is None


async def test_talk_to_a_person_asks_for_a_way_to_reach_them_first(dispatcher):
    slots = {**CONSENTED, "contact_name": "Ionel"}
    tracker = make_tracker("/talk_to_person", "talk_to_person", requested_slot="contact_method", **slots)
    result = await run(dispatcher, tracker)
    assert result["talk_requested"] is True and result["requested_slot"] == "contact_method"
    assert required_slots({**slots, "talk_requested": True}) == ["language", "consent", "contact_method"]


async def test_talk_to_a_person_when_the_contact_is_known_ends_the_form_at_once(dispatcher):
    slots = {**CORE, "contact_method": "social_worker", "social_worker": "Sara, OCMW"}
    tracker = make_tracker("/talk_to_person", "talk_to_person", requested_slot="age_band", **slots)
    result = await run(dispatcher, tracker)
    assert result["talk_requested"] is True and result["requested_slot"] is None


async def test_the_finished_form_hands_over_when_a_person_was_asked_for(dispatcher, coach):
    tracker = make_tracker(talk_requested=True, **CORE)
    events = await ActionFinishIntakeForm().run(dispatcher, tracker, DOMAIN)
    assert [event["event"] for event in events] == ["active_loop", "reset_slots", "slot"]
    [message] = dispatcher.messages
    # "I'll come by": no way to reach the person, so the team's desk comes with the reference.
    assert message["response"] == "utter_handed_over_come_by" and "Team Noord" in message["place"]
    assert message["reference"].startswith("ONT-") and len(message["code"]) == 6


async def test_before_consent_talk_to_a_person_is_left_to_the_rules(dispatcher):
    tracker = make_tracker("/talk_to_person", "talk_to_person", requested_slot="consent", language="en")
    assert await form.run(dispatcher, tracker, DOMAIN) == []


async def test_a_name_inside_a_sentence_is_confirmed_before_it_counts(dispatcher):
    words = "Hello, my name is Ionel and I am looking for work"
    tracker = make_tracker(words, "inform", requested_slot="contact_name", **CONSENTED)
    result = await run(dispatcher, tracker)
    assert result["contact_name"] is None and result["pending_name"] == "Ionel"
    assert result["requested_slot"] == "name_confirmed"
    yes = await run(
        dispatcher,
        make_tracker("/affirm", "affirm", requested_slot="name_confirmed", pending_name="Ionel", **CONSENTED),
    )
    assert yes["contact_name"] == "Ionel" and yes["pending_name"] is None and yes["requested_slot"] == "contact_method"
    no = await run(
        dispatcher, make_tracker("/deny", "deny", requested_slot="name_confirmed", pending_name="Ionel", **CONSENTED)
    )
    assert no["contact_name"] is None and no["requested_slot"] == "contact_name"


async def test_a_bare_name_needs_no_confirmation(dispatcher):
    result = await run(dispatcher, make_tracker("Ionel", "inform", requested_slot="contact_name", **CONSENTED))
    assert result["contact_name"] == "Ionel" and "pending_name" not in result


async def test_a_phone_number_inside_a_sentence_is_the_answer(dispatcher):
    words = "my number is 0470 12 34 56, call me after 5"
    slots = {**CONSENTED, "contact_name": "Ionel", "contact_method": "phone"}
    result = await run(dispatcher, make_tracker(words, "inform", requested_slot="contact_detail", **slots))
    assert result["contact_detail"] == "0470 12 34 56"


async def test_no_place_to_sleep_shows_where_to_go_tonight_in_the_same_turn(dispatcher):
    slots = {**CORE, "help_with": ["home"]}
    result = await run(dispatcher, make_tracker(**choose("no_place_tonight", requested_slot="home", **slots)))
    assert result["home"] == "no_place_tonight" and result["requested_slot"] == "tell_more"
    [message] = dispatcher.messages
    assert message["response"] == "utter_services_no_place_to_sleep"
    assert "Nachtopvang Gent" in message["places"] and "to be confirmed" in message["places"]


async def test_no_income_shows_the_ocmw_in_the_same_turn(dispatcher):
    slots = {**CORE, "help_with": ["money"]}
    await run(dispatcher, make_tracker(**choose("no_income", requested_slot="income", **slots)))
    assert responses(dispatcher) == ["utter_services_no_income"]
    assert "OCMW Gent" in dispatcher.messages[0]["places"] and "Nachtopvang" not in dispatcher.messages[0]["places"]


def test_services_and_desks_are_said_in_the_persons_language():
    assert "een bed voor vannacht" in services_for("nl", "no_place_to_sleep")
    assert "Team Noord" in team_place("en", "dampoort") and "Team Centrum" in team_place("en", "no_fixed_address")
    assert "nog te bevestigen" in team_place("nl", "dampoort")


def test_a_coach_can_reach_the_person_only_with_a_way_to_do_so():
    assert not reachable(make_tracker(**CORE))
    assert not reachable(make_tracker(**{**CORE, "contact_method": "phone", "contact_detail": None}))
    assert reachable(make_tracker(**{**CORE, "contact_method": "phone", "contact_detail": "0470123456"}))
    assert reachable(make_tracker(**{**CORE, "contact_method": "social_worker"}))


async def test_whatsapp_offers_its_number_again_at_the_contact_question(dispatcher):
    tracker = make_tracker(known_phone="+32470123456", **CONSENTED)
    await ActionAskContactMethod().run(dispatcher, tracker, DOMAIN)
    first = dispatcher.messages[0]["buttons"][0]
    assert "+32470123456" in first["title"] and first["payload"] == '/choose{"choice":"known_number"}'
    result = await run(
        dispatcher,
        make_tracker(
            **choose(
                "known_number",
                requested_slot="contact_method",
                known_phone="+32470123456",
                contact_name="Ana",
                **CONSENTED,
            )
        ),
    )
    assert result["contact_method"] == "whatsapp" and result["contact_detail"] == "+32470123456"
    assert result["requested_slot"] == "contact_time"


async def test_every_question_an_action_asks_carries_the_help_buttons(dispatcher):
    class AskHelpWith(AskMultiple):
        slot = "help_with"

    await AskHelpWith().run(dispatcher, make_tracker(multi_choices=["work"], **CONSENTED), DOMAIN)
    payloads = [button["payload"] for button in dispatcher.messages[0]["buttons"]]
    assert payloads[-2:] == ["/why_ask", "/talk_to_person"] and '/choose{"choice":"work"}' not in payloads


LONGEST = {
    **CORE,
    "contact_method": "phone",
    "contact_detail": "0470 12 34 56",
    "contact_time": "morning",
    "dutch_level": "none",
    "interpreter": "yes",
    "help_with": EVERY_DOMAIN,
    "work_wish": "Bike repair",
    "income": "wage",
    "home": "safe",
    "health": ["body"],
    "papers": "in_order",
    "family": ["childcare"],
    "anything_else": "nothing",
    "tell_more": "yes",
    "schooling": "higher",
    "diploma_abroad": "yes",
    "work_done": "Cleaning",
    "network": "no",
    "daytime": "yes",
    "justice": "no",
    "referral": "vdab",
    "languages_spoken": "Romanian",
}


async def test_the_read_back_is_in_sections_with_at_most_eight_buttons(dispatcher):
    tracker = make_tracker(**LONGEST)
    await ActionFinishIntakeForm().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert len(message["buttons"]) <= MAX_BUTTONS
    assert [button["payload"] for button in message["buttons"]][:2] == [
        "/confirm",
        '/change_answer{"section":"about_you"}',
    ]
    text = summary(tracker)
    assert text.split("\n\n")[0].startswith("About you") and "How to reach you" in text and "Daily life" in text
    for section in ("about_you", "contact", "situation", "school_work", "daily_life"):
        dispatcher.messages.clear()
        change = make_tracker(
            f'/change_answer{{"section":"{section}"}}',
            "change_answer",
            entities=[entity("section", section)],
            **LONGEST,
        )
        await ActionAskWhichChange().run(dispatcher, change, DOMAIN)
        assert 1 <= len(dispatcher.messages[0]["buttons"]) <= MAX_BUTTONS
