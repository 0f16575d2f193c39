"""The widget's own behaviour, without the stack: Playwright answers the page's requests itself.

The widget files are served from web_widget/ and the packs from languages/, under a made-up origin; Rasa's
REST webhook is scripted per test. Covers what the real bot cannot be made to do on demand: failures,
lost connections, hostile text.
"""

import re

import pytest
from fake_site import CORS, RASA, SITE, WIDGET_DIR, FakeSite, marker, stored
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser
WEB_SENDER = r"web-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def page(phone_page: Page) -> Page:
    return phone_page


def test_greets_and_a_reload_shows_the_same_conversation_without_greeting_again(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="دری", exact=True)).to_have_attribute("dir", "auto")
    assert site.messages == ["/greet"]
    sender = site.received[0]["sender"]
    assert re.fullmatch(WEB_SENDER, sender), "the REST channel accepts no other conversation id"
    expect(page.locator(".onthaal-typing")).to_be_hidden()
    assert stored(page)["sender"] == sender

    lines = page.locator(".onthaal-msg--assistant .onthaal-line")
    expect(lines).to_have_count(len(packs))
    for line in lines.all():
        expect(line).to_have_attribute("dir", "auto")
    expect(page.locator("#onthaal")).to_have_attribute("lang", "en")
    choice = page.get_by_role("group", name=packs["en"]["texts"]["widget_language"]).first
    expect(choice.get_by_role("button")).to_have_count(len(packs))
    expect(page.get_by_role("textbox", name=packs["en"]["texts"]["widget_input_label"])).to_have_attribute(
        "placeholder", packs["en"]["texts"]["widget_input_placeholder"]
    )

    page.reload()
    expect(page.get_by_role("button", name="دری", exact=True)).to_be_enabled()
    expect(page.locator(".onthaal-msg--assistant")).to_have_count(1)
    assert site.messages == ["/greet"]  # the stored conversation is shown; nothing is sent again


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

    site.bot = lambda message: [{"recipient_id": "s", "text": "Как се казваш?"}]
    yes.click()
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text("Как се казваш?")
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


def test_a_message_refused_as_too_many_is_kept_and_sent_again(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()

    site.bot = lambda message: "busy"
    page.get_by_role("textbox").fill("Milena")
    page.get_by_role("button", name=packs["en"]["texts"]["widget_send"], exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(packs["en"]["texts"]["widget_busy"])
    expect(page.locator(".onthaal-msg--person")).to_have_text("You: Milena")

    site.bot = lambda message: [{"recipient_id": "s", "text": f"Hello {message}"}]
    # No event needed: the widget tries again by itself a few seconds later.
    expect(page.locator(".onthaal-msg--assistant").last).to_have_text("Onthaal: Hello Milena", timeout=15_000)
    expect(page.get_by_role("alert")).to_be_hidden()
    assert site.messages.count("Milena") == 2  # the refused attempt and the delivery


def test_a_message_no_server_answered_is_kept_and_sent_again_with_its_id(page: Page, packs) -> None:
    """A proxy's 502 (a Rasa replica died with the message): the widget keeps it and sends it again, same id."""
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()

    site.bot = lambda message: "no server"
    page.get_by_role("textbox").fill("Milena")
    page.get_by_role("button", name=packs["en"]["texts"]["widget_send"], exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(packs["en"]["texts"]["widget_offline"])
    expect(page.locator(".onthaal-msg--person")).to_have_text("You: Milena")

    site.bot = lambda message: [{"recipient_id": "s", "text": f"Hello {message}"}]
    expect(page.locator(".onthaal-msg--assistant").last).to_have_text("Onthaal: Hello Milena", timeout=15_000)
    expect(page.get_by_role("alert")).to_be_hidden()
    sent = [body for body in site.received if body["message"] == "Milena"]
    assert len(sent) == 2 and sent[0]["metadata"] == sent[1]["metadata"]  # the same message id both times
    assert sent[0]["metadata"]["onthaal_message_id"]


def test_a_session_stored_with_an_old_sender_id_starts_a_new_conversation(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    old = {
        "v": 1,
        "updated": 0,
        "sender": "0f8e2a1c9b7d4e6fa1b2c3d4e5f60718",
        "language": "en",
        "history": [{"kind": "person", "id": "m1", "text": "an older widget's conversation", "lang": "en"}],
        "outbox": [],
        "remarks": [],
        "handedOff": False,
    }
    store = "(old) => localStorage.setItem('onthaal.session', JSON.stringify({...old, updated: Date.now()}))"
    page.evaluate(store, old)
    page.reload()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    expect(page.get_by_text("an older widget's conversation")).to_have_count(0)
    assert site.messages[-1] == "/greet"
    assert re.fullmatch(WEB_SENDER, site.received[-1]["sender"])
    assert stored(page)["sender"] == site.received[-1]["sender"]


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
    expect(page.locator(".onthaal-typing")).to_have_text(packs["en"]["texts"]["widget_typing"])
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
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    english = {key: value for key, value in packs["en"]["texts"].items() if key.startswith("widget_")}
    # The full page carries the words itself (one module less before the first buttons) ...
    expect(page.get_by_role("button", name=english["widget_send"], exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    assert "/widget/english.js" not in site.requested
    assert page.evaluate("JSON.parse(document.getElementById('onthaal-english').textContent).texts") == english
    # ... a site embedding the widget gets the same words from english.js.
    fallback = page.evaluate("import('/widget/english.js').then((module) => module.ENGLISH_PACK.texts)")
    assert fallback == english
    strings = page.evaluate(
        "import('/widget/strings.js').then((module) => module.builtInEnglish({getElementById: () => null}))"
        ".then((pack) => pack.texts)"
    )
    assert strings == english
