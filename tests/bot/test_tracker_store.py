"""The encrypted tracker store (bot/tracker_store.py) with real Rasa trackers, events and files.

Every test runs on SQLite and, when ONTHAAL_TEST_POSTGRES_URL is set (`make bot-tests` starts one), on
PostgreSQL; the checks of the file itself (no clear text in its bytes, secure_delete, auto-vacuum) are SQLite's.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot import tracker_tables
from bot.tracker_store import EncryptedSQLiteTrackerStore, EncryptedTrackerStore, TrackerStoreConfigurationError

ROOT = Path(__file__).resolve().parents[2]
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
SENDER = "wa-whatsapp:+32470123456"
WORDS = "Ik slaap sinds vorige week bij een vriend"
NAME = "Milena Petrova"
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
HOUR = 3600.0


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def run(coroutine):
    return asyncio.run(coroutine)


POSTGRES_URL = os.environ.get("ONTHAAL_TEST_POSTGRES_URL", "")


@dataclass
class Database:
    """Where a test's conversations live: a SQLite file, or the test PostgreSQL with the store's tables dropped."""

    path: Path | None = None
    url: str | None = None

    def engine(self) -> sa.engine.Engine:
        return sa.create_engine(self.url or f"sqlite:///{self.path}", future=True)

    def tables(self) -> dict[str, list[tuple]]:
        engine = self.engine()
        try:
            with engine.connect() as connection:
                return {
                    table: [tuple(row) for row in connection.execute(sa.text(f"SELECT * FROM {table}"))]  # noqa: S608
                    for table in ["tracker_conversations", "tracker_batches"]
                }
        finally:
            engine.dispose()

    def execute(self, statement: str, **parameters) -> None:
        engine = self.engine()
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(statement), parameters)
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    if request.param == "sqlite":
        return Database(path=tmp_path / "t.sqlite3")
    if not POSTGRES_URL:
        pytest.skip("ONTHAAL_TEST_POSTGRES_URL is not set (make bot-tests starts a PostgreSQL)")
    database = Database(url=POSTGRES_URL)
    database.execute("DROP TABLE IF EXISTS tracker_batches, tracker_conversations, tracker_progress")
    return database


def store(database: Database, keys: str = KEY_A, clock: Clock | None = None, **options) -> EncryptedTrackerStore:
    return EncryptedTrackerStore(
        domain=DOMAIN, db=database.path, database_url=database.url, keys=keys, clock=clock or Clock(), **options
    )


def conversation(sender: str = SENDER, words: str = WORDS) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered(NAME, {"name": "inform", "confidence": 0.9}),
        SlotSet("contact_name", NAME),
        BotUttered("How can a coach reach you?"),
        ActionExecuted("action_listen"),
        UserUttered(words, {"name": "inform", "confidence": 0.8}),
        SlotSet("language", "nl"),
    ]:
        tracker.update(event)
    return tracker


def rows(database: Database) -> list[tuple]:
    """The conversations' head rows: (row_id, updated_at, generation, batches, sender)."""
    return database.tables()["tracker_conversations"]


def batches(database: Database) -> list[tuple]:
    """(row_id, seq, batch)"""
    return sorted(database.tables()["tracker_batches"], key=lambda row: (row[0], row[1]))


def test_a_tracker_comes_back_as_it_was_saved(database):
    trackers = store(database)
    original = conversation()
    run(trackers.save(original))

    restored = run(trackers.retrieve(SENDER))
    assert restored is not None and restored.sender_id == SENDER
    assert [event.as_dict() for event in restored.events] == [event.as_dict() for event in original.events]
    assert restored.get_slot("contact_name") == NAME and restored.latest_message.text == WORDS
    assert run(trackers.retrieve("someone-else")) is None
    assert run(trackers.exists(SENDER)) and not run(trackers.exists("someone-else"))


def test_a_new_store_on_the_same_database_finds_the_conversation(database):
    """What a restart of the Rasa server does (or another replica)."""
    run(store(database).save(conversation()))
    assert run(store(database).retrieve(SENDER)).get_slot("contact_name") == NAME


