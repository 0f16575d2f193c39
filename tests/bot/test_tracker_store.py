"""The encrypted SQLite tracker store (bot/tracker_store.py) with real Rasa trackers, events and files."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import EncryptedSQLiteTrackerStore, TrackerStoreConfigurationError

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


def store(path: Path, keys: str = KEY_A, clock: Clock | None = None, **options) -> EncryptedSQLiteTrackerStore:
    return EncryptedSQLiteTrackerStore(domain=DOMAIN, db=path, keys=keys, clock=clock or Clock(), **options)


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


def rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT row_id, updated_at, sender, tracker FROM trackers").fetchall()


def test_a_tracker_comes_back_as_it_was_saved(tmp_path):
    trackers = store(tmp_path / "t.sqlite3")
    original = conversation()
    run(trackers.save(original))

    restored = run(trackers.retrieve(SENDER))
    assert restored is not None and restored.sender_id == SENDER
    assert [event.as_dict() for event in restored.events] == [event.as_dict() for event in original.events]
    assert restored.get_slot("contact_name") == NAME and restored.latest_message.text == WORDS
    assert run(trackers.retrieve("someone-else")) is None
    assert run(trackers.exists(SENDER)) and not run(trackers.exists("someone-else"))


def test_a_new_store_on_the_same_file_finds_the_conversation(tmp_path):
    """What a restart of the Rasa server does."""
    run(store(tmp_path / "t.sqlite3").save(conversation()))
    assert run(store(tmp_path / "t.sqlite3").retrieve(SENDER)).get_slot("contact_name") == NAME


def test_retrieve_gives_the_last_session_and_retrieve_full_tracker_all_of_them(tmp_path):
    trackers = store(tmp_path / "t.sqlite3")
    tracker = conversation()
    for event in [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]:
        tracker.update(event)
    tracker.update(UserUttered("second session", {"name": "greet", "confidence": 1.0}))
    run(trackers.save(tracker))

    latest = run(trackers.retrieve(SENDER))
    full = run(trackers.retrieve_full_tracker(SENDER))
    assert [event.text for event in latest.events if isinstance(event, UserUttered)] == ["second session"]
    assert [event.text for event in full.events if isinstance(event, UserUttered)] == [NAME, WORDS, "second session"]


def test_saving_again_replaces_the_row(tmp_path):
    trackers = store(tmp_path / "t.sqlite3")
    tracker = conversation()
    run(trackers.save(tracker))
    tracker.update(BotUttered("When can a coach best call you?"))
    run(trackers.save(tracker))
    assert len(rows(tmp_path / "t.sqlite3")) == 1
    assert run(trackers.retrieve(SENDER)).latest_bot_utterance.text == "When can a coach best call you?"


def test_keys_are_the_conversation_ids(tmp_path):
    trackers = store(tmp_path / "t.sqlite3")
    run(trackers.save(conversation(SENDER)))
    run(trackers.save(conversation("0f3c9a2be1d84c6f")))
    assert sorted(run(trackers.keys())) == sorted([SENDER, "0f3c9a2be1d84c6f"])


def test_the_file_holds_no_message_text_no_answer_and_no_conversation_id(tmp_path):
    path = tmp_path / "t.sqlite3"
    trackers = store(path)
    run(trackers.save(conversation()))
    run(trackers.retrieve(SENDER))

    raw = b"".join(file.read_bytes() for file in tmp_path.iterdir())
    assert [file.name for file in tmp_path.iterdir()] == ["t.sqlite3"]  # no journal or write-ahead log left over
    for secret in [WORDS, "vriend", NAME, "Milena", SENDER, "32470123456", "contact_name", "inform", "How can"]:
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw
    [(row_id, updated_at, sender, token)] = rows(path)
    assert len(row_id) == 64 and SENDER not in row_id and isinstance(updated_at, int)
    assert sender.startswith(b"gAAAAA") and token.startswith(b"gAAAAA")  # Fernet tokens
    assert path.stat().st_mode & 0o077 == 0


def test_a_row_moved_under_another_conversation_is_refused(tmp_path):
    path = tmp_path / "t.sqlite3"
    trackers = store(path)
    run(trackers.save(conversation(SENDER)))
    run(trackers.save(conversation("other", words="other words")))
    with sqlite3.connect(path) as connection:
        other_id = trackers._row_ids("other")[0]
        connection.execute(
            "UPDATE trackers SET tracker = (SELECT tracker FROM trackers WHERE row_id = ?) WHERE row_id = ?",
            (trackers._row_ids(SENDER)[0], other_id),
        )
    assert run(trackers.retrieve("other")) is None
    assert run(trackers.retrieve(SENDER)).get_slot("contact_name") == NAME


def test_key_rotation_keeps_the_conversations_and_moves_them_to_the_new_key(tmp_path):
    path = tmp_path / "t.sqlite3"
    run(store(path, keys=KEY_A).save(conversation()))

    assert run(store(path, keys=KEY_B).retrieve(SENDER)) is None  # another key alone reads nothing
    rotated = store(path, keys=f"{KEY_B},{KEY_A}")
    tracker = run(rotated.retrieve(SENDER))
    assert tracker.get_slot("contact_name") == NAME
    assert list(run(rotated.keys())) == [SENDER]

    run(rotated.save(tracker))  # the next save moves the row to the new key
    assert len(rows(path)) == 1
    assert run(store(path, keys=KEY_B).retrieve(SENDER)).get_slot("contact_name") == NAME
    assert run(store(path, keys=KEY_A).retrieve(SENDER)) is None
    assert list(run(store(path, keys=KEY_A).keys())) == []


def test_conversations_expire_after_the_ttl_since_their_last_update(tmp_path):
    path = tmp_path / "t.sqlite3"
    clock = Clock()
    trackers = store(path, clock=clock, ttl_hours=24)
    run(trackers.save(conversation(SENDER)))
    clock.now += 20 * HOUR
    run(trackers.save(conversation("later")))

    clock.now += 5 * HOUR  # 25 h after the first save, 5 h after the second
    assert run(trackers.retrieve(SENDER)) is None
    assert list(run(trackers.keys())) == ["later"]
    assert len(rows(path)) == 1  # deleted, not only hidden

    tracker = run(trackers.retrieve("later"))
    clock.now += 23 * HOUR
    run(trackers.save(tracker))  # an update restarts the clock
    clock.now += 23 * HOUR
    assert run(trackers.retrieve("later")) is not None
    clock.now += 2 * HOUR
    assert run(trackers.keys()) == [] and rows(path) == []


def test_the_ttl_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ONTHAAL_CONVERSATION_TTL_HOURS", "0.5")
    assert store(tmp_path / "t.sqlite3").ttl_seconds == 1800
    monkeypatch.setenv("ONTHAAL_CONVERSATION_TTL_HOURS", "0")
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_CONVERSATION_TTL_HOURS"):
        store(tmp_path / "t.sqlite3")


def test_an_erased_conversation_leaves_nothing(tmp_path):
    """The "stop" answer and the coach service's erasure: PUT /conversations/<id>/tracker/events with no events."""
    path = tmp_path / "t.sqlite3"
    trackers = store(path)
    run(trackers.save(conversation()))
    [(_, _, _, token)] = rows(path)

    run(trackers.save(DialogueStateTracker.from_dict(SENDER, [], DOMAIN.slots)))
    assert rows(path) == []
    assert run(trackers.retrieve(SENDER)) is None and list(run(trackers.keys())) == []
    assert token[:64] not in path.read_bytes()  # secure_delete: the old ciphertext is overwritten too


