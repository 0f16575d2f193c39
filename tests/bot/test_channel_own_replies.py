"""What the channels answer without Rasa, in the conversation's language read from the real encrypted tracker
store, and the shared limits with the crisis policy's own matcher."""

from __future__ import annotations

from pathlib import Path

import yaml
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels import own_replies
from bot.channels.admission import shared_limits
from bot.channels.limits import ADDRESS_RATE, MAX_MESSAGE_CHARS, SENDER_RATE, Admission, Limits
from bot.policies.crisis import mentions_crisis
from bot.tracker_store import EncryptedSQLiteTrackerStore

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.from_yaml('version: "3.1"\nslots:\n  language:\n    type: text\n    mappings: [{type: custom}]\n')
PACKS = {path.stem: yaml.safe_load(path.read_text("utf-8"))["texts"] for path in (ROOT / "languages").glob("*.yml")}
TOO_LONG = "x" * (MAX_MESSAGE_CHARS + 1)


class Agent:
    """The one attribute of Rasa's Agent the channels read."""

    def __init__(self, tracker_store: EncryptedSQLiteTrackerStore | None) -> None:
        self.tracker_store = tracker_store


def tracker_store(tmp_path: Path) -> EncryptedSQLiteTrackerStore:
    return EncryptedSQLiteTrackerStore(domain=DOMAIN, db=tmp_path / "t.sqlite3", keys=Fernet.generate_key().decode())


async def stored_conversation(store: EncryptedSQLiteTrackerStore, sender: str, language: str) -> None:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(UserUttered("/greet", {"name": "greet", "confidence": 1.0}))
    tracker.update(SlotSet("language", language))
    await store.save(tracker)


async def test_a_too_long_message_is_answered_in_the_conversations_language(tmp_path):
    store = tracker_store(tmp_path)
    await stored_conversation(store, "web-1", "bg")
    answer = await own_replies.answer_for(Admission.TOO_LONG, TOO_LONG, Agent(store), "web-1")
    assert answer == [PACKS["bg"]["message_too_long"]]


async def test_without_a_conversation_the_hint_decides_and_nothing_is_stored(tmp_path):
    store = tracker_store(tmp_path)
    answer = await own_replies.answer_for(Admission.TOO_LONG, TOO_LONG, Agent(store), "tg-new", hint="ro")
    assert answer == [PACKS["ro"]["message_too_long"]]
    assert await store.retrieve("tg-new") is None
    assert list(await store.keys()) == []


async def test_without_a_conversation_or_a_hint_it_is_dutch_and_english(tmp_path):
    answer = await own_replies.answer_for(Admission.TOO_LONG, TOO_LONG, Agent(tracker_store(tmp_path)), "web-2")
    assert answer == [PACKS["nl"]["message_too_long"], PACKS["en"]["message_too_long"]]
    assert await own_replies.answer_for(Admission.TOO_LONG, TOO_LONG, None, "web-2", hint="xx") == answer


async def test_the_crisis_answer_over_the_limits_is_the_crisis_response(tmp_path):
    store = tracker_store(tmp_path)
    await stored_conversation(store, "web-3", "prs")
    answer = await own_replies.answer_for(Admission.CRISIS_ANSWER, "I want to kill myself", Agent(store), "web-3")
    assert answer == [PACKS["prs"]["crisis"]]
    assert "112" in answer[0] and "1813" in answer[0]
    long_answer = await own_replies.answer_for(Admission.CRISIS_ANSWER, TOO_LONG, Agent(store), "web-3")
    assert long_answer == [PACKS["prs"]["crisis"], PACKS["prs"]["message_too_long"]]


def test_the_shared_limits_use_the_crisis_policys_own_phrases():
    assert shared_limits().mentions_crisis is mentions_crisis
    limits = Limits(mentions_crisis)
    for _ in range(SENDER_RATE.messages):
        limits.admit("web-a", "hallo", "10.0.0.1")
    assert limits.admit("web-a", "hallo", "10.0.0.1") is Admission.TOO_MANY
    assert limits.admit("web-a", "I want to kill myself", "10.0.0.1") is Admission.URGENT
    assert limits.admit("web-a", "Не искам да живея повече", "10.0.0.1") is Admission.URGENT
    assert limits.admit("web-a", "/greet", "10.0.0.1") is Admission.TOO_MANY, "a payload is not words of crisis"


def test_a_flood_from_one_address_does_not_stop_a_crisis_message_from_it():
    limits = Limits(mentions_crisis)
    for n in range(ADDRESS_RATE.messages * 2):
        limits.admit(f"web-{n}", "hello", "127.0.0.1")
    assert limits.admit("web-new", "hello", "127.0.0.1") is Admission.TOO_MANY
    assert limits.admit("web-new", "I want to kill myself", "127.0.0.1") is Admission.URGENT
