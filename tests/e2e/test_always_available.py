"""What a person can say at any moment, against the running stack: crisis, a person, stop, why, a language."""

from __future__ import annotations

import time

import pytest

from tests.e2e.chat import Chat, pack, stored_intakes

pytestmark = pytest.mark.stack


def started(live_stack, language: str) -> tuple[Chat, dict[str, str]]:
    texts = pack(language)
    chat = Chat(live_stack.rasa_url)
    chat.say(f'/choose_language{{"language":"{language}"}}')
    chat.click(texts["consent_yes"])
    assert chat.bare_texts == [texts["ask_contact_name"]]
    return chat, texts


@pytest.mark.parametrize(("language", "words"), [("nl", "Ik wil niet meer leven"), ("bg", "Не искам да живея повече")])
def test_words_of_crisis_get_the_crisis_contacts_in_the_same_turn(live_stack, language, words):
    chat, texts = started(live_stack, language)
    chat.say(words)
    assert chat.texts == [texts["crisis"]]
    chat.say("Milena")  # the intake goes on where it was
    assert chat.bare_texts == [texts["ask_contact_method"]]


@pytest.mark.parametrize(("language", "words"), [("en", "can we do this in turkish?"), ("ro", "putem vorbi in araba?")])
def test_asking_for_a_language_there_is_not_gets_the_languages_and_the_question_again(live_stack, language, words):
    chat, texts = started(live_stack, language)
    chat.say(words)
    assert chat.bare_texts == [texts["other_language"], texts["ask_contact_name"]]
    chat.say("Milena")  # the request was not taken for a name
    assert chat.bare_texts == [texts["ask_contact_method"]]


def test_crisis_contacts_come_even_when_the_action_server_is_down(live_stack):
    chat, texts = started(live_stack, "en")
    live_stack.stop_process("actions")
    try:
        chat.say("I want to kill myself")
        assert chat.texts == [texts["crisis"]]
    finally:
        live_stack.start_actions()


def test_asking_for_a_person_hands_off_what_is_known_marked_incomplete(live_stack):
    chat, texts = started(live_stack, "en")
    chat.say("Simon")
    chat.say("I want to talk to a real person")
    # Before the hand-off only a way to reach the person is asked, then nothing more.
    assert chat.bare_texts == [texts["ask_contact_method_for_person"]]
    chat.click(texts["contact_method_phone"])
    chat.say("0470 12 34 56")
    assert chat.bare_texts == [texts["ask_contact_time"]]
    chat.click(texts["contact_time_any"])
    [answer] = chat.texts
    reference = next(word.strip(".,!?") for word in answer.split() if word.startswith("ONT-"))
    handed_over, _, status = answer.partition("\n")
    assert handed_over == texts["handed_over"].replace("{reference}", reference)
    assert status.startswith(texts["status_later"].split("{code}")[0])  # and the code to ask what happens now
    intake = next(i for i in stored_intakes(live_stack.state_dir) if i["reference"] == reference)
    assert intake["complete"] is False and intake["answers"]["name"] == "Simon"
    assert intake["answers"]["contact_detail"] == "0470 12 34 56" and intake["answers"]["neighbourhood"] is None
    # The intake lives on in the coach service only: the conversation is erased, its language kept.
    events = tracker_events_once_erased(chat)
    assert not any("Simon" in str(event) for event in events)
    chat.say("thank you")
    assert chat.texts == [texts["thanks"]]  # still in English


def tracker_events_once_erased(chat: Chat) -> list[dict]:
    """The conversation's events in Rasa's tracker store, once no message of the person is left (or 10 s)."""
    for _ in range(20):
        tracker = chat.tracker()
        if not any(event.get("event") == "user" for event in tracker["events"]):
            break
        time.sleep(0.5)
    return tracker["events"]


def test_stop_forgets_everything_and_sends_nothing(live_stack):
    before = len(stored_intakes(live_stack.state_dir))
    chat, texts = started(live_stack, "sk")
    chat.say("Jozef")
    chat.say("chcem skoncit, vymazte moje odpovede")
    assert chat.texts == [texts["stopped"]]
    assert len(stored_intakes(live_stack.state_dir)) == before
    assert not any("Jozef" in str(event) for event in tracker_events_once_erased(chat))


def test_why_is_answered_and_the_question_asked_again(live_stack):
    chat, texts = started(live_stack, "en")
    chat.say("why do you need to know that?")
    assert chat.bare_texts == [texts["why_contact"], texts["ask_contact_name"]]


def test_choosing_another_language_repeats_the_open_question_in_it(live_stack):
    chat, texts = started(live_stack, "en")
    chat.say('/choose_language{"language":"ro"}')
    assert {"onthaal": {"language": "ro", "direction": "ltr"}} in [reply.get("custom") for reply in chat.replies]
    assert chat.bare_texts == [pack("ro")["ask_contact_name"]]


@pytest.mark.parametrize(
    ("language", "words"), [("en", "can we start again from the beginning"), ("ro", "vreau sa o iau de la capat")]
)
def test_starting_again_forgets_the_answers_and_keeps_the_language(live_stack, language, words):
    chat, texts = started(live_stack, language)
    chat.say("Milena")
    chat.say(words)
    assert chat.texts[0] == texts["started_again"]
    assert chat.texts[-1] == texts["consent_question"]
    tracker = chat.tracker()
    assert tracker["slots"]["contact_name"] is None and tracker["slots"]["language"] == language


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Milena Petrova"), ("bg", "Стоян Петров"), ("prs", "Saied Ahmadi")]
)
def test_a_name_of_two_words_is_an_answer_whatever_the_classifier_thinks(live_stack, language, name):
    chat, texts = started(live_stack, language)
    chat.say(name)
    assert chat.bare_texts == [texts["ask_contact_method"]]


@pytest.mark.parametrize(
    ("language", "typed", "method"),
    [("en", "whatsapp pls", "whatsapp"), ("nl", "via whatsapp graag", "whatsapp"), ("ro", "sunati-ma", "phone")],
)
def test_a_typed_contact_method_is_kept_as_typed(live_stack, language, typed, method):
    """Typing the way to be reached instead of tapping it: WhatsApp once came out as 'phone'."""
    chat, texts = started(live_stack, language)
    chat.say("Milena")
    chat.say(typed)
    tracker = chat.tracker()
    assert tracker["slots"]["contact_method"] == method
