"""A restart of the Rasa server in the middle of an intake: the conversation goes on where it was, and what the
person said is in the tracker store only encrypted (bot/tracker_store.py)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tests.e2e.chat import Chat, pack
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack

NAME = "Milena"
PHONE = "0470 12 34 56"


def stored_conversations(state_dir: Path) -> list[str]:
    """The conversation ids in the stack's tracker store, decrypted with the development key."""
    keys = MultiFernet([Fernet(key) for key in ensure_dotenv()["ONTHAAL_TRACKER_KEYS"].split(",")])
    with sqlite3.connect(state_dir / "trackers.sqlite3") as connection:
        rows = connection.execute("SELECT sender FROM tracker_conversations").fetchall()
    senders = []
    for (token,) in rows:
        try:
            senders.append(keys.decrypt(token).decode())
        except InvalidToken:
            continue
    return senders


def test_a_restart_of_rasa_keeps_the_intake_where_it_was(live_stack):
    texts = pack("en")
    chat = Chat(live_stack.rasa_url)
    chat.say('/choose_language{"language":"en"}')
    chat.click(texts["consent_yes"])
    chat.say(NAME)
    assert chat.bare_texts == [texts["ask_contact_method"]]
    chat.click(texts["contact_method_phone"])
    assert chat.bare_texts == [texts["ask_contact_phone"]]
    assert chat.sender in stored_conversations(live_stack.state_dir)

    live_stack.restart_rasa()

    chat.say(PHONE)  # the open question's answer, not the start of a new conversation
    assert chat.bare_texts == [texts["ask_contact_time"]]
    chat.click(texts["contact_time_morning"])
    assert chat.bare_texts == [texts["ask_neighbourhood"]]
    tracker = chat.tracker()
    assert tracker["slots"]["contact_name"] == NAME and tracker["slots"]["contact_time"] == "morning"

    raw = b"".join(path.read_bytes() for path in live_stack.state_dir.glob("trackers.sqlite3*"))
    # Whole values only: a 4-character piece could appear in the base64 of the ciphertext by chance.
    for secret in (NAME, PHONE, chat.sender):
        assert secret.encode() not in raw

    # "Stop" erases the conversation from the store (through Rasa's API, a few seconds later).
    chat.say("stop")
    assert chat.texts == [texts["stopped"]]
    for _ in range(40):
        if chat.sender not in stored_conversations(live_stack.state_dir):
            break
        time.sleep(0.5)
    assert chat.sender not in stored_conversations(live_stack.state_dir)
