"""The action server erases a conversation from Rasa's tracker store after a stop or a hand-off; an erasure Rasa
does not confirm (restarting, a wrong secret) is tried again, and the log says so without the conversation id."""

from __future__ import annotations

import asyncio
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.actions import conversation

SENDER = "web-6f1c1f3e-1111-4222-8333-944455556666"


class FlakyRasa(BaseHTTPRequestHandler):
    answers: list[int] = []
    paths: list[str] = []

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length") or 0))
        type(self).paths.append(self.path)
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def rasa(monkeypatch):
    FlakyRasa.answers, FlakyRasa.paths = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("ONTHAAL_RASA_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("RASA_JWT_SECRET", "a-development-secret-of-32-bytes!")
    monkeypatch.setattr(conversation, "ERASE_AFTER_SECONDS", 0)
    monkeypatch.setattr(conversation, "ERASE_RETRY_SECONDS", (0.01, 0.01, 0.01, 0.01))
    yield FlakyRasa
    server.shutdown()


def test_a_refused_erasure_is_tried_again_until_rasa_confirms(rasa, caplog):
    rasa.answers = [401, 503]
    with caplog.at_level(logging.INFO):
        assert asyncio.run(conversation._erase_later(SENDER)) is True
    assert len(rasa.paths) == 3
    assert "retrying" in caplog.text and SENDER not in caplog.text


def test_an_erasure_never_confirmed_is_given_up_with_an_error_that_names_no_conversation(rasa, caplog):
    rasa.answers = [401] * 10
    with caplog.at_level(logging.INFO):
        assert asyncio.run(conversation._erase_later(SENDER)) is False
    assert len(rasa.paths) == 5
    assert any(record.levelno == logging.ERROR and "abandoned" in record.getMessage() for record in caplog.records)
    assert SENDER not in caplog.text