def test_retrieve_gives_the_last_session_and_retrieve_full_tracker_all_of_them(database):
    trackers = store(database)
    tracker = conversation()
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
        tracker.update(event)
    tracker.update(UserUttered("second session", {"name": "greet", "confidence": 1.0}))
    run(trackers.save(tracker))

    latest = run(trackers.retrieve(SENDER))
    full = run(trackers.retrieve_full_tracker(SENDER))
    assert [event.text for event in latest.events if isinstance(event, UserUttered)] == ["second session"]
    assert [event.text for event in full.events if isinstance(event, UserUttered)] == [NAME, WORDS, "second session"]


def test_saving_again_replaces_the_row(database):
    trackers = store(database)
    tracker = conversation()
    run(trackers.save(tracker))
    tracker.update(BotUttered("When can a coach best call you?"))
    run(trackers.save(tracker))
    assert len(rows(database)) == 1
    assert run(trackers.retrieve(SENDER)).latest_bot_utterance.text == "When can a coach best call you?"


def test_keys_are_the_conversation_ids(database):
    trackers = store(database)
    run(trackers.save(conversation(SENDER)))
    run(trackers.save(conversation("0f3c9a2be1d84c6f")))
    assert sorted(run(trackers.keys())) == sorted([SENDER, "0f3c9a2be1d84c6f"])


SECRETS = [WORDS, "vriend", NAME, "Milena", SENDER, "32470123456", "contact_name", "inform", "How can"]


def test_the_database_holds_no_message_text_no_answer_and_no_conversation_id(database, tmp_path):
    trackers = store(database)
    tracker = conversation()
    run(trackers.save(tracker))
    tracker.update(BotUttered("How can a coach reach you again?"))
    run(trackers.save(tracker))  # a second batch
    run(trackers.retrieve(SENDER))

    [(row_id, updated_at, generation, count, sender)] = rows(database)
    assert len(row_id) == 64 and SENDER not in row_id and isinstance(updated_at, int) and count == 2
    assert len(generation) == 32 and bytes(sender).startswith(b"gAAAAA")  # a Fernet token
    stored = batches(database)
    assert [(batch_row_id, seq) for batch_row_id, seq, _ in stored] == [(row_id, 0), (row_id, 1)]
    assert all(bytes(token).startswith(b"gAAAAA") for _, _, token in stored)
    everything = repr(database.tables()).encode()
    for secret in SECRETS:
        assert secret.encode() not in everything
    if database.path:
        raw = b"".join(file.read_bytes() for file in tmp_path.iterdir())
        assert [file.name for file in tmp_path.iterdir()] == ["t.sqlite3"]  # no journal or write-ahead log left over
        for secret in SECRETS:
            assert secret.encode() not in raw
            assert secret.encode("utf-16-le") not in raw
        assert database.path.stat().st_mode & 0o077 == 0


def test_a_row_moved_under_another_conversation_is_refused(database):
    trackers = store(database)
    run(trackers.save(conversation(SENDER)))
    run(trackers.save(conversation("other", words="other words")))
    other = store(database)  # a fresh process: nothing remembered
    database.execute(
        "UPDATE tracker_batches SET batch = (SELECT batch FROM tracker_batches WHERE row_id = :mine) "
        "WHERE row_id = :other",
        mine=trackers._row_ids(SENDER)[0],
        other=trackers._row_ids("other")[0],
    )
    assert run(other.retrieve("other")) is None
    assert run(other.retrieve(SENDER)).get_slot("contact_name") == NAME


def test_batches_swapped_within_a_conversation_are_refused(database):
    trackers = store(database)
    tracker = conversation()
    run(trackers.save(tracker))
    tracker.update(BotUttered("When can a coach best call you?"))
    run(trackers.save(tracker))
    row_id = trackers._row_ids(SENDER)[0]
    database.execute("UPDATE tracker_batches SET seq = 2 WHERE row_id = :row_id AND seq = 0", row_id=row_id)
    database.execute("UPDATE tracker_batches SET seq = 0 WHERE row_id = :row_id AND seq = 1", row_id=row_id)
    database.execute("UPDATE tracker_batches SET seq = 1 WHERE row_id = :row_id AND seq = 2", row_id=row_id)
    assert run(store(database).retrieve(SENDER)) is None


