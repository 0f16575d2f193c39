"""The conversation store's plain tracker work (bot/tracker_events.py), on real Rasa events and trackers."""

from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    AgentUttered,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    EntitiesAdded,
    FollowupAction,
    LoopInterrupted,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_events import (
    appended_events,
    copy_tracker,
    events_from_dicts,
    holds_content,
    last_session_start,
    starts_another_session,
)

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: text
    mappings: [{type: custom}]
  contact_name:
    type: text
    mappings: [{type: custom}]
"""
)


def turn(text: str) -> list:
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "inform", "confidence": 0.9}, [{"entity": "place", "value": "Gent"}]),
        ActionExecuted("intake_form"),
        ActiveLoop("intake_form"),
        SlotSet("contact_name", text),
        BotUttered("next question", {"buttons": [{"title": "yes", "payload": "/affirm"}]}),
    ]


def session(text: str) -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), *turn(text)]


def dicts(events: list) -> list[dict]:
    return [event.as_dict() for event in events]


def test_events_come_back_as_rasa_itself_deserialises_them():
    every_kind = [
        *session("hallo"),
        ActionExecutionRejected("intake_form"),
        AgentUttered("agent"),
        AllSlotsReset(),
        ConversationPaused(),
        ConversationResumed(),
        EntitiesAdded([{"entity": "place", "value": "Gent"}]),
        FollowupAction("action_listen"),
        LoopInterrupted(True),
        ReminderScheduled("remind", __import__("datetime").datetime(2026, 12, 6, 18, 0), name="r"),
        ReminderCancelled(name="r"),
        Restarted(),
        StoryExported(),
        UserUtteranceReverted(),
    ]
    ours, rasas = events_from_dicts(dicts(every_kind)), deserialise_events(dicts(every_kind))
    assert [type(event) for event in ours] == [type(event) for event in rasas] == [type(e) for e in every_kind]
    assert dicts(ours) == dicts(rasas) == dicts(every_kind)


def test_an_append_is_found_from_the_beginning_or_from_the_last_session():
    stored = dicts([*session("one"), *session("two")])
    start = last_session_start(stored)
    assert start == len(session("one")) and stored[start]["name"] == "action_session_start"
    more = dicts(turn("three"))
    assert appended_events(stored, stored + more) == more  # the whole conversation, with more
    assert appended_events(stored, stored[start:] + more) == more  # its last session, with more
    assert appended_events(stored, stored) == []  # nothing new


def test_what_is_not_an_append_is_found():
    stored = dicts([*session("one"), *session("two")])
    start = last_session_start(stored)
    assert appended_events(stored, stored[:-1]) is None  # shorter
    changed = [dict(event) for event in stored]
    changed[3]["text"] = "something else"
    assert appended_events(stored, changed) is None  # an event replaced
    assert appended_events(stored, stored[start + 1 :]) is None  # a view that starts elsewhere
    first = dicts(turn("first"))
    assert appended_events([], first) == first


def test_only_messages_and_slot_values_count_as_content():
    empty = DialogueStateTracker.from_events("web-1", [ActionExecuted("action_listen")], DOMAIN.slots)
    cleared = DialogueStateTracker.from_events("web-1", [SlotSet("language", None)], DOMAIN.slots)
    assert not holds_content(empty) and not holds_content(cleared)
    assert holds_content(DialogueStateTracker.from_events("web-1", [SlotSet("language", "nl")], DOMAIN.slots))
    assert holds_content(DialogueStateTracker.from_events("web-1", [BotUttered("hi")], DOMAIN.slots))


def test_a_copied_tracker_has_the_same_state_and_changes_on_its_own():
    tracker = DialogueStateTracker.from_events("web-1", [*session("one"), *turn("two")], DOMAIN.slots)
    copied = copy_tracker(tracker)
    assert copied.current_state() == tracker.current_state() and copied.active_loop_name == "intake_form"
    copied.update(SlotSet("contact_name", "changed"))
    copied.update(ActiveLoop(None))
    copied.update(UserUttered("only in the copy", {"name": "greet", "confidence": 1.0}))
    assert tracker.get_slot("contact_name") == "two" and tracker.active_loop_name == "intake_form"
    assert tracker.latest_message.text == "two" and len(tracker.events) == len(copied.events) - 3


def test_a_second_session_in_a_tracker_is_noticed():
    assert not starts_another_session(DialogueStateTracker.from_events("web-1", session("one"), DOMAIN.slots))
    both = DialogueStateTracker.from_events("web-1", [*session("one"), *session("two")], DOMAIN.slots)
    assert starts_another_session(both)
