"""The reception desk: the coach service's /reception page, and the widget on Rasa's `reception` channel.

The live test runs the real stack: the staff token is minted as the coach service mints it, the channel checks
it, adds a Dutch line to every message and button, and stores who assisted and the remarks with the messages
(read back through Rasa's tracker API).
"""

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from test_accessibility import axe_violations

from coach.deps import page_session
from coach.main import create_app
from coach.routers import reception
from coach.settings import Settings, generate_webhook_secret, get_settings
from tools.stack import ensure_dotenv

ANSWER_TIMEOUT_MS = 30_000


def staff_session(role: str) -> SimpleNamespace:
    return SimpleNamespace(user=SimpleNamespace(username="sofie", role=role, team=None), csrf_token="csrf")  # noqa: S106


@pytest.fixture
def coach_client() -> TestClient:
    secret = generate_webhook_secret()
    settings = Settings(ONTHAAL_WEBHOOK_SECRET=secret, ONTHAAL_ENV="development")
    app = create_app()
    if not any(getattr(route, "path", "") == "/reception" for route in app.routes):
        app.include_router(reception.router)  # until coach/main.py wires it
    app.dependency_overrides[get_settings] = lambda: settings
    client = TestClient(app)
    client.secret = secret  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("role", ["reception", "admin"])
def test_reception_page_embeds_the_widget_with_a_signed_staff_token(coach_client: TestClient, role: str) -> None:
    coach_client.app.dependency_overrides[page_session] = lambda: staff_session(role)  # type: ignore[attr-defined]
    page = coach_client.get("/reception")
    assert page.status_code == 200
    html = page.text
    assert 'data-mode="reception"' in html and 'data-staff="sofie"' in html
    token = html.split('data-token="')[1].split('"')[0]
    claims = json.loads(reception.base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert claims["sub"] == "sofie"
    assert token == reception.mint_token("sofie", coach_client.secret, now=claims["exp"] - reception.TOKEN_SECONDS)  # type: ignore[attr-defined]
    assert "connect-src 'self' http://127.0.0.1:5005" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_coaches_do_not_hold_the_reception_desk(coach_client: TestClient) -> None:
    coach_client.app.dependency_overrides[page_session] = lambda: staff_session("coach")  # type: ignore[attr-defined]
    assert coach_client.get("/reception").status_code == 403


def reception_html(rasa_url: str, token: str) -> str:
    return (
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Balie</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body><main><h1>Onthaal aan de balie</h1><div id="onthaal"></div></main>'
        f'<script type="module" src="/widget/widget.js" data-server="{rasa_url}" data-mode="reception" '
        f'data-staff="sofie" data-token="{token}"></script></body></html>'
    )


class DeskSite:
    """A real local web server (Chromium refuses loopback requests from pages that Playwright fakes) serving the
    reception page and passing /widget/... through to the coach service."""

    def __init__(self, coach_url: str, html: str, port: int = 0) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path == "/balie":
                    body, content_type = html.encode(), "text/html; charset=utf-8"
                elif self.path.startswith("/widget/"):
                    with urllib.request.urlopen(coach_url + self.path, timeout=30) as answer:  # noqa: S310
                        body, content_type = answer.read(), answer.headers["Content-Type"]
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def post(url: str, body: dict[str, Any]) -> int:
    request = urllib.request.Request(  # noqa: S310 (local test server)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.browser
@pytest.mark.stack
def test_reception_desk_shows_dutch_lines_and_records_who_assisted(
    live_stack: Any, phone_page: Page, packs: dict[str, dict[str, Any]], embedding_site_port: int
) -> None:
    env = ensure_dotenv()
    token = reception.mint_token("sofie", env["ONTHAAL_WEBHOOK_SECRET"])
    endpoint = f"{live_stack.rasa_url}/webhooks/reception/webhook"
    assert post(endpoint, {"sender": "x", "message": "/greet"}) == 403
    assert post(endpoint, {"sender": "x", "message": "/greet", "metadata": {"onthaal_reception_token": "a.b"}}) == 403

    # Served from an origin Rasa's CORS allows (ONTHAAL_WIDGET_ORIGINS, tests/conftest.py).
    site = DeskSite(live_stack.coach_url, reception_html(live_stack.rasa_url, token), embedding_site_port)
    try:
        check_the_desk(phone_page, site, live_stack, packs, env)
    finally:
        site.close()


def check_the_desk(page: Page, site: DeskSite, live_stack: Any, packs: dict[str, Any], env: dict[str, str]) -> None:
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(f"{site.url}/balie")
    bg, nl = packs["bg"]["texts"], packs["nl"]["texts"]
    page.locator(".onthaal-log").get_by_role("button", name="Български", exact=True).click(timeout=ANSWER_TIMEOUT_MS)

    consent = page.locator(".onthaal-msg--assistant").filter(has_text=bg["consent_question"].split("\n")[0])
    expect(consent).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(consent.locator("p.onthaal-nl[lang=nl]").first).to_contain_text(nl["consent_question"].split("\n")[0])
    yes = consent.get_by_role("button", name=bg["consent_yes"])
    expect(yes.locator(".onthaal-nl[lang=nl]")).to_have_text(nl["consent_yes"])

    expect(page.locator(".onthaal-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    assert axe_violations(page) == [], "reception desk"

    staff = page.get_by_role("region", name="Onthaalbalie · sofie")
    staff.get_by_role("textbox", name=nl["widget_reception_remark_label"]).fill("Spreekt wat Turks.")
    staff.get_by_role("button", name=nl["widget_reception_remark_add"]).click()
    staff.get_by_role("button", name=nl["widget_reception_hand_back"]).click()
    assistant = page.locator(".onthaal-msg--assistant")
    before = assistant.count()
    yes.click()
    expect(assistant).not_to_have_count(before, timeout=ANSWER_TIMEOUT_MS)
    expect(page.get_by_role("alert")).to_be_hidden()

    sender = page.evaluate("JSON.parse(sessionStorage.getItem('onthaal.reception')).sender")
    tracker_url = f"{live_stack.rasa_url}/conversations/{sender}/tracker"
    tracker = urllib.request.Request(tracker_url, headers=live_stack.rasa_api_headers())  # noqa: S310 (local)
    with urllib.request.urlopen(tracker, timeout=30) as answer:  # noqa: S310 (local test server)
        events = json.load(answer)["events"]
    metadata = [event.get("metadata") or {} for event in events if event["event"] == "user"]
    assert metadata and all(entry.get("onthaal_assisted_by") == "sofie" for entry in metadata)
    assert metadata[-1]["onthaal_remarks"] == ["Spreekt wat Turks."]
    assert not any("onthaal_reception_token" in entry for entry in metadata)
