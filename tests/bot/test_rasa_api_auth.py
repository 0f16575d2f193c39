"""The action server's calls to Rasa's HTTP API carry a JWT in the Authorization header, never a URL token."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from bot.actions.conversation import erase_conversation
from bot.rasa_api import auth_headers

SECRET = "a-development-secret-of-32-bytes!"  # noqa: S105 (a test value)


class RecordingRasa(BaseHTTPRequestHandler):
    requests: list[tuple[str, str | None]] = []

    def do_PUT(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length") or 0))
        type(self).requests.append((self.path, self.headers.get("authorization")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def rasa(monkeypatch):
    RecordingRasa.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("ONTHAAL_RASA_URL", f"http://127.0.0.1:{server.server_port}")
    yield RecordingRasa
    server.shutdown()


def test_the_header_is_a_short_lived_admin_jwt_signed_with_the_secret(monkeypatch):
    monkeypatch.setenv("RASA_JWT_SECRET", SECRET)
    scheme, token = auth_headers()["Authorization"].split(" ")
    payload = jwt.decode(token, SECRET, algorithms=["HS256"])  # raises on a wrong signature or expiry
    assert scheme == "Bearer" and payload["user"]["role"] == "admin" and payload["exp"] - payload["iat"] == 300


def test_erasure_sends_the_jwt_in_the_header(rasa, monkeypatch):
    monkeypatch.setenv("RASA_JWT_SECRET", SECRET)
    assert erase_conversation("conv-1")
    [(path, authorization)] = rasa.requests
    assert path == "/conversations/conv-1/tracker/events"  # no ?token=
    assert jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])["user"]["role"] == "admin"


def test_without_the_secret_nothing_is_sent(rasa, monkeypatch):
    monkeypatch.delenv("RASA_JWT_SECRET", raising=False)
    monkeypatch.delenv("RASA_JWT_SECRET_FILE", raising=False)
    monkeypatch.setenv("RASA_AUTH_TOKEN", "an-old-plain-token")
    assert not erase_conversation("conv-1") and rasa.requests == []
