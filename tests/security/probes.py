"""Probes of issue 11: what an outsider or an unlucky input tries against a running Onthaal, and what it gets.

Each probe sends real requests to the three servers (Rasa, action server, coach service) and returns what it
observed and whether that is the safe answer. `tests/security/test_probes.py` runs them against a stack of real
processes; `python -m tests.security.probes` runs them against `make run` (the ports and `.env` of this checkout)
and prints the table that the README shows. Standard library and httpx only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
CRISIS = "I want to kill myself"


@dataclass(frozen=True)
class Target:
    rasa_url: str
    actions_url: str
    coach_url: str
    rasa_jwt_secret: str

    @property
    def rest(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def rasa_api_headers(self) -> dict[str, str]:
        from coach.rasa import auth_headers

        return auth_headers(self.rasa_jwt_secret)


@dataclass(frozen=True)
class Outcome:
    observed: str
    safe: bool


@dataclass(frozen=True)
class Probe:
    name: str
    tried: str
    expected: str
    run: Callable[[Target], Outcome]


def new_sender() -> str:
    return f"web-{uuid.uuid4()}"


def texts(code: str) -> dict[str, str]:
    return yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["texts"]


def say(target: Target, sender: str, message: str, **extra: object) -> httpx.Response:
    return httpx.post(target.rest, json={"sender": sender, "message": message, **extra}, timeout=60)


def raw_post(url: str, body: bytes, content_type: str = "application/json", **headers: str) -> httpx.Response:
    return httpx.post(url, content=body, headers={"content-type": content_type, **headers}, timeout=30)


def chunked_post(url: str, total: int, headers: dict[str, str] | None = None) -> tuple[int, float]:
    """POST `total` bytes with Transfer-Encoding: chunked (no Content-Length); the status and the seconds taken."""

    def chunks() -> Iterator[bytes]:
        piece = b'{"x":"' + b"a" * 65_000
        sent = 0
        while sent < total:
            yield piece
            sent += len(piece)

    started = time.monotonic()
    try:
        response = httpx.post(url, content=chunks(), headers={"content-type": "application/json", **(headers or {})})
        status = response.status_code
    except httpx.HTTPError:  # the server closed the connection after its 413: also a refusal
        status = 413
    return status, time.monotonic() - started


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def forged_reception_metadata(target: Target) -> Outcome:
    sender = new_sender()
    forged = {"onthaal_assisted_by": "sara", "onthaal_remarks": ["forged"]}
    response = say(target, sender, '/choose_language{"language":"en"}', input_channel="reception", metadata=forged)
    tracker = httpx.get(
        f"{target.rasa_url}/conversations/{sender}/tracker", headers=target.rasa_api_headers(), timeout=10
    ).json()
    user = [event for event in tracker.get("events", []) if event.get("event") == "user"]
    channel = user[-1].get("input_channel") if user else None
    metadata = user[-1].get("metadata") or {} if user else {}
    leaked = "onthaal_assisted_by" in json.dumps(tracker) or "forged" in json.dumps(metadata)
    return Outcome(
        f"{response.status_code}; channel {channel!r}, assisted_by {'kept' if leaked else 'dropped'}",
        response.status_code == 200 and channel == "rest" and not leaked,
    )


def reception_without_token(target: Target) -> Outcome:
    url = f"{target.rasa_url}/webhooks/reception/webhook"
    body = {"sender": f"desk-{uuid.uuid4()}", "message": "hello", "metadata": {"onthaal_assisted_by": "sara"}}
    response = httpx.post(url, json=body, timeout=30)
    return Outcome(str(response.status_code), response.status_code == 403)


def two_megabyte_message(target: Target) -> Outcome:
    body = json.dumps({"sender": new_sender(), "message": "a" * 2_000_000}).encode()
    response, seconds = _timed(lambda: raw_post(target.rest, body))
    return Outcome(f"{response.status_code} in {seconds:.2f} s", response.status_code == 413 and seconds < 2)


def chunked_two_megabytes_to_rasa(target: Target) -> Outcome:
    status, seconds = chunked_post(target.rest, 2_000_000)
    return Outcome(f"{status} in {seconds:.2f} s", status == 413 and seconds < 2)


def long_message(target: Target) -> Outcome:
    sender = new_sender()
    say(target, sender, '/choose_language{"language":"en"}')
    response, seconds = _timed(lambda: say(target, sender, "word " * 6_000))
    answer = " ".join(reply.get("text", "") for reply in response.json()) if response.status_code == 200 else ""
    tracker = httpx.get(
        f"{target.rasa_url}/conversations/{sender}/tracker", headers=target.rasa_api_headers(), timeout=10
    ).json()
    stored = "word word word" in json.dumps(tracker)
    kind = answer == texts("en")["message_too_long"]
    return Outcome(
        f"{response.status_code} in {seconds:.2f} s, {'the too-long answer' if kind else 'another answer'}, "
        f"text {'stored' if stored else 'not stored'}",
        kind and not stored and seconds < 2,
    )


def flood_then_crisis(target: Target) -> Outcome:
    """Threads flood the REST channel from one address, each message a new conversation, until the address is
    over its limit; then a crisis message from another person must still be answered at once."""
    stop = threading.Event()
    statuses: list[int] = []

    def flood() -> None:
        with httpx.Client(timeout=30) as client:
            for _ in range(100):
                if stop.is_set():
                    return
                try:
                    response = client.post(target.rest, json={"sender": new_sender(), "message": "hello"})
                    statuses.append(response.status_code)
                except httpx.HTTPError:
                    statuses.append(0)

    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(6):
            pool.submit(flood)
        deadline = time.monotonic() + 20
        while 429 not in statuses and time.monotonic() < deadline:
            time.sleep(0.05)
        response, seconds = _timed(lambda: say(target, new_sender(), CRISIS))
        stop.set()
    answer = " ".join(reply.get("text", "") for reply in response.json()) if response.status_code == 200 else ""
    got_crisis = "112" in answer and "1813" in answer
    limited = statuses.count(429)
    time.sleep(11)  # the address's bucket refills, so that what comes next is not refused
    return Outcome(
        f"crisis reply {'with' if got_crisis else 'WITHOUT'} 112/1813 in {seconds:.2f} s; "
        f"flood: {len(statuses)} requests, {limited} got 429",
        got_crisis and seconds < 2 and limited > 0,
    )


def _click(target: Target, sender: str, replies: list[dict], wanted: Callable[[dict], bool]) -> list[dict]:
    payload = next(b["payload"] for reply in replies for b in reply.get("buttons", []) if wanted(b))
    return say(target, sender, payload).json()


def pathological_email(target: Target) -> Outcome:
    """The e-mail answer that made the old pattern backtrack, at the longest a message may be."""
    en = texts("en")
    sender = new_sender()
    replies = say(target, sender, '/choose_language{"language":"en"}').json()
    # A button's title is its pictogram and its words; a question starts with its progress line.
    replies = _click(target, sender, replies, lambda button: button["title"].endswith(" " + en["consent_yes"]))
    replies = say(target, sender, "Ionel").json()
    replies = _click(target, sender, replies, lambda button: "email" in button["payload"])
    asked = any((reply.get("text") or "").endswith("\n" + en["ask_contact_email"]) for reply in replies)
    evil = ("a." * 995)[:1_990] + "@"
    response, seconds = _timed(lambda: say(target, sender, evil))
    return Outcome(
        f"{response.status_code} in {seconds:.2f} s",
        asked and response.status_code == 200 and seconds < 2,
    )


def not_json(target: Target) -> Outcome:
    response = raw_post(target.rest, b"{not json")
    return Outcome(str(response.status_code), response.status_code == 400)


def json_list(target: Target) -> Outcome:
    response = raw_post(target.rest, b"[]")
    return Outcome(str(response.status_code), response.status_code == 400)


def metadata_not_an_object(target: Target) -> Outcome:
    response = say(target, new_sender(), "hello", metadata="x")
    return Outcome(str(response.status_code), response.status_code == 400)


def messaging_sender_over_rest(target: Target) -> Outcome:
    response = say(target, "wa-" + "0" * 24, "hello")
    return Outcome(str(response.status_code), response.status_code == 400)


def socketio(target: Target) -> Outcome:
    response = httpx.get(f"{target.rasa_url}/socket.io/?EIO=4&transport=polling", timeout=10)
    return Outcome(str(response.status_code), response.status_code == 404)


def token_in_url(target: Target) -> Outcome:
    response = httpx.get(f"{target.rasa_url}/status", params={"token": target.rasa_jwt_secret}, timeout=10)
    return Outcome(str(response.status_code), response.status_code == 401)


def cors_from_another_origin(target: Target) -> Outcome:
    response = httpx.options(
        target.rest,
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    allowed = response.headers.get("access-control-allow-origin")
    return Outcome(f"{response.status_code}, Access-Control-Allow-Origin: {allowed}", allowed is None)


def unauthenticated_action_call(target: Target) -> Outcome:
    body = {"next_action": "action_stop", "sender_id": new_sender(), "tracker": {}, "domain": {}, "version": "3.6.21"}
    response = httpx.post(f"{target.actions_url}/webhook", json=body, timeout=10)
    return Outcome(str(response.status_code), response.status_code == 401)


def long_webhook_timestamp(target: Target) -> Outcome:
    headers = {"webhook-id": "msg_probe", "webhook-timestamp": "9" * 400, "webhook-signature": "v1,AAAA"}
    response = raw_post(f"{target.coach_url}/api/v1/intakes", b"{}", **headers)
    return Outcome(str(response.status_code), response.status_code == 401)


def chunked_webhook(target: Target) -> Outcome:
    headers = {"webhook-id": "msg_probe", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1,AAAA"}
    status, seconds = chunked_post(f"{target.coach_url}/api/v1/intakes", 2_000_000, headers)
    return Outcome(f"{status} in {seconds:.2f} s", status == 413 and seconds < 2)


def big_login_form(target: Target) -> Outcome:
    body = b"username=a&password=" + b"p" * 1_000_000
    response = raw_post(f"{target.coach_url}/login", body, "application/x-www-form-urlencoded")
    return Outcome(str(response.status_code), response.status_code == 413)


def coach_pages_not_frameable(target: Target) -> Outcome:
    headers = {path: httpx.get(f"{target.coach_url}{path}", timeout=10).headers for path in ("/", "/docs", "/login")}
    missing = [p for p, h in headers.items() if "frame-ancestors 'none'" not in h.get("content-security-policy", "")]
    return Outcome(
        "frame-ancestors 'none' on /, /docs, /login" if not missing else f"missing on {missing}", not missing
    )


PROBES: list[Probe] = [
    Probe(
        "forged_reception_metadata",
        "REST message claiming `input_channel: reception`, `assisted_by: sara`, remarks",
        "stored as `rest`, no assisted_by",
        forged_reception_metadata,
    ),
    Probe("reception_without_token", "reception channel without a staff token", "403", reception_without_token),
    Probe("two_megabyte_message", "a 2 MB message to the REST channel", "413 within 2 s", two_megabyte_message),
    Probe(
        "chunked_two_megabytes_to_rasa",
        "2 MB chunked (no Content-Length) to the REST channel",
        "413 within 2 s",
        chunked_two_megabytes_to_rasa,
    ),
    Probe(
        "long_message",
        "a 30,000-character message",
        "a kind localized answer, nothing stored, within 2 s",
        long_message,
    ),
    Probe(
        "pathological_email",
        "1,990 characters of `a.a.a...@` at the e-mail question (ReDoS input)",
        "answered within 2 s",
        pathological_email,
    ),
    Probe("not_json", "a REST body that is not JSON", "400", not_json),
    Probe("json_list", "a JSON list as the REST body", "400", json_list),
    Probe("metadata_not_an_object", "REST metadata that is a string", "400", metadata_not_an_object),
    Probe(
        "messaging_sender_over_rest",
        "a WhatsApp conversation id (`wa-...`) on the REST channel",
        "400",
        messaging_sender_over_rest,
    ),
    Probe("socketio", "socket.io's polling endpoint", "404 (no socket.io)", socketio),
    Probe("token_in_url", "Rasa's API with `?token=` in the URL", "401", token_in_url),
    Probe(
        "cors_from_another_origin",
        "CORS preflight from https://evil.example",
        "no Access-Control-Allow-Origin",
        cors_from_another_origin,
    ),
    Probe(
        "unauthenticated_action_call",
        "POST to the action server without its secret",
        "401",
        unauthenticated_action_call,
    ),
    Probe(
        "long_webhook_timestamp",
        "a 400-digit `webhook-timestamp` on POST /api/v1/intakes",
        "401",
        long_webhook_timestamp,
    ),
    Probe("chunked_webhook", "2 MB chunked to POST /api/v1/intakes", "413 within 2 s", chunked_webhook),
    Probe("big_login_form", "a 1 MB login form", "413", big_login_form),
    Probe(
        "coach_pages_not_frameable",
        "the coach service's pages in a frame",
        "frame-ancestors 'none'",
        coach_pages_not_frameable,
    ),
    Probe(
        "flood_then_crisis",
        "6 threads flooding from one address (a new conversation each), then a crisis message from another person",
        "112/1813 within 2 s; the flood gets 429",
        flood_then_crisis,
    ),
]


def main() -> int:
    from tools.stack import ensure_dotenv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--actions", default="http://127.0.0.1:5055")
    parser.add_argument("--coach", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    target = Target(args.rasa, args.actions, args.coach, ensure_dotenv()["RASA_JWT_SECRET"])
    print("| probe | what was tried | expected | what it got | safe |\n| --- | --- | --- | --- | --- |")
    failures = 0
    for probe in PROBES:
        try:
            outcome = probe.run(target)
        except (httpx.HTTPError, OSError, ValueError) as error:
            outcome = Outcome(f"error: {type(error).__name__}", False)
        failures += not outcome.safe
        print(
            f"| {probe.name} | {probe.tried} | {probe.expected} | {outcome.observed} "
            f"| {'yes' if outcome.safe else 'NO'} |"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
