"""coach_client.intake_status: the action server asks the real coach service (uvicorn, its own process) where an
intake stands, and a small HTTP server for the answers the real one gives only when something is wrong."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.delivery import coach_client
from bot.delivery.coach_client import DeliverySettings, intake_status, post_signed
from tests.bot.coach_doubles import CoachService, new_secret
from tests.bot.intakes import STATUS_CODE, valid_intake


def settings_for(url: str, secret: str, tmp_path: Path) -> DeliverySettings:
    return DeliverySettings(outbox_path=tmp_path / "outbox.sqlite3", coach_url=url, secret=secret)


def deliver(coach: CoachService, secret: str, reference: str, status_code: str = STATUS_CODE) -> None:
    body = json.dumps(valid_intake(reference, status_code)).encode()
    assert post_signed(f"{coach.url}/api/v1/intakes", secret, coach_client.new_webhook_id(), body) == 201


def set_status(coach: CoachService, reference: str, status: str) -> None:
    with sqlite3.connect(coach.database) as connection:
        connection.execute("UPDATE intakes SET status = ? WHERE reference = ?", (status, reference))


def test_the_status_follows_the_coach_through_every_step(real_coach, tmp_path):
    coach, secret = real_coach
    deliver(coach, secret, "ONT-AAAAA2")
    settings = settings_for(coach.url, secret, tmp_path)

    assert intake_status(settings, "ONT-AAAAA2", STATUS_CODE) == "new"
    for status in ("claimed", "contacted", "closed"):
        set_status(coach, "ONT-AAAAA2", status)
        assert intake_status(settings, "ONT-AAAAA2", STATUS_CODE) == status
    # What a person types around the reference and the code does not matter.
    assert intake_status(settings, " ont-aaaaa2 ", f" {STATUS_CODE}\n") == "closed"


def test_wrong_code_and_unknown_reference_are_unknown_and_guessing_makes_it_busy(real_coach, tmp_path):
    coach, secret = real_coach
    deliver(coach, secret, "ONT-BBBBB3")
    settings = settings_for(coach.url, secret, tmp_path)

    assert intake_status(settings, "ONT-CCCCC4", STATUS_CODE) == "unknown"
    for wrong in range(5):
        assert intake_status(settings, "ONT-BBBBB3", f"00000{wrong}") == "unknown"
    assert intake_status(settings, "ONT-BBBBB3", STATUS_CODE) == "busy"


def test_a_request_signed_with_another_secret_gets_no_status(real_coach, tmp_path):
    coach, secret = real_coach
    deliver(coach, secret, "ONT-DDDDD5")

    assert intake_status(settings_for(coach.url, new_secret(), tmp_path), "ONT-DDDDD5", STATUS_CODE) == "unavailable"
    assert intake_status(settings_for(coach.url, secret, tmp_path), "ONT-DDDDD5", STATUS_CODE) == "new"


class Answering(BaseHTTPRequestHandler):
    """Answers every POST with `status` and `body` after `delay` seconds; counts the requests."""

    status = 200
    body = b"{}"
    delay = 0.0
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers["content-length"])
        type(self).requests.append({"path": self.path, "body": self.rfile.read(length), "headers": dict(self.headers)})
        time.sleep(type(self).delay)
        try:
            self.send_response(type(self).status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(type(self).body)))
            self.end_headers()
            self.wfile.write(type(self).body)
        except OSError:
            pass  # the client gave up waiting

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def odd_coach(tmp_path) -> Iterator[tuple[type[Answering], DeliverySettings]]:
    handler = type("OddCoach", (Answering,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield handler, settings_for(f"http://127.0.0.1:{server.server_port}", new_secret(), tmp_path)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"status": "contacted"}', "contacted"),
        (404, b'{"detail": "no intake with this reference and status code"}', "unknown"),
        (429, b'{"detail": "too many"}', "busy"),
        (500, b"oops", "unavailable"),
        (503, b"", "unavailable"),
        (200, b'{"status": "lost"}', "unavailable"),
        (200, b"not json", "unavailable"),
        (200, b'["new"]', "unavailable"),
        (401, b'{"detail": "no valid webhook-signature"}', "unavailable"),
    ],
)
def test_each_answer_means_one_status(odd_coach, status, body, expected):
    handler, settings = odd_coach
    handler.status, handler.body = status, body

    assert intake_status(settings, "ONT-AAAAA2", "123456") == expected
    [request] = handler.requests
    assert request["path"] == "/api/v1/intake-status"
    assert json.loads(request["body"]) == {"reference": "ONT-AAAAA2", "code": "123456"}
    assert request["headers"]["webhook-signature"].startswith("v1,")


def test_no_answer_within_the_timeout_is_unavailable(odd_coach, monkeypatch):
    handler, settings = odd_coach
    handler.delay = 1.0
    monkeypatch.setattr(coach_client, "STATUS_TIMEOUT_SECONDS", 0.2)

    started = time.monotonic()
    assert intake_status(settings, "ONT-AAAAA2", "123456") == "unavailable"
    assert time.monotonic() - started < 0.9


def test_the_timeout_is_five_seconds():
    assert coach_client.STATUS_TIMEOUT_SECONDS == 5


def test_nothing_listening_is_unavailable(tmp_path):
    from tests.bot.coach_doubles import free_port

    settings = settings_for(f"http://127.0.0.1:{free_port()}", new_secret(), tmp_path)

    assert intake_status(settings, "ONT-AAAAA2", "123456") == "unavailable"


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("ONT-AAAAA", "123456"),
        ("ONT-AAAAA0", "123456"),
        ("7K3M9Q", "123456"),
        ("ONT-AAAAA2", "12345"),
        ("ONT-AAAAA2", "12345a"),
        ("ONT-AAAAA2", "1234567"),
    ],
)
def test_a_reference_or_code_of_the_wrong_shape_is_unknown_without_asking(odd_coach, reference, code):
    handler, settings = odd_coach

    assert intake_status(settings, reference, code) == "unknown"
    assert handler.requests == []


@pytest.mark.parametrize("typed", ["۱۲۳۴۵۶", "١٢٣٤٥٦", "123 456", " 123456 "])
def test_persian_digits_and_spaces_in_the_code_are_read_as_the_digits_they_are(odd_coach, typed):
    handler, settings = odd_coach
    handler.body = b'{"status": "new"}'

    assert intake_status(settings, "ONT-AAAAA2", typed) == "new"
    assert json.loads(handler.requests[0]["body"])["code"] == "123456"


def test_log_lines_carry_neither_the_reference_nor_the_code(odd_coach, caplog, tmp_path):
    handler, settings = odd_coach
    handler.status = 500
    with caplog.at_level(logging.DEBUG, logger="bot.delivery"):
        assert intake_status(settings, "ONT-AAAAA2", "987654") == "unavailable"
        unreachable = settings_for("http://127.0.0.1:9", settings.secret, tmp_path)
        assert intake_status(unreachable, "ONT-AAAAA2", "987654") == "unavailable"

    assert len(caplog.records) == 2
    for record in caplog.records:
        assert "ONT-AAAAA2" not in record.getMessage() and "987654" not in record.getMessage()


async def test_the_person_hears_the_status_only_for_reference_and_code(real_coach, tmp_path, monkeypatch):
    from rasa_sdk.executor import CollectingDispatcher

    from bot.actions.status import ActionIntakeStatus
    from tests.bot.conftest import DOMAIN, entity, make_tracker

    coach, secret = real_coach
    deliver(coach, secret, "ONT-EEEEE6")
    set_status(coach, "ONT-EEEEE6", "claimed")
    monkeypatch.setenv("ONTHAAL_COACH_URL", coach.url)
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(tmp_path / "outbox.sqlite3"))

    async def ask(typed: str, entities: list, **slots) -> tuple[list, list]:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(typed, "ask_status", entities=entities, **slots)
        events = await ActionIntakeStatus().run(dispatcher, tracker, DOMAIN)
        return [message.get("response") or message.get("custom") for message in dispatcher.messages], events

    both = [entity("reference", "ONT-EEEEE6"), entity("code", STATUS_CODE)]
    assert (await ask(f"ONT-EEEEE6 {STATUS_CODE}", both, language="nl"))[0] == ["utter_status_claimed"]
    wrong = [entity("reference", "ONT-EEEEE6"), entity("code", "000000")]
    assert (await ask("ONT-EEEEE6 000000", wrong, language="en"))[0] == ["utter_status_unknown"]
    # Only the reference: nothing about the intake, the person is asked for both.
    only = [entity("reference", "ONT-EEEEE6")]
    assert (await ask("ONT-EEEEE6", only, language="en"))[0] == ["utter_ask_status"]
    # A first message in Romanian, no language yet: the conversation takes Romanian and the action runs again in it.
    said, events = await ask("ce se întâmplă acum", [], detected={"code": "ro", "confidence": 0.99})
    assert said == [{"onthaal": {"language": "ro", "direction": "ltr"}}]
    assert [event["event"] for event in events] == ["slot", "followup"] and events[0]["value"] == "ro"
