"""A made-up site for the browser tests: the widget served from web_widget/, packs from languages/, Rasa scripted.

Imported by the test modules (pytest puts this directory on sys.path).
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route

from coach.widget_page import served_page

WIDGET_DIR = Path(__file__).resolve().parents[2] / "web_widget"
WIDGET_CSS = (WIDGET_DIR / "widget.css").read_text(encoding="utf-8")
SITE = "http://onthaal.test"
RASA = "http://rasa.test"
CORS = {
    "Access-Control-Allow-Origin": "*",  # the real Rasa allows only ONTHAAL_WIDGET_ORIGINS
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
}
# The widget's files may be loaded by any site (one <script> tag): module scripts and packs need CORS.
EMBEDDABLE = {"Access-Control-Allow-Origin": "*"}
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}

Bot = Callable[[str], list[dict[str, Any]] | str]


def language_choice(packs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "recipient_id": "s",
            "text": "\n".join(pack["texts"]["language_prompt"] for pack in packs.values()),
            "buttons": [
                {"title": pack["name"], "payload": f'/choose_language{{"language":"{code}"}}'}
                for code, pack in packs.items()
            ],
        }
    ]


def marker(code: str, direction: str) -> dict[str, Any]:
    return {"recipient_id": "s", "custom": {"onthaal": {"language": code, "direction": direction}}}


class FakeSite:
    """Serves the widget and scripts Rasa; `bot(message)` returns the reply list, "fail" (HTTP 500), "busy"
    (HTTP 429, too many messages: the channel passed nothing on), "no server" (a proxy's 502: no Rasa server
    answered) or "offline" (the request never arrives)."""

    def __init__(self, page: Page, packs: dict[str, dict[str, Any]], index_html: str | None = None) -> None:
        self.packs = packs
        self.received: list[dict[str, Any]] = []
        self.requested: list[str] = []  # paths asked of the site, in order
        self.bot: Bot = lambda message: language_choice(packs)
        self.index_html = index_html or (WIDGET_DIR / "index.html").read_text(encoding="utf-8")
        page.route(f"{SITE}/**", self.serve_site)
        page.route(f"{RASA}/**", self.serve_rasa)

    def serve_site(self, route: Route) -> None:
        path = route.request.url.removeprefix(SITE).split("?")[0]
        self.requested.append(path)
        if path == "/":
            # As the coach service serves it (coach/widget_page.py): the stylesheet and the English words inline.
            html, _ = served_page(self.index_html, WIDGET_CSS, self.packs["en"], RASA)
            route.fulfill(status=200, content_type="text/html", body=html)
            return
        if path.startswith("/widget/languages/"):
            code = path.removeprefix("/widget/languages/").removesuffix(".json")
            if code not in self.packs:
                route.fulfill(status=404, body="unknown language")
                return
            route.fulfill(
                status=200, content_type="application/json", body=json.dumps(self.packs[code]), headers=EMBEDDABLE
            )
            return
        file = WIDGET_DIR / path.removeprefix("/widget/")
        if path.startswith("/widget/") and file.is_file():
            route.fulfill(
                status=200, content_type=CONTENT_TYPES[file.suffix], body=file.read_bytes(), headers=EMBEDDABLE
            )
            return
        route.fulfill(status=404, body="not found")

    def serve_rasa(self, route: Route) -> None:
        request = route.request
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=CORS)
            return
        assert request.url in (f"{RASA}/webhooks/rest/webhook", f"{RASA}/webhooks/reception/webhook")
        body = request.post_data_json
        body["url"] = request.url
        self.received.append(body)
        answer = self.bot(body["message"])
        if answer == "offline":
            route.abort("internetdisconnected")
        elif answer == "fail":
            route.fulfill(status=500, headers=CORS, body="boom")
        elif answer == "no server":
            route.fulfill(status=502, headers=CORS, body="Bad Gateway")  # a proxy's own answer, readable same-origin
        elif answer == "busy":
            route.fulfill(status=429, headers=CORS, content_type="application/json", body='{"error": "busy"}')
        else:
            route.fulfill(status=200, headers=CORS, content_type="application/json", body=json.dumps(answer))

    @property
    def messages(self) -> list[str]:
        return [body["message"] for body in self.received]


def stored(page: Page, key: str = "onthaal.session", kind: str = "localStorage") -> dict[str, Any] | None:
    return page.evaluate(f"JSON.parse({kind}.getItem('{key}'))")