def test_key_rotation_keeps_the_conversations_and_moves_them_to_the_new_key(database):
    run(store(database, keys=KEY_A).save(conversation()))

    assert run(store(database, keys=KEY_B).retrieve(SENDER)) is None  # another key alone reads nothing
    rotated = store(database, keys=f"{KEY_B},{KEY_A}")
    tracker = run(rotated.retrieve(SENDER))
    assert tracker.get_slot("contact_name") == NAME
    assert list(run(rotated.keys())) == [SENDER]

    tracker.update(BotUttered("When can a coach best call you?"))
    run(rotated.save(tracker))  # the next save moves the conversation to the new key
    assert len(rows(database)) == 1 and len(batches(database)) == 1
    moved = run(store(database, keys=KEY_B).retrieve(SENDER))
    assert moved.get_slot("contact_name") == NAME and moved.latest_bot_utterance.text.startswith("When can")
    assert run(store(database, keys=KEY_A).retrieve(SENDER)) is None
    assert list(run(store(database, keys=KEY_A).keys())) == []


def test_conversations_expire_after_the_ttl_since_their_last_update(database):
    clock = Clock()
    trackers = store(database, clock=clock, ttl_hours=24)
    run(trackers.save(conversation(SENDER)))
    clock.now += 20 * HOUR
    run(trackers.save(conversation("later")))

    clock.now += 5 * HOUR  # 25 h after the first save, 5 h after the second
    assert run(trackers.retrieve(SENDER)) is None
    assert list(run(trackers.keys())) == ["later"]
    assert len(rows(database)) == 1 and len(batches(database)) == 1  # deleted, not only hidden

    tracker = run(trackers.retrieve("later"))
    clock.now += 23 * HOUR
    run(trackers.save(tracker))  # an update restarts the clock, even with no new event
    clock.now += 23 * HOUR
    assert run(trackers.retrieve("later")) is not None
    clock.now += 2 * HOUR
    assert run(trackers.keys()) == [] and rows(database) == [] and batches(database) == []


def test_an_expired_conversation_is_never_read_even_before_it_is_deleted(database):
    clock = Clock()
    trackers = store(database, clock=clock, ttl_hours=24)
    run(trackers.save(conversation()))
    clock.now += 24 * HOUR + 30  # within the minute between two purges
    run(trackers.retrieve("someone-else"))
    clock.now += 30 + 1
    assert run(store(database, clock=clock, ttl_hours=24).keys()) == []
    assert run(trackers.retrieve(SENDER)) is None


def test_the_ttl_comes_from_the_environment(database, monkeypatch):
    monkeypatch.setenv("ONTHAAL_CONVERSATION_TTL_HOURS", "0.5")
    assert store(database).ttl_seconds == 1800
    monkeypatch.setenv("ONTHAAL_CONVERSATION_TTL_HOURS", "0")
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_CONVERSATION_TTL_HOURS"):
        store(database)


def test_an_erased_conversation_leaves_nothing(database):
    """The "stop" answer and the coach service's erasure: PUT /conversations/<id>/tracker/events with no events."""
    trackers = store(database)
    tracker = conversation()
    run(trackers.save(tracker))
    tracker.update(BotUttered("When can a coach best call you?"))
    run(trackers.save(tracker))
    tokens = [bytes(token) for _, _, token in batches(database)]
    assert len(tokens) == 2

    run(trackers.save(DialogueStateTracker.from_dict(SENDER, [], DOMAIN.slots)))
    assert rows(database) == [] and batches(database) == []
    assert run(trackers.retrieve(SENDER)) is None and list(run(trackers.keys())) == []
    if database.path:
        for token in tokens:
            assert token[:64] not in database.path.read_bytes()  # secure_delete: the old ciphertext is overwritten too


def test_a_tracker_without_messages_or_answers_is_not_stored(database):
    trackers = store(database)
    run(trackers.create_tracker(SENDER))  # what Rasa does first for a new conversation
    assert rows(database) == []


def test_the_file_is_rebuilt_only_when_a_conversation_was_deleted(database, monkeypatch):
    """Pages are given back only when something was deleted: not for a new conversation's first saves."""
    rebuilt = []
    monkeypatch.setattr(tracker_tables, "reclaim", lambda engine: rebuilt.append(engine))
    trackers = store(database)
    run(trackers.create_tracker(SENDER))
    run(trackers.save(DialogueStateTracker.from_dict(SENDER, [], DOMAIN.slots)))
    assert rebuilt == []
    run(trackers.save(conversation()))
    run(trackers.save(DialogueStateTracker.from_dict(SENDER, [], DOMAIN.slots)))  # erased
    assert len(rebuilt) == 1 and rows(database) == []


