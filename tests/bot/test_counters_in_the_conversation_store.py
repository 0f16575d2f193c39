"""The anonymous counters the conversation store (bot/tracker_store.py) keeps: started, consented, stopped at a
question, handed off, and expired at a question (bot/counters/), with real Rasa trackers and a real database.

Every test runs on SQLite and, when ONTHAAL_TEST_POSTGRES_URL is set (`make bot-tests` starts one), on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.counters.buffer import CounterBuffer
from bot.counters.events import Count
from bot.tracker_store import EncryptedTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: text
    mappings: [{type: custom}]
  consent:
    type: bool
    mappings: [{type: custom}]
  contact_name:
    type: text
    mappings: [{type: custom}]
  neighbourhood:
    type: text
    mappings: [{type: custom}]
forms:
  intake_form:
    required_slots: [language, consent, contact_name, neighbourhood]
"""
)
KEY = Fernet.generate_key().decode()
HOUR = 3600.0
DAY_ONE = 1_765_000_000.0  # 2025-12-06 05:46 UTC
POSTGRES_URL = os.environ.get("ONTHAAL_TEST_POSTGRES_URL", "")
SENDER = "wa-whatsapp:+32470123456"
NAME = "Milena Petrova"


class Clock:
    def __init__(self, now: float = DAY_ONE) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Database:
    path: Path | None = None
    url: str | None = None

    def query(self, statement: str) -> list[tuple]:
        engine = sa.create_engine(self.url or f"sqlite:///{self.path}", future=True)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(sa.text(statement))]
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    if request.param == "sqlite":
        return Database(path=tmp_path / "t.sqlite3")
    if not POSTGRES_URL:
        pytest.skip("ONTHAAL_TEST_POSTGRES_URL is not set (make bot-tests starts a PostgreSQL)")
    engine = sa.create_engine(POSTGRES_URL, future=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS tracker_batches, tracker_conversations, tracker_progress"))
    engine.dispose()
    return Database(url=POSTGRES_URL)


@pytest.fixture
def counted(tmp_path) -> CounterBuffer:
    """The counters the stores add, kept in memory (no thread, nothing written) for the test to read."""
    return CounterBuffer(tmp_path / "counters.sqlite3", background=False)


def store(database: Database, counters: CounterBuffer, clock: Clock, ttl_hours: float = 24) -> EncryptedTrackerStore:
    return EncryptedTrackerStore(
        domain=DOMAIN,
        db=database.path,
        database_url=database.url,
        keys=KEY,
        clock=clock,
        ttl_hours=ttl_hours,
        counters=counters,
    )


def run(coroutine):
    return asyncio.run(coroutine)


class Person:
    """One conversation, turn by turn, as Rasa and the actions would leave it in the tracker."""

    def __init__(self, sender: str = SENDER, channel: str = "rest") -> None:
        self.tracker = DialogueStateTracker(sender, DOMAIN.slots)
        self.channel = channel
        for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
            self.tracker.update(event)

    def says(self, text: str, intent: str, *then: Event) -> DialogueStateTracker:
        self.tracker.update(UserUttered(text, {"name": intent, "confidence": 1.0}, input_channel=self.channel))
        for event in [*then, ActionExecuted("action_listen")]:
            self.tracker.update(event)
        return self.tracker

    def chooses_language(self, language: str = "nl") -> DialogueStateTracker:
        return self.says(
            f'/choose_language{{"language":"{language}"}}',
            "choose_language",
            SlotSet("language", language),
            asked("consent"),
            SlotSet("requested_slot", "consent"),
        )

    def consents(self) -> DialogueStateTracker:
        return self.says(
            "/affirm",
            "affirm",
            SlotSet("consent", True),
            asked("contact_name"),
            SlotSet("requested_slot", "contact_name"),
        )

    def gives_name(self) -> DialogueStateTracker:
        return self.says(
            NAME,
            "inform",
            SlotSet("contact_name", NAME),
            asked("neighbourhood"),
            SlotSet("requested_slot", "neighbourhood"),
        )

    def stops(self) -> DialogueStateTracker:
        language = self.tracker.get_slot("language")
        return self.says(
            "stop",
            "stop",
            ActionExecuted("action_stop"),
            BotUttered("Stopped.", metadata={"utter_action": "utter_stopped"}),
            ActiveLoop(None),
            AllSlotsReset(),
            SlotSet("language", language),
        )

    def is_handed_off(self, response: str = "utter_submitted") -> DialogueStateTracker:
        language = self.tracker.get_slot("language")
        return self.says(
            "/send",
            "affirm",
            ActionExecuted("action_submit_intake"),
            BotUttered("Sent: ONT-7K3M9Q", metadata={"utter_action": response}),
            AllSlotsReset(),
            SlotSet("language", language),
        )


def asked(slot: str) -> BotUttered:
    return BotUttered(f"question {slot}", metadata={"utter_action": f"utter_ask_{slot}"})


def erased(sender: str = SENDER, keep_language: str | None = None) -> DialogueStateTracker:
    """What bot/actions/conversation.py's erasure PUTs: nothing, or a new session with the language only."""
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    if keep_language:
        for event in [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            SlotSet("language", keep_language),
            ActionExecuted("action_listen"),
        ]:
            tracker.update(event)
    return tracker


def progress_rows(database: Database) -> list[tuple]:
    return database.query("SELECT row_id, question, language, channel, day, consented FROM tracker_progress")


DAY = "2025-12-06"


def test_a_conversation_that_stops_counts_started_consented_and_stopped_at_its_open_question(database, counted):
    trackers = store(database, counted, Clock())
    person = Person()
    run(trackers.save(person.chooses_language("bg")))
    assert counted.pending() == [Count(DAY, "started", None, "bg", "web")]
    run(trackers.save(person.consents()))
    run(trackers.save(person.gives_name()))
    [(row_id, question, language, channel, day, consented)] = progress_rows(database)
    assert (question, language, channel, day, bool(consented)) == ("neighbourhood", "bg", "web", DAY, True)
    assert len(row_id) == 64 and SENDER not in row_id

    run(trackers.save(person.stops()))
    assert sorted(counted.pending(), key=lambda count: count.event) == [
        Count(DAY, "consented", None, "bg", "web"),
        Count(DAY, "started", None, "bg", "web"),
        Count(DAY, "stopped", "neighbourhood", "bg", "web"),
    ]
    assert progress_rows(database) == []
    run(trackers.save(erased()))  # the stop's erasure
    assert progress_rows(database) == [] and len(counted.pending()) == 3


def test_a_stop_before_the_first_question_is_counted_at_no_question(database, counted):
    trackers = store(database, counted, Clock())
    person = Person(channel="telegram")
    run(trackers.save(person.chooses_language("prs")))
    run(trackers.save(person.stops()))
    assert Count(DAY, "stopped", None, "prs", "telegram") in counted.pending()


def test_a_hand_off_ends_the_record_and_the_erasure_that_keeps_the_language_starts_nothing(database, counted):
    trackers = store(database, counted, Clock())
    person = Person(channel="whatsapp")
    for turn in (person.chooses_language("ro"), person.consents(), person.gives_name(), person.is_handed_off()):
        run(trackers.save(turn))
    assert "handed_off" not in {count.event for count in counted.pending()}
    assert progress_rows(database) == []
    run(trackers.save(erased(keep_language="ro")))
    assert progress_rows(database) == []
    assert [count.event for count in counted.pending()].count("started") == 1

    # The person comes back later: a new conversation in the kept language.
    again = run(trackers.retrieve(SENDER))
    again.update(UserUttered("hallo", {"name": "greet", "confidence": 1.0}, input_channel="whatsapp"))
    run(trackers.save(again))
    assert Count(DAY, "started", None, "ro", "whatsapp", n=2) in counted.pending()


@pytest.mark.parametrize("response", ["utter_handed_over", "utter_submit_delayed_come_by"])
def test_every_hand_off_response_ends_the_record_and_counts_nothing(database, counted, response):
    trackers = store(database, counted, Clock())
    person = Person()
    for turn in (person.chooses_language("en"), person.consents()):
        run(trackers.save(turn))
    assert progress_rows(database) != []
    run(trackers.save(person.is_handed_off(response)))
    assert progress_rows(database) == []
    assert "handed_off" not in {count.event for count in counted.pending()}


def test_an_expired_conversation_counts_at_its_question_on_the_day_of_its_last_turn(database, counted):
    clock = Clock()
    trackers = store(database, counted, clock, ttl_hours=24)
    person = Person(channel="reception")
    for turn in (person.chooses_language("sk"), person.consents()):
        run(trackers.save(turn))
    clock.now += 30 * HOUR  # the next day, past the TTL
    run(trackers.save(Person("someone-else").says("hallo", "greet")))  # any save runs the expiry
    assert Count(DAY, "expired", "contact_name", "sk", "reception") in counted.pending()
    assert progress_rows(database) == []  # the other one has no language yet: no record, nothing started
    assert [count.event for count in counted.pending()].count("started") == 1


def test_a_conversation_handed_off_or_stopped_is_not_counted_again_when_it_expires(database, counted):
    clock = Clock()
    trackers = store(database, counted, clock)
    person = Person()
    for turn in (person.chooses_language(), person.consents(), person.is_handed_off()):
        run(trackers.save(turn))
    clock.now += 30 * HOUR
    run(trackers.keys())
    assert "expired" not in [count.event for count in counted.pending()]


def test_consent_counts_once_even_after_start_again(database, counted):
    trackers = store(database, counted, Clock())
    person = Person()
    for turn in (person.chooses_language(), person.consents(), person.gives_name()):
        run(trackers.save(turn))
    run(trackers.save(person.says("opnieuw", "start_again", Restarted(), SlotSet("language", "nl"))))
    assert progress_rows(database)[0][1] is None  # starting again: no question open yet
    run(trackers.save(person.consents()))
    events = [count.event for count in counted.pending()]
    assert events.count("consented") == 1 and events.count("started") == 1 and "stopped" not in events


def test_a_typed_first_message_in_no_known_language_starts_when_the_language_is_chosen(database, counted):
    trackers = store(database, counted, Clock())
    person = Person()
    run(trackers.save(person.says("??", "nlu_fallback", asked("language"), SlotSet("requested_slot", "language"))))
    assert counted.pending() == [] and progress_rows(database) == []
    run(trackers.save(person.chooses_language("en")))
    assert counted.pending() == [Count(DAY, "started", None, "en", "web")]


def test_two_replicas_count_one_conversation_once_and_know_its_question(database, counted, tmp_path):
    """Turns of one conversation alternate between two stores on one database (a cluster's Rasa replicas)."""
    clock = Clock()
    first, second = store(database, counted, clock), store(database, counted, clock)
    person = Person()
    run(first.save(person.chooses_language("nl")))
    tracker = run(second.retrieve(SENDER))
    person.tracker = tracker
    run(second.save(person.consents()))
    person.tracker = run(first.retrieve(SENDER))
    run(first.save(person.gives_name()))
    person.tracker = run(second.retrieve(SENDER))
    run(second.save(person.stops()))
    assert sorted(counted.pending(), key=lambda count: count.event) == [
        Count(DAY, "consented", None, "nl", "web"),
        Count(DAY, "started", None, "nl", "web"),
        Count(DAY, "stopped", "neighbourhood", "nl", "web"),
    ]


def test_a_replica_never_trusts_what_it_remembers_from_before_another_replicas_turns(database, counted):
    clock = Clock()
    first, second = store(database, counted, clock), store(database, counted, clock)
    person = Person()
    run(first.save(person.chooses_language("nl")))
    run(first.save(person.consents()))  # first remembers: contact_name
    person.tracker = run(second.retrieve(SENDER))
    run(second.save(person.gives_name()))  # now: neighbourhood
    person.tracker = run(first.retrieve(SENDER))
    run(first.save(person.stops()))
    assert Count(DAY, "stopped", "neighbourhood", "nl", "web") in counted.pending()


class Statements:
    """The SQL statements an engine runs, for the turn-cost checks."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.seen: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, connection, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        self.seen.append(statement)

    def touching(self, table: str) -> list[str]:
        return [statement for statement in self.seen if table in statement]


def test_a_turn_that_changes_nothing_the_counters_know_adds_no_statement(database, counted):
    """Issue 13 measured the turn: counting reads nothing in a steady conversation and writes only on a change."""
    trackers = store(database, counted, Clock())
    person = Person()
    for turn in (person.chooses_language(), person.consents()):
        run(trackers.save(turn))
    statements = Statements(trackers.engine)
    # "Why do you ask this?": the same question stays open.
    run(
        trackers.save(
            person.says("/why_ask", "why_ask", BotUttered("Because.", metadata={"utter_action": "utter_why_name"}))
        )
    )
    assert statements.touching("tracker_progress") == []
    run(trackers.save(person.gives_name()))  # the next question: one write
    [write] = statements.touching("tracker_progress")
    assert write.lstrip().upper().startswith("INSERT") and "ON CONFLICT" in write.upper()


def test_the_side_record_holds_no_answer_and_no_conversation_id(database, counted):
    trackers = store(database, counted, Clock())
    person = Person()
    for turn in (person.chooses_language(), person.consents(), person.gives_name()):
        run(trackers.save(turn))
    stored = " ".join(str(value) for row in progress_rows(database) for value in row)
    for secret in (SENDER, "32470123456", NAME, "Milena"):
        assert secret not in stored
    assert all(len(str(count)) < 200 for count in counted.pending())


def test_a_record_left_without_its_conversation_goes_uncounted(database, counted):
    clock = Clock()
    trackers = store(database, counted, clock)
    person = Person()
    run(trackers.save(person.chooses_language()))
    stray = "f" * 64
    engine = trackers.engine
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO tracker_progress (row_id, question, language, channel, day, consented)"
                " VALUES (:row_id, 'age_band', 'nl', 'web', '2025-12-01', true)"
            ),
            {"row_id": stray},
        )
    clock.now += 2 * 24 * HOUR  # past the TTL and the margin: the conversation expires, the stray record goes too
    run(trackers.keys())
    assert progress_rows(database) == []
    assert [(count.event, count.question) for count in counted.pending() if count.event == "expired"] == [
        ("expired", None)
    ]


def test_a_key_rotation_moves_the_record_and_starts_nothing_again(database, counted):
    clock = Clock()
    person = Person()
    run(store(database, counted, clock).save(person.chooses_language("en")))
    run(store(database, counted, clock).save(person.consents()))
    new_key = Fernet.generate_key().decode()
    rotated = EncryptedTrackerStore(
        domain=DOMAIN,
        db=database.path,
        database_url=database.url,
        keys=f"{new_key},{KEY}",
        clock=clock,
        counters=counted,
    )
    person.tracker = run(rotated.retrieve(SENDER))
    run(rotated.save(person.gives_name()))
    [(row_id, question, *_)] = progress_rows(database)
    assert question == "neighbourhood" and row_id == rotated._row_ids(SENDER)[0]
    events = [count.event for count in counted.pending()]
    assert events.count("started") == 1 and events.count("consented") == 1


def test_a_failing_counter_statement_never_costs_the_turn(database, counted, monkeypatch):
    """On PostgreSQL a failed statement aborts its transaction: the side record is written under a SAVEPOINT, so
    the turn is saved (uncounted) whatever the counters' statement does."""
    trackers = store(database, counted, Clock())
    person = Person()
    run(trackers.save(person.chooses_language("sk")))

    def broken_write(connection, row_id, progress):
        connection.execute(sa.text("SELECT no_such_column FROM tracker_progress"))

    monkeypatch.setattr(trackers._progress, "_write", broken_write)
    run(trackers.save(person.consents()))
    run(trackers.save(person.gives_name()))
    saved = run(trackers.retrieve(SENDER))
    assert saved is not None and saved.get_slot("contact_name") == NAME
    assert [event.as_dict() for event in saved.events] == [event.as_dict() for event in person.tracker.events]
