"""Where people stop (issue 15), against the real assistant: conversations held through the web channel, stopped
at known questions, handed off (which counts nothing), or left to expire, arrive as anonymous counters at
POST /webhook/counters.

A stack of its own, with a short conversation TTL and fast counters, posting the counters to a stand-in receiver
that checks the signature and the contract (tests/bot/counter_receiver.py); the intakes go to the real coach
service as always.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.bot.counter_receiver import CounterReceiver
from tests.conftest import MODEL, free_port
from tests.e2e.chat import Chat, pack
from tools.stack import Stack, ensure_dotenv

pytestmark = pytest.mark.stack
TTL_HOURS = 0.01  # 36 s; the store deletes expired conversations every tenth of the TTL (at most once a minute)
EXPIRY_WAIT_SECONDS = 180


@pytest.fixture(scope="module")
def counted_stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    with CounterReceiver(ensure_dotenv()["ONTHAAL_WEBHOOK_SECRET"]) as receiver:
        stack = Stack(
            state_dir=tmp_path_factory.mktemp("counted"),
            rasa_port=free_port(),
            actions_port=free_port(),
            coach_port=free_port(),
            model=MODEL,
            extra_env={
                "ONTHAAL_COUNTERS_URL": f"{receiver.url}/webhook/counters",
                "ONTHAAL_COUNTERS_FLUSH_SECONDS": "0.2",
                "ONTHAAL_COUNTERS_SEND_SECONDS": "0.5",
                "ONTHAAL_CONVERSATION_TTL_HOURS": str(TTL_HOURS),
            },
        )
        stack.start()
        try:
            yield stack, receiver
        finally:
            stack.stop()


def consented(stack: Stack, language: str) -> tuple[Chat, dict[str, str]]:
    texts = pack(language)
    chat = Chat(stack.rasa_url)
    chat.say(f'/choose_language{{"language":"{language}"}}')
    chat.click(texts["consent_yes"])
    assert chat.bare_texts == [texts["ask_contact_name"]]
    return chat, texts


def wait_for(receiver: CounterReceiver, key: tuple, n: int, seconds: float, poke=None) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while receiver.totals[key] < n and time.monotonic() < deadline:
        if poke is not None:
            poke()
        time.sleep(1.0)
    assert receiver.totals[key] == n, dict(receiver.totals)


def test_stops_hand_offs_and_expiries_arrive_as_counts_at_their_questions(counted_stack):
    stack, receiver = counted_stack
    today = datetime.now(UTC).date().isoformat()

    # Stops at the neighbourhood question (Dutch) and at the name question (English).
    chat, texts = consented(stack, "nl")
    chat.say("Milena")
    chat.click(texts["contact_method_come_by"])
    assert chat.bare_texts[-1] == texts["ask_neighbourhood"]
    chat.say("stop")
    assert chat.texts == [texts["stopped"]]
    chat, texts = consented(stack, "en")
    chat.say("I want to stop")
    assert chat.texts == [texts["stopped"]]

    # A hand-off (a person, asked for after the name).
    chat, texts = consented(stack, "en")
    chat.say("Simon")
    chat.say("I want to talk to a real person")
    chat.click(texts["contact_method_phone"])
    chat.say("0470 12 34 56")
    chat.click(texts["contact_time_any"])
    assert "ONT-" in chat.texts[0]

    # Someone who leaves at "How can a coach reach you?".
    chat, texts = consented(stack, "bg")
    chat.say("Милена")
    assert chat.bare_texts == [texts["ask_contact_method"]]

    wait_for(receiver, (today, "stopped", "neighbourhood", "nl", "web"), 1, 30)
    wait_for(receiver, (today, "stopped", "contact_name", "en", "web"), 1, 30)
    for language, n in (("nl", 1), ("en", 2), ("bg", 1)):
        wait_for(receiver, (today, "started", None, language, "web"), n, 30)
        wait_for(receiver, (today, "consented", None, language, "web"), n, 30)

    # The expiry runs on a save: a fresh opening now and then (no language: not counted).
    wait_for(
        receiver,
        (today, "expired", "contact_method", "bg", "web"),
        1,
        EXPIRY_WAIT_SECONDS,
        poke=lambda: Chat(stack.rasa_url).greet(),
    )
    # The hand-off counts nothing and ends its record: it does not expire either.
    assert receiver.by_event() == {"started": 4, "consented": 4, "stopped": 2, "expired": 1}
    assert receiver.refused == []