def test_each_turn_appends_one_batch_and_leaves_the_earlier_ones_untouched(database):
    """What Rasa does each turn: retrieve (the last session), add events, save."""
    trackers = store(database)
    run(trackers.save(conversation()))
    for turn in range(3):
        tracker = run(trackers.retrieve(SENDER))
        tracker.update(UserUttered(f"turn {turn}", {"name": "inform", "confidence": 1.0}))
        tracker.update(BotUttered(f"answer {turn}"))
        before = batches(database)
        run(trackers.save(tracker))
        after = batches(database)
        assert after[: len(before)] == before and len(after) == len(before) + 1
    full = run(store(database).retrieve_full_tracker(SENDER))
    assert [event.text for event in full.events if isinstance(event, UserUttered)][-3:] == [
        "turn 0",
        "turn 1",
        "turn 2",
    ]
    assert rows(database)[0][3] == 4


def test_a_tracker_from_elsewhere_that_extends_the_stored_one_is_appended(database):
    """Another replica, or a tracker built from the stored events: recognised by comparing with what is stored."""
    run(store(database).save(conversation()))
    tracker = run(store(database).retrieve(SENDER))
    tracker.update(BotUttered("When can a coach best call you?"))
    run(store(database).save(tracker))  # a store that never saw this tracker object
    assert [seq for _, seq, _ in batches(database)] == [0, 1]
    assert run(store(database).retrieve(SENDER)).latest_bot_utterance.text == "When can a coach best call you?"


def test_a_new_session_is_appended_and_earlier_sessions_stay(database):
    trackers = store(database)
    run(trackers.save(conversation()))
    tracker = run(trackers.retrieve(SENDER))
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
        tracker.update(event)
    tracker.update(UserUttered("second session", {"name": "greet", "confidence": 1.0}))
    run(trackers.save(tracker))
    latest = run(store(database).retrieve(SENDER))  # the last session only, as Rasa gets it
    latest.update(BotUttered("welcome back"))
    run(store(database).save(latest))  # compared from the stored last session on: an append
    assert [seq for _, seq, _ in batches(database)] == [0, 1, 2]
    full = run(trackers.retrieve_full_tracker(SENDER))
    assert [event.text for event in full.events if isinstance(event, UserUttered)] == [NAME, WORDS, "second session"]
    assert full.latest_bot_utterance.text == "welcome back"


@pytest.mark.parametrize("how", ["replaced", "shorter"])
def test_a_save_that_is_not_an_append_rewrites_the_conversation(database, how):
    """PUT /conversations/<id>/tracker/events replaces the events; a shorter tracker replaces them too."""
    trackers = store(database)
    tracker = conversation()
    run(trackers.save(tracker))
    tracker.update(BotUttered("When can a coach best call you?"))
    run(trackers.save(tracker))
    [(_, _, generation, _, _)] = rows(database)

    for saver, words in [(trackers, "something else"), (store(database), "yet another thing")]:  # here, elsewhere
        events = [event.as_dict() for event in conversation(words=words).events]
        if how == "shorter":  # what is stored, with its last events cut off
            events = [event.as_dict() for event in run(saver.retrieve_full_tracker(SENDER)).events][:-2]
        run(saver.save(DialogueStateTracker.from_dict(SENDER, events, DOMAIN.slots)))
        [(_, _, new_generation, count, _)] = rows(database)
        assert count == 1 and len(batches(database)) == 1 and new_generation != generation
        generation = new_generation
        restored = run(store(database).retrieve_full_tracker(SENDER))
        assert [event.as_dict() for event in restored.events] == events


def test_two_replicas_writing_one_conversation_in_turn_lose_nothing(database):
    """Two Rasa servers on one database, serialized per conversation by the lock store: each sees the other's turns."""
    first, second = store(database), store(database)
    run(first.save(conversation()))
    for turn in range(4):
        replica = [first, second][turn % 2]
        tracker = run(replica.retrieve(SENDER))
        tracker.update(UserUttered(f"turn {turn}", {"name": "inform", "confidence": 1.0}))
        run(replica.save(tracker))
    # The first replica still remembers the tracker it saved at turn 2; the second has written since.
    stale = run(first.retrieve(SENDER))
    assert [event.text for event in stale.events if isinstance(event, UserUttered)][-4:] == [
        "turn 0",
        "turn 1",
        "turn 2",
        "turn 3",
    ]