def test_a_tracker_without_messages_or_answers_is_not_stored(tmp_path):
    trackers = store(tmp_path / "t.sqlite3")
    run(trackers.create_tracker(SENDER))  # what Rasa does first for a new conversation
    assert rows(tmp_path / "t.sqlite3") == []


def test_without_keys_the_store_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.delenv("ONTHAAL_TRACKER_KEYS", raising=False)
    monkeypatch.setenv("ONTHAAL_TRACKER_DB", str(tmp_path / "t.sqlite3"))
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_TRACKER_KEYS is not set"):
        EncryptedSQLiteTrackerStore(domain=DOMAIN)
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", " , ")
    with pytest.raises(TrackerStoreConfigurationError, match="ONTHAAL_TRACKER_KEYS is not set"):
        EncryptedSQLiteTrackerStore(domain=DOMAIN)


def test_a_malformed_key_is_refused_without_being_echoed(tmp_path):
    with pytest.raises(TrackerStoreConfigurationError, match="key 2 of 2 is not a Fernet key") as error:
        store(tmp_path / "t.sqlite3", keys=f"{KEY_A},not-a-fernet-key")
    assert "not-a-fernet-key" not in str(error.value) and KEY_A not in str(error.value)


def test_rasa_loads_the_store_from_bot_endpoints_yml(tmp_path, monkeypatch):
    monkeypatch.setenv("ONTHAAL_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ONTHAAL_ACTION_SECRET", "a-shared-secret")
    monkeypatch.setenv("ONTHAAL_TRACKER_DB", str(tmp_path / "from-env.sqlite3"))
    config = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "tracker_store")

    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", KEY_A)
    loaded = TrackerStore.create(config, domain=DOMAIN)
    assert type(loaded) is EncryptedSQLiteTrackerStore  # asynchronous: not wrapped, not the in-memory fallback
    assert loaded.path == tmp_path / "from-env.sqlite3" and loaded.ttl_seconds == 24 * HOUR
    run(loaded.save(conversation()))
    assert len(rows(tmp_path / "from-env.sqlite3")) == 1

    # Without keys Rasa's loader gets the error (it falls back to memory only on ImportError/AttributeError).
    monkeypatch.delenv("ONTHAAL_TRACKER_KEYS")
    with pytest.raises(TrackerStoreConfigurationError):
        TrackerStore.create(config, domain=DOMAIN)


def freelist_pages(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA freelist_count").fetchone()[0]


@pytest.mark.parametrize("how", ["erased", "expired"])
def test_the_file_is_rebuilt_after_conversations_are_deleted(tmp_path, how):
    """VACUUM after an erasure or a purge: no page of a deleted conversation stays in the file, not even zeroed."""
    path = tmp_path / "t.sqlite3"
    clock = Clock()
    trackers = store(path, clock=clock, ttl_hours=24)
    for number in range(30):
        run(trackers.save(conversation(f"web-{number}", words=WORDS * 40)))
    size = path.stat().st_size
    for number in range(29):
        if how == "erased":
            run(trackers.save(DialogueStateTracker.from_dict(f"web-{number}", [], DOMAIN.slots)))
    if how == "expired":
        clock.now += 23 * HOUR
        run(trackers.save(conversation("web-29", words=WORDS * 40)))
        clock.now += 2 * HOUR
        assert run(trackers.retrieve("web-29")) is not None
    assert freelist_pages(path) == 0 and path.stat().st_size < size / 3
