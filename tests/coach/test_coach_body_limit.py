"""Request body caps (coach/body_limit.py): declared and chunked bodies, on the ASGI app and on a real uvicorn."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from coach.body_limit import DEFAULT_BODY_LIMIT, limit_for
from coach.main import create_app
from coach.settings import get_settings
from tests.coach.conftest import add_user, csrf_of


def test_the_table_gives_the_webhook_256_kb_and_everything_else_the_small_cap():
    assert limit_for("/api/v1/intakes") == 256 * 1024
    assert limit_for("/coach/login") == DEFAULT_BODY_LIMIT == 64 * 1024
    assert limit_for("/coach/intakes/ONT-7K3M9Q/notes") == DEFAULT_BODY_LIMIT
    assert limit_for("/api/v1/outbox-status") < DEFAULT_BODY_LIMIT
    assert limit_for("/api/v1/intake-status") == 1024  # a reference and a six-digit code


def test_an_oversized_login_form_is_413_before_any_check(client):
    add_user(client, "an")
    token = csrf_of(client.get("/coach/login").text)
    form = {"username": "an", "password": "x" * (DEFAULT_BODY_LIMIT + 1), "csrf_token": token}

    response = client.post("/coach/login", data=form, follow_redirects=False)

    assert response.status_code == 413
    assert response.json() == {"detail": "body too large"}


def test_an_oversized_coach_form_is_413_and_changes_nothing(coach_client, intake_payload, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    token = csrf_of(coach_client.get("/coach/intakes/ONT-7K3M9Q").text)
    filler = {"observed": ["housing"] * 8000, "csrf_token": token}

    response = coach_client.post("/coach/intakes/ONT-7K3M9Q/observed", data=filler, follow_redirects=False)

    assert response.status_code == 413
    assert "Geobserveerd" in coach_client.get("/coach/intakes/ONT-7K3M9Q").text
    assert " checked>" not in coach_client.get("/coach/intakes/ONT-7K3M9Q").text


def test_a_streamed_body_without_content_length_is_counted(client):
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"a" * (DEFAULT_BODY_LIMIT // 8)

    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/coach/login", content=chunks(), headers=form)

    assert response.status_code == 413


@pytest.fixture
def live_server(settings) -> Iterator[int]:
    """The coach service in a real uvicorn on a free loopback port."""
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield listener.getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


def _chunked_post_until_answer(port: int, path: str, total: int, headers: str = "") -> bytes:
    """Send `total` bytes as 8 KB chunks and never the final chunk: only a server that stops counting early
    can answer before the timeout."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\n{headers}\r\n".encode()
        )
        piece = 8 * 1024
        sent = 0
        try:
            while sent < total:
                connection.sendall(f"{piece:x}\r\n".encode() + b"a" * piece + b"\r\n")
                sent += piece
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what we wanted
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                data = connection.recv(4096)
                if not data:
                    break
                answer += data
        except TimeoutError:
            pass
        return answer


def test_a_real_server_answers_413_while_a_chunked_login_is_still_arriving(live_server):
    answer = _chunked_post_until_answer(live_server, "/coach/login", DEFAULT_BODY_LIMIT + 16 * 1024)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


def test_a_real_server_answers_413_while_a_chunked_webhook_is_still_arriving(live_server):
    headers = "webhook-id: msg_x\r\nwebhook-timestamp: 1\r\nwebhook-signature: v1,x\r\n"
    answer = _chunked_post_until_answer(live_server, "/api/v1/intakes", 256 * 1024 + 16 * 1024, headers)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


def test_a_real_server_still_takes_a_chunked_body_under_the_cap(live_server):
    # The same request under the cap reaches the route (which refuses the bare login without a CSRF cookie).
    with socket.create_connection(("127.0.0.1", live_server), timeout=5) as connection:
        body = b"username=an&password=x&csrf_token=y"
        connection.sendall(
            b"POST /coach/login HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\n"
            + f"{len(body):x}\r\n".encode()
            + body
            + b"\r\n0\r\n\r\n"
        )
        assert connection.recv(4096).startswith(b"HTTP/1.1 403")