def test_a_stale_tracker_from_a_replica_that_missed_a_turn_does_not_lose_the_other_turn(database):
    """Without the lock store two replicas could save in parallel: the later save rewrites, consistently."""
    first, second = store(database), store(database)
    run(first.save(conversation()))
    mine, theirs = run(first.retrieve(SENDER)), run(second.retrieve(SENDER))
    theirs.update(BotUttered("theirs"))
    run(second.save(theirs))
    mine.update(BotUttered("mine"))
    run(first.save(mine))  # not an append of what is stored now: the stored conversation becomes this tracker
    restored = run(store(database).retrieve(SENDER))
    assert [event.as_dict() for event in restored.events] == [event.as_dict() for event in mine.events]


def test_a_retrieve_after_a_save_needs_no_batch_and_gives_the_same_state(database, monkeypatch):
    trackers = store(database)
    tracker = conversation()
    tracker.update(ActiveLoop("intake_form"))
    run(trackers.save(tracker))
    fresh = run(store(database).retrieve(SENDER))  # read, decrypted and replayed

    loads = []
    original_load = trackers._load
    monkeypatch.setattr(trackers, "_load", lambda *arguments: loads.append(1) or original_load(*arguments))
    cached = run(trackers.retrieve(SENDER))
    assert loads == [] and cached is not tracker
    assert cached.current_state() == fresh.current_state() and cached.active_loop_name == "intake_form"
    assert [event.as_dict() for event in cached.events] == [event.as_dict() for event in fresh.events]


def test_what_a_retrieved_tracker_gets_without_a_save_is_not_retrieved_again(database):
    trackers = store(database)
    run(trackers.save(conversation()))
    tracker = run(trackers.retrieve(SENDER))
    tracker.update(SlotSet("contact_name", "someone else"))
    tracker.update(UserUttered("not saved", {"name": "inform", "confidence": 1.0}))
    again = run(trackers.retrieve(SENDER))
    assert again.get_slot("contact_name") == NAME and again.latest_message.text == WORDS
    assert len(again.events) == len(conversation().events)


def test_a_replica_does_not_retrieve_its_copy_after_another_replica_rewrote_and_appended(database):
    """The other replica's rewrite (PUT .../tracker/events) and append give the same number of batches."""
    first, second = store(database), store(database)
    tracker = conversation()
    run(first.save(tracker))
    tracker.update(BotUttered("first replica"))
    run(first.save(tracker))  # 2 batches, remembered by the first replica
    events = [event.as_dict() for event in conversation(words="rewritten elsewhere").events]
    run(second.save(DialogueStateTracker.from_dict(SENDER, events, DOMAIN.slots)))
    other = run(second.retrieve(SENDER))
    other.update(BotUttered("second replica"))
    run(second.save(other))
    assert rows(database)[0][3] == 2
    seen = run(first.retrieve(SENDER))
    assert seen.latest_message.text == "rewritten elsewhere" and seen.latest_bot_utterance.text == "second replica"


def test_a_conversation_erased_by_another_replica_is_not_retrieved_from_memory(database):
    first, second = store(database), store(database)
    run(first.save(conversation()))
    run(second.save(DialogueStateTracker.from_dict(SENDER, [], DOMAIN.slots)))
    assert run(first.retrieve(SENDER)) is None


def test_two_replicas_saving_one_conversation_at_the_same_time_never_break_it(database):
    """Without a shared lock store (a misconfiguration), turns may be lost, but the stored conversation is always one
    that a replica saved, and readable."""
    from concurrent.futures import ThreadPoolExecutor

    replicas = [store(database), store(database)]

    def talk(number: int) -> list[str]:
        replica, said = replicas[number % 2], []
        for turn in range(8):
            tracker = run(replica.retrieve(SENDER)) or DialogueStateTracker(SENDER, DOMAIN.slots)
            text = f"replica {number} turn {turn}"
            tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}))
            run(replica.save(tracker))
            said.append(text)
        return said

    with ThreadPoolExecutor(4) as pool:
        said = [text for texts in pool.map(talk, range(4)) for text in texts]
    final = run(store(database).retrieve_full_tracker(SENDER))
    texts = [event.text for event in final.events if isinstance(event, UserUttered)]
    assert texts and set(texts) <= set(said)
    [(_, _, _, count, _)] = rows(database)
    assert [seq for _, seq, _ in batches(database)] == list(range(count))


