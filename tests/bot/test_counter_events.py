"""What a turn means for the counters (bot/counters/events.py), on plain trackers: which question is open, and
which counters a turn's events add."""

from __future__ import annotations

from typing import Any

from bot.counters.events import HANDOFF_RESPONSES, Count, Progress, observe, question_ids, turn_counts
from bot.intake.questions import path

DAY = "2026-12-06"


class Tracker:
    def __init__(self, channel: str | None = "rest", **slots: Any) -> None:
        self.slots = slots
        self.channel = channel

    def get_slot(self, key: str) -> Any:
        return self.slots.get(key)

    def get_latest_input_channel(self) -> str | None:
        return self.channel


def at(question: str | None, consented: bool = True, language: str = "nl", channel: str = "web") -> Progress:
    return Progress(question, language, channel, DAY, consented)


def test_the_question_ids_are_the_slots_of_bot_questions_yml():
    assert path({}) and set(path({})) <= question_ids()
    assert {"contact_name", "neighbourhood", "tell_more", "languages_spoken"} <= question_ids()
    assert not {"language", "consent", "name_confirmed", "need_checked", "needs_confirmed"} & question_ids()


def test_the_open_question_is_the_requested_slot_when_it_is_a_question():
    now = observe(Tracker(requested_slot="age_band", language="ro", consent=True), at("neighbourhood"), DAY)
    assert (now.question, now.language, now.channel, now.consented) == ("age_band", "ro", "web", True)


def test_language_and_consent_are_no_question_yet():
    assert observe(Tracker(requested_slot="language"), None, DAY).question is None
    assert observe(Tracker(requested_slot="consent", language="nl"), None, DAY).question is None


def test_confirming_a_name_or_needs_and_the_read_back_keep_the_question_asked_last():
    for requested in ("name_confirmed", "need_checked", "needs_confirmed", None):
        tracker = Tracker(requested_slot=requested, language="nl", consent=True)
        assert observe(tracker, at("contact_name"), DAY).question == "contact_name"


def test_starting_again_opens_no_question_and_keeps_language_channel_and_consent():
    """Rasa's /restart forgets every slot, the language too, and the message that did it has no channel name."""
    now = observe(
        Tracker(channel=None, requested_slot=None), at("neighbourhood", language="sk", channel="telegram"), DAY
    )
    assert now == Progress(None, "sk", "telegram", DAY, consented=True)


def test_a_channel_the_counters_do_not_know_is_not_countable():
    now = observe(Tracker(channel="cmdline", language="nl", requested_slot="consent"), None, DAY)
    assert now.channel is None and not now.countable
    assert turn_counts([{"event": "user"}], None, now).counts == []


def user() -> dict:
    return {"event": "user", "text": "..."}


def test_the_first_message_with_a_language_starts_the_conversation():
    turn = turn_counts([user()], None, at(None, consented=False))
    assert turn.counts == [Count(DAY, "started", None, "nl", "web")]
    assert turn.progress == at(None, consented=False)


def test_consent_counts_once():
    given = [user(), {"event": "slot", "name": "consent", "value": True}]
    first = turn_counts(given, at(None, consented=False), at("contact_name", consented=False))
    assert first.counts == [Count(DAY, "consented", None, "nl", "web")] and first.progress.consented
    again = turn_counts(given, first.progress, at("contact_name"))
    assert again.counts == []
    refused = turn_counts(
        [user(), {"event": "slot", "name": "consent", "value": False}], at(None, False), at(None, False)
    )
    assert refused.counts == []


def test_a_stop_counts_at_the_question_open_before_it_and_ends_the_record():
    stop = [user(), {"event": "action", "name": "action_stop"}, {"event": "slot", "name": "language", "value": "nl"}]
    turn = turn_counts(stop, at("dutch_level"), at(None))
    assert turn.counts == [Count(DAY, "stopped", "dutch_level", "nl", "web")] and turn.progress is None


def test_a_hand_off_ends_the_record_and_counts_nothing():
    for response in sorted(HANDOFF_RESPONSES):
        said = [user(), {"event": "bot", "text": "...", "metadata": {"utter_action": response}}]
        turn = turn_counts(said, at("tell_more"), at(None))
        assert turn.counts == [] and turn.progress is None
    no_consent = [user(), {"event": "bot", "metadata": {"utter_action": "utter_handed_over_no_consent"}}]
    assert turn_counts(no_consent, at(None, False), at(None, False)).counts == []


def test_nothing_counts_before_a_language_is_known():
    unknown = Progress(None, None, "web", DAY)
    turn = turn_counts([user()], None, unknown)
    assert turn.counts == [] and turn.progress is None


def test_a_turn_without_a_message_starts_nothing():
    """The hand-off's erasure writes the language back without anything the person said."""
    kept = [{"event": "action", "name": "action_session_start"}, {"event": "slot", "name": "language", "value": "nl"}]
    assert turn_counts(kept, None, at(None, consented=False)).counts == []
