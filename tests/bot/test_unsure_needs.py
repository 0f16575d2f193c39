"""Confirm, don't guess: a need the extractor is unsure of is asked on its own, with yes/no, before the read-back
of the sure ones; yes reports it, no marks it not reported, and past three questions the coach assesses it."""

from __future__ import annotations

from typing import Any

from bot.actions.asking import ActionAskNeedChecked
from bot.actions.intake_form import ValidateIntakeForm, required_slots
from bot.intake.intake import build_intake
from bot.intake.unsure_needs import MAX_CHECKED_NEEDS, UNSURE_BELOW, mentioned_needs
from tests.bot.conftest import DOMAIN, make_tracker, responses

form = ValidateIntakeForm()
WORDS = "I cleaned hotels, now I have debts and my house is bad"
# Every question up to work_done answered, after "tell a bit more"; "home": "safe" marks housing not reported.
BEFORE_WORK_DONE = {
    "language": "en",
    "consent": True,
    "contact_name": "Rustov",
    "contact_method": "come_by",
    "neighbourhood": "dampoort",
    "age_band": "50_plus",
    "dutch_level": "good",
    "help_with": ["work"],
    "work_wish": "cleaning",
    "tell_more": "yes",
    "income": "wage",
    "home": "safe",
    "health": [],
    "papers": "in_order",
    "family": [],
    "reading": "no",
    "money": "no",
    "schooling": "secondary",
    "diploma_abroad": "no",
}


def need(value: str, confidence: float | None = 1.0) -> dict[str, Any]:
    found = {"entity": "need", "value": value, "extractor": "NeedExtractor"}
    if confidence is not None:
        found["confidence_entity"] = confidence
    return found


async def run(dispatcher, tracker) -> dict:
    return {event["name"]: event["value"] for event in await form.run(dispatcher, tracker, DOMAIN)}


async def typed(dispatcher, words: str, entities: list[dict[str, Any]], **slots: Any) -> dict:
    tracker = make_tracker(words, "nlu_fallback", entities=entities, **{"requested_slot": "work_done", **slots})
    return await run(dispatcher, tracker)


async def answer(dispatcher, slots: dict[str, Any], text: str, intent: str) -> dict:
    """The person answers the open unsure-need question; returns the slots after it."""
    tracker = make_tracker(text, intent, **{**slots, "requested_slot": "need_checked"})
    return {**slots, **await run(dispatcher, tracker)}


def test_a_need_below_the_threshold_is_unsure_and_one_without_a_confidence_is_sure():
    message = {"entities": [need("housing", 0.5), need("financial_need", None), need("justice", UNSURE_BELOW)]}
    assert mentioned_needs(message) == {"housing": True, "financial_need": False, "justice": False}


def test_a_need_found_both_sure_and_unsure_in_one_message_is_sure():
    assert mentioned_needs({"entities": [need("housing", 0.5), need("housing", 1.0)]}) == {"housing": False}
    assert mentioned_needs({"entities": [need("housing", 1.0), need("housing", 0.5)]}) == {"housing": False}


async def test_an_unsure_need_is_asked_on_its_own_before_the_sure_ones_are_read_back(dispatcher):
    slots = await typed(dispatcher, WORDS, [need("financial_need"), need("housing", 0.5)], **BEFORE_WORK_DONE)
    assert slots["work_done"] == WORDS  # the answer counts; the needs in it wait for the person's word
    assert [found["id"] for found in slots["pending_needs"]] == ["financial_need"]
    assert slots["unsure_needs"] == [{"id": "housing", "evidence": WORDS, "question": "work_done"}]
    assert slots["requested_slot"] == "need_checked"
    assert required_slots({**BEFORE_WORK_DONE, **slots})[2:4] == ["need_checked", "needs_confirmed"]
    assert responses(dispatcher) == []  # no "not understood": the words were an answer


async def test_the_question_names_the_need_in_plain_words_in_the_persons_language(dispatcher):
    for language, words in (("en", "housing"), ("nl", "wonen"), ("prs", "جای زندگی")):
        dispatcher.messages.clear()
        tracker = make_tracker(
            "", language=language, unsure_needs=[{"id": "housing", "evidence": WORDS, "question": "work_done"}]
        )
        assert await ActionAskNeedChecked().run(dispatcher, tracker, DOMAIN) == []
        assert dispatcher.messages[0]["response"] == "utter_check_need"
        assert dispatcher.messages[0]["need"] == words