def test_without_keys_the_store_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("ONTHAAL_TRACKER_KEYS", raising=False)
    monkeypatch.delenv("ONTHAAL_BOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ONTHAAL_TRACKER_DB", str(tmp_path / "t.sqlite3"))
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_TRACKER_KEYS is not set"):
        EncryptedSQLiteTrackerStore(domain=DOMAIN)
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", " , ")
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_TRACKER_KEYS is not set"):
        EncryptedSQLiteTrackerStore(domain=DOMAIN)


def test_a_malformed_key_is_refused_without_being_echoed(database):
    with pytest.raises(TrackerStoreConfigurationError, match="key 2 of 2 is not a Fernet key") as error:
        store(database, keys=f"{KEY_A},not-a-fernet-key")
    assert "not-a-fernet-key" not in str(error.value) and KEY_A not in str(error.value)


def test_an_unreachable_database_is_refused_without_its_password(monkeypatch):
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", KEY_A)
    monkeypatch.setenv("ONTHAAL_BOT_DATABASE_URL", "postgresql://onthaal:s3cret-pw@127.0.0.1:1/none")
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_BOT_DATABASE_URL") as error:
        EncryptedTrackerStore(domain=DOMAIN)
    assert "s3cret-pw" not in str(error.value)


def test_rasa_loads_the_store_from_bot_endpoints_yml(tmp_path, monkeypatch):
    monkeypatch.setenv("ONTHAAL_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ONTHAAL_ACTION_SECRET", "a-shared-secret")
    monkeypatch.delenv("ONTHAAL_BOT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ONTHAAL_TRACKER_DB", str(tmp_path / "from-env.sqlite3"))
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "tracker_store")

    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", KEY_A)
    loaded = TrackerStore.create(config, domain=DOMAIN)
    assert type(loaded) is EncryptedSQLiteTrackerStore  # asynchronous: not wrapped, not the in-memory fallback
    assert loaded.path == tmp_path / "from-env.sqlite3" and loaded.ttl_seconds == 24 * HOUR
    run(loaded.save(conversation()))
    assert len(rows(Database(path=tmp_path / "from-env.sqlite3"))) == 1

    # Without keys Rasa's loader gets the error (it falls back to memory only on ImportError/AttributeError).
    monkeypatch.delenv("ONTHAAL_TRACKER_KEYS")
    with pytest.raises(TrackerStoreConfigurationError):
        TrackerStore.create(config, domain=DOMAIN)


def test_a_postgres_url_as_some_hosts_write_it_is_understood():
    engine = tracker_tables.database_engine("postgres://onthaal:pw@127.0.0.1:5432/onthaal")
    assert engine.dialect.name == "postgresql" and engine.url.database == "onthaal"


def test_rasa_loads_the_store_on_postgresql_when_its_url_is_set(monkeypatch):
    if not POSTGRES_URL:
        pytest.skip("ONTHAAL_TEST_POSTGRES_URL is not set (make bot-tests starts a PostgreSQL)")
    Database(url=POSTGRES_URL).execute("DROP TABLE IF EXISTS tracker_batches, tracker_conversations")
    monkeypatch.setenv("ONTHAAL_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ONTHAAL_ACTION_SECRET", "a-shared-secret")
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", KEY_A)
    monkeypatch.setenv("ONTHAAL_BOT_DATABASE_URL", POSTGRES_URL)
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "tracker_store")
    loaded = TrackerStore.create(config, domain=DOMAIN)
    assert loaded.path is None and loaded.engine.dialect.name == "postgresql"
    run(loaded.save(conversation()))
    assert len(rows(Database(url=POSTGRES_URL))) == 1


def test_two_replicas_starting_together_both_create_the_tables(database):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        started = list(pool.map(lambda _: store(database), range(4)))
    run(started[0].save(conversation()))
    assert run(started[3].retrieve(SENDER)).get_slot("contact_name") == NAME


