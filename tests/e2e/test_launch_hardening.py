"""How the servers are reached, against the real stack: Rasa's API only with a JWT in a header, CORS only for the
widget, a capped request body, an action server that answers only Rasa, and no secret in the process list."""

from __future__ import annotations

import time

import httpx
import pytest

from coach import rasa as coach_rasa
from tests.e2e.chat import Chat, pack, rasa_api_headers
from tests.e2e.processes import command_line, tree
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack

EVIL = "https://evil.example"


def mid_intake(live_stack) -> tuple[Chat, dict[str, str]]:
    texts = pack("en")
    chat = Chat(live_stack.rasa_url)
    chat.say('/choose_language{"language":"en"}')
    chat.click(texts["consent_yes"])
    chat.say("Milena")
    assert chat.bare_texts == [texts["ask_contact_method"]]  # the form ran: Rasa reached the action server
    return chat, texts


def test_rasa_api_takes_a_jwt_in_the_header_and_refuses_a_token_in_the_url(live_stack):
    chat, _ = mid_intake(live_stack)
    url = f"{live_stack.rasa_url}/conversations/{chat.sender}/tracker"
    secret = ensure_dotenv()["RASA_JWT_SECRET"]

    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": secret}, timeout=10).status_code == 401
    assert httpx.get(url, headers=coach_rasa.auth_headers("not-the-secret"), timeout=10).status_code == 401
    answer = httpx.get(url, headers=rasa_api_headers(), timeout=10)
    assert answer.status_code == 200 and answer.json()["slots"]["contact_name"] == "Milena"


def test_the_coach_service_can_erase_a_conversation_with_its_token(live_stack):
    chat, _ = mid_intake(live_stack)
    secret = ensure_dotenv()["RASA_JWT_SECRET"]
    assert not coach_rasa.erase_conversation(live_stack.rasa_url, "not-the-secret", chat.sender)
    assert any(event["event"] == "user" for event in chat.tracker()["events"])

    assert coach_rasa.erase_conversation(live_stack.rasa_url, secret, chat.sender)
    assert not any(event["event"] == "user" for event in chat.tracker()["events"])


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/conversations/x/tracker", "/"])
def test_cors_answers_only_the_widget_origin(live_stack, path):
    def preflight(origin: str) -> httpx.Response:
        headers = {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        return httpx.options(live_stack.rasa_url + path, headers=headers, timeout=10)

    assert "access-control-allow-origin" not in preflight(EVIL).headers
    assert "access-control-allow-origin" not in preflight("null").headers
    assert preflight(live_stack.coach_url).headers["access-control-allow-origin"] == live_stack.coach_url
    plain = httpx.get(live_stack.rasa_url + "/", headers={"Origin": EVIL}, timeout=10)
    assert plain.status_code == 200 and "access-control-allow-origin" not in plain.headers


def test_a_two_megabyte_message_is_refused_at_once_and_the_next_person_is_answered(live_stack):
    url = f"{live_stack.rasa_url}/webhooks/rest/webhook"
    body = {"sender": "web-flood", "message": "x" * (2 * 1024 * 1024)}
    started = time.monotonic()
    assert httpx.post(url, json=body, timeout=30).status_code == 413
    assert time.monotonic() - started < 2

    def chunks():  # no Content-Length: Sanic counts while it reads
        for _ in range(32):
            yield b"x" * 65536

    started = time.monotonic()
    try:
        status = httpx.post(url, content=chunks(), headers={"content-type": "application/json"}, timeout=30).status_code
    except httpx.TransportError:  # the server may close the connection while the client is still sending
        status = 413
    assert status == 413 and time.monotonic() - started < 2

    texts = pack("en")
    chat = Chat(live_stack.rasa_url)
    chat.say('/choose_language{"language":"en"}')
    chat.say("I want to kill myself")
    assert chat.texts == [texts["crisis"]]


def test_the_action_server_refuses_calls_without_the_secret_and_does_nothing(live_stack):
    chat, _ = mid_intake(live_stack)
    before = chat.tracker()["events"]
    stop_this_conversation = {
        "next_action": "action_stop",
        "sender_id": chat.sender,
        "tracker": {"sender_id": chat.sender, "slots": {"language": "en"}, "events": [], "latest_message": {}},
        "domain": {},
        "version": "3.6.21",
    }
    webhook = f"{live_stack.actions_url}/webhook"
    assert httpx.post(webhook, json=stop_this_conversation, timeout=10).status_code == 401
    forged = {"X-Onthaal-Action-Secret": "guessed"}
    assert httpx.post(webhook, json=stop_this_conversation, headers=forged, timeout=10).status_code == 401
    assert httpx.get(f"{live_stack.actions_url}/actions", timeout=10).status_code == 401
    assert httpx.get(f"{live_stack.actions_url}/health", timeout=10).status_code == 200
    secret = {"X-Onthaal-Action-Secret": ensure_dotenv()["ONTHAAL_ACTION_SECRET"]}
    assert httpx.post(webhook, content=b"x" * (5 * 1024 * 1024), headers=secret, timeout=10).status_code == 413

    time.sleep(3)  # action_stop would erase the conversation two seconds after it ran
    assert chat.tracker()["events"] == before
    assert chat.click(pack("en")["contact_method_phone"]) and chat.bare_texts == [pack("en")["ask_contact_phone"]]


def test_the_action_server_listens_on_loopback_only(live_stack):
    import socket

    address = socket.gethostbyname(socket.gethostname())
    if address.startswith("127."):
        pytest.skip("this machine has no address but loopback")
    with socket.socket() as probe:
        probe.settimeout(2)
        assert probe.connect_ex((address, live_stack.actions_port)) != 0


def test_no_secret_is_on_any_command_line(live_stack):
    secrets = {key: value for key, value in ensure_dotenv().items() if len(value) >= 12}
    assert {"RASA_JWT_SECRET", "ONTHAAL_ACTION_SECRET", "ONTHAAL_WEBHOOK_SECRET"} <= set(secrets)
    pids = [pid for _, process in live_stack.processes for pid in tree(process.pid)]
    assert len(pids) >= 3
    lines = [command_line(pid) for pid in pids]
    assert any("bot.server" in line for line in lines) and any("bot.action_server" in line for line in lines)
    for key, value in secrets.items():
        assert not any(value in line for line in lines), f"{key} is on a command line"