async def test_yes_reports_the_need_with_the_persons_words_then_the_sure_ones_are_read_back(dispatcher):
    before = {**BEFORE_WORK_DONE, "work_done": WORDS}
    before |= await typed(dispatcher, WORDS, [need("financial_need"), need("housing", 0.5)], **BEFORE_WORK_DONE)
    after = await answer(dispatcher, before, "/affirm", "affirm")
    assert after["text_needs"] == [{"id": "housing", "evidence": WORDS, "question": "work_done"}]
    assert after["checked_needs"] == [{"id": "housing", "answer": "yes"}] and after["unsure_needs"] == []
    assert after["requested_slot"] == "needs_confirmed"
    intake = build_intake(make_tracker("/confirm", "confirm", **after), "ONT-ABC234", "123456")
    assert intake["checklist"]["housing"] == "reported"
    assert {"id": "housing", "source": "text", "evidence": WORDS, "question": "work_done"} in intake["needs"]


async def test_no_leaves_the_need_out_and_tells_the_coach_it_is_not_reported(dispatcher):
    before = {**BEFORE_WORK_DONE, "work_done": WORDS}
    before |= await typed(dispatcher, WORDS, [need("housing", 0.5)], **BEFORE_WORK_DONE)
    after = await answer(dispatcher, before, "no", "deny")  # typed, read as "no" as elsewhere in the intake
    assert not after.get("text_needs") and after["checked_needs"] == [{"id": "housing", "answer": "no"}]
    assert after["requested_slot"] == "network"  # no sure needs to read back: the next question
    intake = build_intake(make_tracker("/confirm", "confirm", **after), "ONT-ABC234", "123456")
    assert intake["checklist"]["housing"] == "not_reported"
    assert "housing" not in {found["id"] for found in intake["needs"]}


async def test_a_typed_i_dont_know_leaves_the_need_for_the_coach_to_assess(dispatcher):
    before = {**BEFORE_WORK_DONE, "work_done": WORDS}
    before |= await typed(dispatcher, WORDS, [need("housing", 0.5)], **BEFORE_WORK_DONE)
    after = await answer(dispatcher, before, "I don't know", "nlu_fallback")
    assert after["checked_needs"] == [{"id": "housing", "answer": "unsure"}]
    assert after["needs_to_assess"] == ["housing"]
    intake = build_intake(make_tracker("/confirm", "confirm", **after), "ONT-ABC234", "123456")
    assert intake["checklist"]["housing"] == "not_asked"  # "te beoordelen", although "safe" alone says not reported


async def test_a_typed_thats_right_read_as_confirm_reports_the_need(dispatcher):
    before = {**BEFORE_WORK_DONE, "work_done": WORDS}
    before |= await typed(dispatcher, WORDS, [need("housing", 0.5)], **BEFORE_WORK_DONE)
    after = await answer(dispatcher, before, "ja dat klopt", "confirm")
    assert after["checked_needs"] == [{"id": "housing", "answer": "yes"}]
    assert after["text_needs"] == [{"id": "housing", "evidence": WORDS, "question": "work_done"}]


async def test_an_answer_that_is_not_yes_or_no_asks_again(dispatcher):
    before = {**BEFORE_WORK_DONE, "work_done": WORDS}
    before |= await typed(dispatcher, WORDS, [need("housing", 0.5)], **BEFORE_WORK_DONE)
    after = await answer(dispatcher, before, "cleaning", "nlu_fallback")
    assert after["requested_slot"] == "need_checked" and after["unsure_needs"] == before["unsure_needs"]
    assert responses(dispatcher) == ["utter_not_understood"]


async def test_at_most_three_unsure_needs_are_asked_the_rest_is_for_the_coach(dispatcher):
    weak = ["housing", "financial_need", "justice", "psychological"]
    slots = await typed(dispatcher, WORDS, [need(value, 0.5) for value in weak], **BEFORE_WORK_DONE)
    assert [found["id"] for found in slots["unsure_needs"]] == weak[:MAX_CHECKED_NEEDS]
    assert slots["needs_to_assess"] == ["psychological"]
    state = {**BEFORE_WORK_DONE, "work_done": WORDS, **slots}
    for reply, intent in (("/affirm", "affirm"), ("/deny", "deny"), ("/affirm", "affirm")):
        state = await answer(dispatcher, state, reply, intent)
    assert [checked["answer"] for checked in state["checked_needs"]] == ["yes", "no", "yes"]
    assert state["requested_slot"] == "network"
    # A fourth weak match later in the conversation is not asked either.
    later = await typed(
        dispatcher, "I sleep badly", [need("day_night_rhythm", 0.5)], **{**state, "requested_slot": "network"}
    )
    assert "unsure_needs" not in later and later["needs_to_assess"] == ["psychological", "day_night_rhythm"]
    intake = build_intake(make_tracker("/confirm", "confirm", **{**state, **later}), "ONT-ABC234", "123456")
    checklist = intake["checklist"]
    assert checklist["housing"] == checklist["justice"] == "reported"
    assert checklist["financial_need"] == "not_reported"  # "money": "no" said so too; the person's no agrees
    assert checklist["psychological"] == checklist["day_night_rhythm"] == "not_asked"