def test_conversations_of_the_earlier_one_row_store_are_moved_to_batches(tmp_path):
    """A file written before this store appended batches: one encrypted row per conversation, table `trackers`."""
    database = Database(path=tmp_path / "t.sqlite3")
    clock = Clock()
    fernet = Fernet(KEY_A)
    old_rows, trackers = [], {}
    for sender, age_hours in [(SENDER, 2), ("web-expired", 30)]:
        trackers[sender] = conversation(sender)
        dialogue = json.dumps(trackers[sender].as_dialogue().as_dict())
        blob = json.dumps({"v": 1, "sender_id": sender, "tracker": dialogue}).encode()
        row_id = store(Database(path=tmp_path / "ids.sqlite3"))._row_ids(sender)[0]
        updated_at = int(clock.now - age_hours * HOUR)
        old_rows.append((row_id, updated_at, fernet.encrypt(sender.encode()), fernet.encrypt(blob)))
    old_rows.append(("f" * 64, int(clock.now), b"not a token", Fernet(KEY_B).encrypt(b"{}")))
    with sqlite3.connect(database.path) as connection:
        connection.execute(
            "CREATE TABLE trackers (row_id TEXT PRIMARY KEY, updated_at INTEGER, sender BLOB, tracker BLOB)"
        )
        connection.executemany("INSERT INTO trackers VALUES (?, ?, ?, ?)", old_rows)
    connection.close()

    migrated = store(database, clock=clock)
    restored = run(migrated.retrieve(SENDER))
    assert [event.as_dict() for event in restored.events] == [event.as_dict() for event in trackers[SENDER].events]
    assert run(migrated.keys()) == [SENDER] and [row[1] for row in rows(database)] == [old_rows[0][1]]
    with sqlite3.connect(database.path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'trackers'").fetchall() == []
    connection.close()
    assert old_rows[0][3][:64] not in database.path.read_bytes() and freelist_pages(database.path) == 0


def freelist_pages(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA freelist_count").fetchone()[0]


@pytest.mark.parametrize("how", ["erased", "expired"])
def test_the_file_is_rebuilt_after_conversations_are_deleted(tmp_path, how):
    """After an erasure or a purge: no page of a deleted conversation stays in the file, not even zeroed."""
    database = Database(path=tmp_path / "t.sqlite3")
    clock = Clock()
    trackers = store(database, clock=clock, ttl_hours=24)
    for number in range(30):
        run(trackers.save(conversation(f"web-{number}", words=WORDS * 40)))
    size = database.path.stat().st_size
    for number in range(29):
        if how == "erased":
            run(trackers.save(DialogueStateTracker.from_dict(f"web-{number}", [], DOMAIN.slots)))
    if how == "expired":
        clock.now += 23 * HOUR
        run(trackers.save(conversation("web-29", words=WORDS * 40)))
        clock.now += 2 * HOUR
        assert run(trackers.retrieve("web-29")) is not None
    assert freelist_pages(database.path) == 0 and database.path.stat().st_size < size / 3


def test_a_file_of_the_earlier_store_switches_to_incremental_auto_vacuum_once(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:  # as the earlier store left it: no auto-vacuum
        connection.execute("CREATE TABLE kept (x)")
        connection.execute("INSERT INTO kept VALUES (1)")
    store(Database(path=path))
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA auto_vacuum").fetchone()[0] == tracker_tables.INCREMENTAL
        assert connection.execute("SELECT x FROM kept").fetchall() == [(1,)]


def test_a_short_ttl_is_purged_every_tenth_of_it(database):
    """Expiry runs at most once a minute, or every tenth of a TTL shorter than ten minutes."""
    clock = Clock()
    trackers = store(database, clock=clock, ttl_hours=0.01)  # 36 s
    run(trackers.save(conversation("web-a")))
    clock.now += 37
    run(trackers.save(conversation("web-b")))  # the purge ran before this save: web-a is gone
    assert len(rows(database)) == 1
    run(trackers.save(conversation("web-c")))
    clock.now += 37  # web-b and web-c have expired; the next purge is due 3.6 s after the last one
    run(trackers.save(conversation("web-d")))
    assert len(rows(database)) == 1
