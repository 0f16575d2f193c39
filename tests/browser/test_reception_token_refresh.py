"""The reception desk page keeps its 15-minute staff token fresh from the coach service while the staff member is
logged in, and the chat pages load under their Content-Security-Policy without a single violation.

Runs the coach service in a real uvicorn and a stand-in for Rasa's reception channel (a real local server:
Chromium refuses loopback requests from pages that Playwright fakes); no Rasa, no model.
"""

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography.fernet import Fernet
from playwright.sync_api import Browser

from coach import auth
from coach.main import create_app
from coach.settings import REPO_ROOT, Settings, generate_webhook_secret, get_settings

PASSWORD = "correct horse battery staple"  # noqa: S105 (a test account)
BUTTON = {"title": "Nederlands", "payload": '/choose_language{"language":"nl"}'}


class FakeRasa:
    """Answers every reception message with one button and records the staff token each message carried."""

    def __init__(self) -> None:
        tokens: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Headers", "content-type")
                self.send_header("Access-Control-Allow-Methods", "POST")

            def do_OPTIONS(self) -> None:  # noqa: N802
                self.send_response(204)
                self._cors()
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                message = json.loads(self.rfile.read(int(self.headers["content-length"])))
                tokens.append(message.get("metadata", {}).get("onthaal_reception_token", ""))
                body = json.dumps([{"recipient_id": message["sender"], "text": "Hallo", "buttons": [BUTTON]}])
                self.send_response(200)
                self._cors()
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.tokens = tokens
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[str, FakeRasa]]:
    rasa = FakeRasa()
    settings = Settings(
        _env_file=None,
        ONTHAAL_ENV="development",
        ONTHAAL_WEBHOOK_SECRET=generate_webhook_secret(),
        ONTHAAL_DATA_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'coach.sqlite3'}",
        RASA_PUBLIC_URL=rasa.url,
        ONTHAAL_WIDGET_DIR=REPO_ROOT / "web_widget",
        ONTHAAL_RETENTION_INTERVAL_SECONDS=0,
    )
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    with app.state.database.sessions() as db:
        auth.create_user(db, "sara", PASSWORD, "reception")
        db.commit()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", rasa
    server.should_exit = True
    thread.join(timeout=10)
    rasa.server.shutdown()


@pytest.mark.browser
def test_the_desk_refreshes_its_token_while_logged_in_and_not_after(chromium_browser: Browser, desk) -> None:
    coach_url, rasa = desk
    context = chromium_browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else 0)
    page.goto(f"{coach_url}/coach/login")
    page.fill("#username", "sara")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{coach_url}/coach")
    page.goto(f"{coach_url}/reception")
    page.get_by_role("button", name="Nederlands").first.wait_for()
    first_token = rasa.tokens[0]
    time.sleep(1.1)  # a token minted in a later second differs (its `exp` does)

    with page.expect_response(f"{coach_url}/reception/token") as refreshed:
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert refreshed.value.status == 200
    new_token = refreshed.value.json()["token"]
    assert new_token != first_token
    page.get_by_role("button", name="Nederlands").first.click()
    deadline = time.monotonic() + 10
    while len(rasa.tokens) < 2:
        assert time.monotonic() < deadline, "the answer was not sent"
        time.sleep(0.05)
    assert rasa.tokens[1] == new_token

    # Logged out (in another tab): the refresh fails and the page keeps the token it has, which runs out.
    other = context.new_page()
    other.goto(f"{coach_url}/coach")
    other.click("text=Afmelden")
    other.wait_for_url(f"{coach_url}/coach/login")
    with page.expect_response(f"{coach_url}/reception/token") as refused:
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    assert refused.value.status == 401

    page.goto(f"{coach_url}/")  # the chat page, under its own policy
    page.get_by_role("button", name="Nederlands").first.wait_for()
    assert violations == []
    context.close()