async def test_a_need_asked_once_is_not_asked_again_but_a_sure_mention_is_read_back(dispatcher):
    state = {
        **BEFORE_WORK_DONE,
        "work_done": WORDS,
        "checked_needs": [{"id": "housing", "answer": "no"}],
        "requested_slot": "network",
    }
    again = await typed(dispatcher, "my house again", [need("housing", 0.5)], **state)
    assert "unsure_needs" not in again and "needs_to_assess" not in again
    sure = await typed(dispatcher, "I have no house at all", [need("housing")], **state)
    assert [found["id"] for found in sure["pending_needs"]] == ["housing"]


async def test_a_need_already_reported_by_a_button_is_not_asked(dispatcher):
    state = {**BEFORE_WORK_DONE, "help_with": ["work", "home"], "home": "no_place_tonight"}
    slots = await typed(dispatcher, WORDS, [need("housing", 0.5)], **state)
    assert "unsure_needs" not in slots and slots["requested_slot"] != "need_checked"


async def test_an_unsure_need_never_asked_before_a_hand_off_is_left_to_assess(dispatcher):
    waiting = [{"id": "justice", "evidence": WORDS, "question": "work_done"}]
    slots = {**BEFORE_WORK_DONE, "justice": "no", "unsure_needs": waiting, "talk_requested": True}
    intake = build_intake(make_tracker("/talk_to_person", "talk_to_person", **slots), "ONT-ABC234", "123456")
    assert intake["checklist"]["justice"] == "not_asked"


async def test_the_answer_to_an_unsure_need_question_is_not_searched_for_needs(dispatcher):
    before = {**BEFORE_WORK_DONE, "work_done": WORDS}
    before |= await typed(dispatcher, WORDS, [need("housing", 0.5)], **BEFORE_WORK_DONE)
    tracker = make_tracker(
        "yes the house", "affirm", entities=[need("housing", 0.5)], **{**before, "requested_slot": "need_checked"}
    )
    after = await run(dispatcher, tracker)
    assert after["checked_needs"] == [{"id": "housing", "answer": "yes"}] and after["unsure_needs"] == []
    assert "pending_needs" not in after


def by_likeness(value: str) -> dict[str, Any]:
    """A need the example classifier found (bot/nlu/needs/similar.py): unsure, and marked so."""
    return {**need(value, 0.5), "method": "likeness"}


def test_a_need_found_by_likeness_counts_only_in_the_persons_own_words():
    message = {"entities": [by_likeness("limited_dutch"), need("housing", 0.5)]}
    assert mentioned_needs(message) == {"limited_dutch": True, "housing": True}
    assert mentioned_needs(message, own_words=False) == {"housing": True}


async def test_a_list_of_languages_is_not_read_as_a_need_by_likeness(dispatcher):
    # "Nederlands en Frans" is like the example answers about speaking little Dutch, and says the opposite.
    slots = {**BEFORE_WORK_DONE, "work_done": "cleaning", "network": "yes", "referral": "vdab"}
    tracker = make_tracker(
        "Nederlands en Frans",
        "nlu_fallback",
        entities=[by_likeness("limited_dutch")],
        requested_slot="languages_spoken",
        **slots,
    )
    updated = await run(dispatcher, tracker)
    assert updated["languages_spoken"] == "Nederlands en Frans"
    assert not updated.get("unsure_needs") and not updated.get("pending_needs")


async def test_a_need_found_by_likeness_in_an_open_answer_is_asked(dispatcher):
    words = "I have to wear an ankle band until march"
    slots = await typed(dispatcher, words, [by_likeness("justice")], **BEFORE_WORK_DONE)
    assert slots["unsure_needs"] == [{"id": "justice", "evidence": words, "question": "work_done"}]
    assert slots["requested_slot"] == "need_checked"
