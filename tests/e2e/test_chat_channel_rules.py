"""What reaches Rasa from the web channels, against the real stack: only well-formed requests from the channel's
own conversation ids, no client-made reception metadata, nothing over 2,000 characters, and the crisis answer
within two seconds while another client floods the server."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from bot.channels.limits import ADDRESS_RATE, MAX_MESSAGE_CHARS, SENDER_RATE
from coach.routers.reception import mint_token
from tests.e2e.chat import Chat, pack
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack

CANARY = "canary-" + uuid.uuid4().hex  # must never appear in a log


def web_sender() -> str:
    return f"web-{uuid.uuid4()}"


def rest(stack: Any, body: Any, raw: bytes | None = None, channel: str = "rest") -> httpx.Response:
    url = f"{stack.rasa_url}/webhooks/{channel}/webhook"
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(url, content=content, headers={"Content-Type": "application/json"}, timeout=60)


def user_texts(chat: Chat) -> list[str]:
    return [event.get("text") or "" for event in chat.tracker()["events"] if event["event"] == "user"]


def rasa_log(stack: Any) -> str:
    return (stack.state_dir / "logs" / "rasa.log").read_text("utf-8", "replace")


def test_malformed_requests_get_400_and_nothing_reaches_rasa_or_the_log(live_stack):
    chat = Chat(live_stack.rasa_url)
    good = {"sender": chat.sender, "message": CANARY}
    refused = {
        "a JSON list": rest(live_stack, None, raw=b"[]"),
        "not JSON": rest(live_stack, None, raw=b"{" + CANARY.encode()),
        "metadata not an object": rest(live_stack, {**good, "metadata": "x"}),
        "metadata a list": rest(live_stack, {**good, "metadata": [CANARY]}),
        "a bare uuid": rest(live_stack, {**good, "sender": uuid.uuid4().hex}),
        "a WhatsApp conversation": rest(live_stack, {**good, "sender": "wa-" + "0" * 24}),
        "a Telegram conversation": rest(live_stack, {**good, "sender": "tg-" + "0" * 24}),
        "a desk conversation": rest(live_stack, {**good, "sender": f"desk-{uuid.uuid4()}"}),
        "an upper-case uuid": rest(live_stack, {**good, "sender": f"web-{str(uuid.uuid4()).upper()}"}),
        "no message": rest(live_stack, {"sender": chat.sender}),
        "a number as message": rest(live_stack, {"sender": chat.sender, "message": 5}),
        "a lone surrogate": rest(live_stack, {**good, "message": CANARY + "\ud800"}),  # valid JSON, not text
    }
    for case, answer in refused.items():
        assert answer.status_code == 400, case
        assert set(answer.json()) == {"error"} and CANARY not in answer.text, case
    assert CANARY not in "".join(user_texts(chat)), "nothing of a refused request reached the conversation"
    assert CANARY not in rasa_log(live_stack)


def test_forged_reception_metadata_over_rest_is_dropped(live_stack):
    chat = Chat(live_stack.rasa_url)
    forged = {
        "sender": chat.sender,
        "message": "/greet",
        "input_channel": "reception",
        "metadata": {
            "onthaal_assisted_by": "sara",
            "onthaal_remarks": ["forged"],
            "onthaal_message_id": "m-1",
            "onthaal_language_hint": "bg",
            "onthaal_phone": "+32470000000",
        },
    }
    answer = rest(live_stack, forged)
    assert answer.status_code == 200 and answer.json(), "the message itself is answered"
    tracker = chat.tracker()
    assert tracker["latest_message"]["metadata"] == {"onthaal_message_id": "m-1"}
    assert tracker["latest_input_channel"] == "rest"


def test_the_reception_desk_takes_only_desk_senders_and_names_itself(live_stack):
    token = mint_token("sofie", ensure_dotenv()["ONTHAAL_WEBHOOK_SECRET"])
    metadata = {"onthaal_reception_token": token}
    widget_conversation = {"sender": web_sender(), "message": "/greet", "metadata": metadata}
    assert rest(live_stack, widget_conversation, channel="reception").status_code == 400
    desk = Chat(live_stack.rasa_url)
    desk.sender = f"desk-{uuid.uuid4()}"
    body = {"sender": desk.sender, "message": "/greet", "input_channel": "rest", "metadata": metadata}
    assert rest(live_stack, body, channel="reception").status_code == 200
    tracker = desk.tracker()
    assert tracker["latest_input_channel"] == "reception"
    assert tracker["latest_message"]["metadata"]["onthaal_assisted_by"] == "sofie"


def test_a_message_over_2000_characters_is_answered_kindly_in_the_conversations_language_and_not_stored(
    live_stack,
):
    chat = Chat(live_stack.rasa_url)
    chat.say("/greet")
    chat.click("Български")
    before = user_texts(chat)
    long = CANARY + " " + "думи " * (MAX_MESSAGE_CHARS // 5)
    assert chat.say(long) == [{"recipient_id": chat.sender, "text": pack("bg")["message_too_long"]}]
    assert user_texts(chat) == before, "nothing of it is stored"
    assert chat.say("x" * MAX_MESSAGE_CHARS), "2,000 characters are still a message"

    stranger = Chat(live_stack.rasa_url)
    texts = [reply["text"] for reply in stranger.say("y" * (MAX_MESSAGE_CHARS + 1))]
    assert texts == [pack("nl")["message_too_long"], pack("en")["message_too_long"]], "no conversation: nl and en"


def test_a_sender_and_an_address_over_their_rate_get_429_but_words_of_crisis_still_reach_rasa(live_stack):
    """Over-long messages are answered by the channel in milliseconds, so they reach the rate quickly."""
    too_long = "x" * (MAX_MESSAGE_CHARS + 1)
    sender = web_sender()
    answers = [rest(live_stack, {"sender": sender, "message": too_long}) for _ in range(25)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[: SENDER_RATE.messages] == [200] * SENDER_RATE.messages
    # The bucket refills evenly (2 a second): on a busy machine a later message may find a token again, so the
    # refusal looked at is the first one, not the next message.
    refused = next(answer for answer in answers[SENDER_RATE.messages :] if answer.status_code == 429)
    assert refused.json()["text"] == "\n\n".join([pack("nl")["widget_busy"], pack("en")["widget_busy"]])
    new_senders = (
        rest(live_stack, {"sender": web_sender(), "message": too_long}) for _ in range(3 * ADDRESS_RATE.messages)
    )
    assert any(answer.status_code == 429 for answer in new_senders), "new senders, one address: the address is over"

    crisis = Chat(live_stack.rasa_url)
    assert "1813" in "\n".join(crisis.texts if crisis.say("I want to kill myself") else [])
    assert "I want to kill myself" in user_texts(crisis), "it reached Rasa (which flags the intake)"
    time.sleep(ADDRESS_RATE.seconds)  # the address's bucket is full again for the tests that follow


def flood(stack: Any, requests: int, threads: int) -> list[int]:
    """`requests` messages from `threads` clients at once, in six conversations."""
    words = "ik zoek werk in de haven of in een keuken en ik spreek een beetje Nederlands"
    senders = [web_sender() for _ in range(6)]

    def send(number: int) -> int:
        body = {"sender": senders[number % len(senders)], "message": words}
        return httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=120).status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(send, range(requests)))


def test_the_crisis_answer_comes_within_two_seconds_while_another_client_floods(live_stack):
    with ThreadPoolExecutor(max_workers=1) as runner:
        flooding = runner.submit(flood, live_stack, 300, 24)
        time.sleep(1.5)  # the flood is in full swing: Rasa is busy, the address is over its rate
        crisis = Chat(live_stack.rasa_url)
        started = time.monotonic()
        texts = "\n".join(reply.get("text", "") for reply in crisis.say("I want to kill myself"))
        crisis_seconds = time.monotonic() - started

        started = time.monotonic()
        huge = rest(live_stack, {"sender": web_sender(), "message": "z" * 2_000_000})
        huge_seconds = time.monotonic() - started
        statuses = flooding.result()
    print(f"crisis {crisis_seconds:.2f} s, 2 MB {huge_seconds:.2f} s, flood: {statuses.count(429)} of 300 refused")
    assert "112" in texts and "1813" in texts
    assert crisis_seconds < 2.0, f"the crisis answer took {crisis_seconds:.1f} s"
    assert huge.status_code == 413 or huge.json()[-1]["text"] == pack("en")["message_too_long"]
    assert huge_seconds < 2.0, f"the 2 MB message took {huge_seconds:.1f} s"
    assert 200 in statuses and set(statuses) <= {200, 429}, "answered or refused quickly, never an error"
    time.sleep(ADDRESS_RATE.seconds)  # the address's bucket is full again for the tests that follow


def test_a_resent_message_is_answered_again_not_taken_as_the_next_answer(live_stack):
    """The widget resends a message whose answer it never got (same message id): the person gets the same answer,
    and the conversation holds the message once."""
    chat = Chat(live_stack.rasa_url)
    first = {"sender": chat.sender, "message": "/greet", "metadata": {"onthaal_message_id": "m-greet"}}
    choose = {"sender": chat.sender, "message": '/choose_language{"language": "en"}'}
    choose["metadata"] = {"onthaal_message_id": "m-choose"}
    assert rest(live_stack, first).status_code == 200
    answer = rest(live_stack, choose)
    again = rest(live_stack, choose)
    assert answer.status_code == again.status_code == 200
    assert again.json() == answer.json() and answer.json()
    assert user_texts(chat).count(choose["message"]) == 1
    # Another message id is a new message.
    choose["metadata"] = {"onthaal_message_id": "m-choose-2"}
    rest(live_stack, choose)
    assert user_texts(chat).count(choose["message"]) == 2
