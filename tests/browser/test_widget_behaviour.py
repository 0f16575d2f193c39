"""The widget's own behaviour, without the stack: Playwright answers the page's requests itself.

The widget files are served from web_widget/ and the packs from languages/, under a made-up origin; Rasa's
REST webhook is scripted per test. Covers what the real bot cannot be made to do on demand: failures,
lost connections, hostile text.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

WIDGET_DIR = Path(__file__).resolve().parents[2] / "web_widget"
SITE = "http://onthaal.test"
RASA = "http://rasa.test"
CORS = {
    "Access-Control-Allow-Origin": SITE,
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
}
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
    """Serves the widget and scripts Rasa; `bot(message)` returns the reply list, "fail" (HTTP 500) or
    "offline" (the request never arrives)."""

    def __init__(self, page: Page, packs: dict[str, dict[str, Any]], index_html: str | None = None) -> None:
        self.packs = packs
        self.received: list[dict[str, Any]] = []
        self.bot: Bot = lambda message: language_choice(packs)
        self.index_html = index_html or (WIDGET_DIR / "index.html").read_text(encoding="utf-8")
        page.route(f"{SITE}/**", self.serve_site)
        page.route(f"{RASA}/**", self.serve_rasa)

    def serve_site(self, route: Route) -> None:
        path = route.request.url.removeprefix(SITE).split("?")[0]
        if path == "/":
            html = self.index_html.replace("{{RASA_URL}}", RASA)
            route.fulfill(status=200, content_type="text/html", body=html)
            return
        if path.startswith("/widget/languages/"):
            code = path.removeprefix("/widget/languages/").removesuffix(".json")
            if code not in self.packs:
                route.fulfill(status=404, body="unknown language")
                return
            route.fulfill(status=200, content_type="application/json", body=json.dumps(self.packs[code]))
            return
        file = WIDGET_DIR / path.removeprefix("/widget/")
        if path.startswith("/widget/") and file.is_file():
            route.fulfill(status=200, content_type=CONTENT_TYPES[file.suffix], body=file.read_bytes())
            return
        route.fulfill(status=404, body="not found")

    def serve_rasa(self, route: Route) -> None:
        request = route.request
        if request.method == "OPTIONS":
            route.fulfill(status=204, headers=CORS)
            return
        assert request.url == f"{RASA}/webhooks/rest/webhook"
        body = request.post_data_json
        self.received.append(body)
        answer = self.bot(body["message"])
        if answer == "offline":
            route.abort("internetdisconnected")
        elif answer == "fail":
            route.fulfill(status=500, headers=CORS, body="boom")
        else:
            route.fulfill(status=200, headers=CORS, content_type="application/json", body=json.dumps(answer))

    @property
    def messages(self) -> list[str]:
        return [body["message"] for body in self.received]


@pytest.fixture
def page(phone_page: Page) -> Page:
    return phone_page


def test_greets_as_a_remembered_sender_and_renders_the_language_choice(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="دری", exact=True)).to_have_attribute("dir", "auto")
    assert site.messages == ["/greet"]
    sender = site.received[0]["sender"]
    assert sender == page.evaluate("localStorage.getItem('onthaal.sender')")

    lines = page.locator(".onthaal-msg--assistant .onthaal-line")
    expect(lines).to_have_count(len(packs))
    for line in lines.all():
        expect(line).to_have_attribute("dir", "auto")
    expect(page.locator("#onthaal")).to_have_attribute("lang", "en")
    choice = page.get_by_role("group", name=packs["en"]["texts"]["widget_language"])
    expect(choice.get_by_role("button")).to_have_count(len(packs))
    expect(page.get_by_role("textbox", name=packs["en"]["texts"]["widget_input_label"])).to_have_attribute(
        "placeholder", packs["en"]["texts"]["widget_input_placeholder"]
    )

    page.reload()
    expect(page.get_by_role("button", name="دری", exact=True)).to_be_visible()
    assert [body["sender"] for body in site.received] == [sender, sender]


def test_data_lang_starts_in_that_language(page: Page, packs) -> None:
    index = (WIDGET_DIR / "index.html").read_text(encoding="utf-8").replace('data-lang=""', 'data-lang="ro"')
    site = FakeSite(page, packs, index_html=index)
    site.bot = lambda message: [marker("ro", "ltr"), {"recipient_id": "s", "text": "Bună"}]
    page.goto(f"{SITE}/")
    expect(page.locator(".onthaal-msg--assistant[lang=ro]")).to_have_text("Onthaal: Bună")
    assert site.messages == ['/choose_language{"language":"ro"}']
    expect(page.get_by_role("button", name=packs["ro"]["texts"]["widget_send"], exact=True)).to_be_visible()


def test_message_text_is_never_interpreted_as_html(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    site.bot = lambda message: [{"recipient_id": "s", "text": f'<img src=x onerror="window.pwned=1">{message}'}]
    page.get_by_role("textbox").fill("<b>bold</b>")
    page.get_by_role("textbox").press("Enter")
    expect(page.locator(".onthaal-msg--person")).to_contain_text("<b>bold</b>")
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text("<img src=x")
    expect(page.locator(".onthaal-log img, .onthaal-log b")).to_have_count(0)
    assert page.evaluate("window.pwned") is None


def test_only_the_newest_buttons_work_and_a_failed_answer_gives_them_back(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="Български", exact=True)).to_be_enabled()
    bg = packs["bg"]["texts"]
    consent = {
        "recipient_id": "s",
        "text": bg["consent_question"],
        "buttons": [
            {"title": bg["consent_yes"], "payload": "/affirm"},
            {"title": bg["consent_no"], "payload": "/deny"},
        ],
    }
    site.bot = lambda message: [marker("bg", "ltr"), consent]
    page.get_by_role("button", name="Български", exact=True).click()
    yes = page.get_by_role("button", name=bg["consent_yes"], exact=True)
    expect(yes).to_be_enabled()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_disabled()
    expect(page.locator(".onthaal-msg--person")).to_have_attribute("lang", "bg")  # "Български" is Bulgarian

    site.bot = lambda message: "fail"
    yes.click()
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(bg["widget_error"])
    expect(alert).to_have_attribute("lang", "bg")
    expect(yes).to_be_enabled()  # the question is still open: the person can try again
    expect(page.get_by_role("button", name="English", exact=True)).to_be_disabled()

    site.bot = lambda message: [{"recipient_id": "s", "text": bg["ask_name"]}]
    yes.click()
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text(bg["ask_name"])
    expect(alert).to_be_hidden()
    expect(yes).to_be_disabled()
    expect(page.get_by_role("button", name=bg["consent_no"], exact=True)).to_be_disabled()


def test_a_message_sent_without_connection_is_kept_and_sent_later(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()

    site.bot = lambda message: "offline"
    page.get_by_role("textbox").fill("Milena")
    page.get_by_role("button", name=packs["en"]["texts"]["widget_send"], exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(packs["en"]["texts"]["widget_offline"])
    expect(page.locator(".onthaal-msg--person")).to_have_text("You: Milena")

    site.bot = lambda message: [{"recipient_id": "s", "text": f"Hello {message}"}]
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator(".onthaal-msg--assistant").last).to_have_text("Onthaal: Hello Milena")
    expect(page.get_by_role("alert")).to_be_hidden()
    assert site.messages.count("Milena") == 2  # the lost attempt and the delivery


def test_typing_indicator_shows_while_waiting(page: Page, packs) -> None:
    FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    expect(page.locator(".onthaal-typing")).to_be_hidden()
    waiting: list[Route] = []
    page.unroute(f"{RASA}/**")
    page.route(f"{RASA}/**", lambda route: waiting.append(route))
    page.get_by_role("textbox").fill("hallo")
    page.get_by_role("textbox").press("Enter")
    expect(page.get_by_role("status")).to_have_text(packs["en"]["texts"]["widget_typing"])
    assert len(waiting) == 1
    waiting[0].fulfill(status=200, headers=CORS, content_type="application/json", body="[]")
    expect(page.locator(".onthaal-typing")).to_be_hidden()


def test_layout_fits_a_small_phone_with_big_targets(page: Page, packs) -> None:
    FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    for button in page.get_by_role("button").all() + [page.get_by_role("textbox")]:
        box = button.bounding_box()
        if box is not None and box["y"] >= 0:  # visible part of the scrolled log
            assert box["height"] >= 44, (button.text_content(), box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], (
                button.text_content(),
                box,
            )


def test_built_in_english_fallback_matches_the_english_pack(page: Page, packs) -> None:
    FakeSite(page, packs)
    page.goto(f"{SITE}/")
    fallback = page.evaluate("import('/widget/strings.js').then((module) => module.FALLBACK_PACK.texts)")
    english = {key: value for key, value in packs["en"]["texts"].items() if key.startswith("widget_")}
    assert fallback == english
