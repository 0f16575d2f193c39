"""The widget's features for low literacy, shared phones and the reception desk, with Rasa scripted.

Read-aloud, pictograms, larger text, the language menu, the privacy notice, "start again", "delete my answers",
the stored session (reload, lost connection, expiry after the hand-off) and the reception desk's Dutch lines.
"""

import json
from typing import Any

import pytest
from fake_site import RASA, SITE, WIDGET_DIR, FakeSite, language_choice, marker, stored
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# A speech engine the test can watch: records what would be spoken and in which language.
FAKE_SPEECH = """
window.spoken = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  getVoices: () => [{lang: "bg-BG", name: "bg"}, {lang: "en-GB", name: "en"}, {lang: "nl-BE", name: "nl"}],
  speak(utterance) { window.spoken.push([utterance.text, utterance.lang]); setTimeout(() => utterance.onend?.(), 50); },
  cancel() {},
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


def consent(packs: dict[str, dict[str, Any]], code: str) -> list[dict[str, Any]]:
    texts = packs[code]["texts"]
    return [
        marker(code, packs[code]["direction"]),
        {
            "recipient_id": "s",
            "text": texts["consent_question"],
            "buttons": [
                {"title": texts["consent_yes"], "payload": "/affirm"},
                {"title": texts["consent_no"], "payload": "/deny"},
            ],
        },
    ]


@pytest.fixture
def page(phone_page: Page) -> Page:
    return phone_page


def open_in(page: Page, packs, code: str) -> FakeSite:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    language = page.get_by_role("button", name=packs[code]["name"], exact=True)
    expect(language).to_be_enabled()
    site.bot = lambda message: consent(packs, code)
    language.click()
    expect(page.get_by_role("button", name=packs[code]["texts"]["consent_yes"], exact=True)).to_be_enabled()
    return site


def test_every_assistant_message_can_be_read_aloud_in_its_language(page: Page, packs) -> None:
    page.add_init_script(FAKE_SPEECH)
    open_in(page, packs, "bg")
    messages = page.locator(".onthaal-msg--assistant")
    expect(messages).to_have_count(2)
    read = page.get_by_role("button", name=packs["bg"]["texts"]["widget_read_aloud"], exact=True)
    expect(read).to_have_count(2)
    read.last.click()
    page.wait_for_function("window.spoken.length > 0")
    text, lang = page.evaluate("window.spoken[0]")
    assert lang == "bg-BG"
    assert packs["bg"]["texts"]["consent_question"].split("\n")[0] in text
    assert packs["bg"]["texts"]["consent_yes"] in text  # the answer buttons are read too

    # The language choice is read line by line, each in its own language where the phone has a voice.
    page.evaluate("window.spoken = []")
    read.first.click()
    page.wait_for_function("window.spoken.length >= 3")
    assert {lang for _, lang in page.evaluate("window.spoken")} == {"nl-BE", "en-GB", "bg-BG"}


def test_a_language_without_a_voice_says_so_instead_of_reading_with_a_wrong_voice(page: Page, packs) -> None:
    page.add_init_script(FAKE_SPEECH)
    open_in(page, packs, "prs")
    page.get_by_role("button", name=packs["prs"]["texts"]["widget_read_aloud"], exact=True).last.click()
    expect(page.get_by_role("alert")).to_have_text(packs["prs"]["texts"]["widget_no_voice"])
    assert page.evaluate("window.spoken") == []


def test_answer_buttons_carry_decorative_pictograms(page: Page, packs) -> None:
    open_in(page, packs, "en")
    yes = page.get_by_role("button", name=packs["en"]["texts"]["consent_yes"], exact=True)
    expect(yes.locator("svg[aria-hidden=true]")).to_have_count(1)
    expect(page.get_by_role("button", name="English", exact=True).first.locator("svg")).to_have_count(0)


def test_larger_text_is_a_toggle_that_is_remembered(page: Page, packs) -> None:
    FakeSite(page, packs)
    page.goto(f"{SITE}/")
    larger = page.get_by_role("button", name=packs["en"]["texts"]["widget_larger_text"])
    expect(larger).to_have_attribute("aria-pressed", "false")
    size_before = page.locator(".onthaal-line").first.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    larger.click()
    expect(larger).to_have_attribute("aria-pressed", "true")
    size_after = page.locator(".onthaal-line").first.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
    assert size_after >= size_before * 1.25
    page.reload()
    expect(page.get_by_role("button", name=packs["en"]["texts"]["widget_larger_text"])).to_have_attribute(
        "aria-pressed", "true"
    )


def test_language_menu_switches_at_any_time_also_to_right_to_left(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    menu_button = page.get_by_role("button", name=packs["en"]["texts"]["widget_language"], exact=True)
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    menu = page.locator(".onthaal-languages")
    expect(menu.get_by_role("button")).to_have_count(6)
    site.bot = lambda message: consent(packs, "prs")[:1]
    menu.get_by_role("button", name="دری", exact=True).click()
    expect(page.locator("#onthaal")).to_have_attribute("dir", "rtl")
    expect(menu).to_be_hidden()
    assert site.messages[-1] == '/choose_language{"language":"prs"}'
    expect(page.get_by_role("button", name=packs["prs"]["texts"]["widget_delete"])).to_be_visible()


def test_privacy_notice_opens_in_the_current_language_and_closes(page: Page, packs) -> None:
    open_in(page, packs, "ro")
    page.get_by_role("button", name=packs["ro"]["texts"]["widget_privacy"]).click()
    notice = page.get_by_role("dialog", name=packs["ro"]["texts"]["widget_privacy_title"])
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(packs["ro"]["texts"]["widget_privacy_text"].split("\n")[0])
    page.keyboard.press("Escape")
    expect(notice).to_be_hidden()


def test_start_again_restarts_the_same_conversation_with_rasa(page: Page, packs) -> None:
    site = open_in(page, packs, "prs")
    sender = site.received[0]["sender"]
    site.bot = lambda message: [] if message == "/restart" else consent(packs, "en")[1:]
    page.get_by_role("button", name=packs["prs"]["texts"]["widget_restart"]).click()
    expect(page.locator(".onthaal-msg")).to_have_count(1)
    expect(page.locator("#onthaal")).to_have_attribute("dir", "ltr")
    assert site.messages[-2:] == ["/restart", "/greet"]
    assert {body["sender"] for body in site.received} == {sender}


def test_delete_my_answers_forgets_everywhere_and_starts_as_someone_new(page: Page, packs) -> None:
    site = open_in(page, packs, "sk")
    old_sender = site.received[0]["sender"]
    page.get_by_role("button", name=packs["sk"]["texts"]["widget_delete"]).click()
    dialog = page.get_by_role("dialog", name=packs["sk"]["texts"]["widget_delete"])
    expect(dialog).to_contain_text(packs["sk"]["texts"]["widget_delete_question"])
    site.bot = lambda message: [] if message == "/stop" else FakeSite(page, packs).bot(message)
    dialog.get_by_role("button", name=packs["sk"]["texts"]["widget_delete_yes"]).click()
    expect(page.get_by_text(packs["en"]["texts"]["widget_deleted"])).to_be_visible()
    expect(page.get_by_role("button", name="Slovenčina", exact=True)).to_be_enabled()
    stop = [body for body in site.received if body["message"] == "/stop"]
    assert len(stop) == 1 and stop[0]["sender"] == old_sender
    new_sender = site.received[-1]["sender"]
    assert new_sender != old_sender and site.received[-1]["message"] == "/greet"
    state = stored(page)
    assert state["sender"] == new_sender
    assert packs["sk"]["texts"]["consent_question"] not in json.dumps(state, ensure_ascii=False)


def test_reload_mid_conversation_keeps_history_and_open_question(page: Page, packs) -> None:
    site = open_in(page, packs, "bg")
    page.get_by_role("textbox").fill("Милена")
    site.bot = lambda message: [{"recipient_id": "s", "text": f"Здравей, {message}!"}]
    page.get_by_role("textbox").press("Enter")
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text("Здравей, Милена!")
    sent = len(site.received)
    page.reload()
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text("Здравей, Милена!")
    expect(page.locator(".onthaal-msg--person")).to_have_count(2)
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_role("button", name=packs["bg"]["texts"]["consent_yes"], exact=True)).to_be_disabled()
    assert len(site.received) == sent


def test_a_message_typed_offline_survives_a_reload_and_is_sent_exactly_once(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    site.bot = lambda message: "offline"
    page.get_by_role("textbox").fill("Milena")
    page.get_by_role("textbox").press("Enter")
    expect(page.get_by_role("alert")).to_have_text(packs["en"]["texts"]["widget_offline"])
    message_id = stored(page)["outbox"][0]["id"]

    delivered: list[str] = []

    def bot(message: str) -> list[dict[str, Any]]:
        delivered.append(message)
        return [{"recipient_id": "s", "text": f"Hello {message}"}]

    site.bot = bot
    page.reload()
    expect(page.locator(".onthaal-msg--assistant").last).to_have_text("Onthaal: Hello Milena")
    expect(page.locator(".onthaal-msg--person")).to_have_count(2)  # "English" and "Milena", once each
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(300)
    assert delivered == ["Milena"]
    assert [body["metadata"]["onthaal_message_id"] for body in site.received if body["message"] == "Milena"][
        -1
    ] == message_id
    assert stored(page)["outbox"] == []


def test_after_the_hand_off_the_stored_chat_expires_after_30_minutes(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    site.bot = lambda message: [{"recipient_id": "s", "text": "Thank you! Your reference is ONT-7K3M9Q."}]
    page.get_by_role("button", name=packs["en"]["texts"]["consent_yes"], exact=True).click()
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text("ONT-7K3M9Q")
    assert stored(page)["handedOff"] is True
    page.evaluate(
        "const s = JSON.parse(localStorage.getItem('onthaal.session')); s.updated -= 31 * 60 * 1000;"
        "localStorage.setItem('onthaal.session', JSON.stringify(s));"
    )
    site.bot = FakeSite(page, packs).bot
    page.reload()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_enabled()
    expect(page.locator(".onthaal-msg")).to_have_count(1)
    assert "ONT-7K3M9Q" not in json.dumps(stored(page))


FAKE_TOKEN = "not-a-real-token"  # noqa: S105 (the channel checks tokens; this test only follows it)


def reception_index(token: str = FAKE_TOKEN) -> str:
    html = (WIDGET_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace('data-lang=""', f'data-lang="" data-mode="reception" data-staff="sofie" data-token="{token}"')


def test_reception_desk_shows_dutch_lines_and_sends_remarks_with_the_next_answer(page: Page, packs) -> None:
    site = FakeSite(page, packs, index_html=reception_index())
    bg, nl = packs["bg"]["texts"], packs["nl"]["texts"]

    def with_dutch(message: str) -> list[dict[str, Any]]:
        if message == "/greet":
            return language_choice(packs)
        if message != '/choose_language{"language":"bg"}':
            return [{"recipient_id": "s", "text": "Как се казваш?", "onthaal_nl": {"text": "Hoe heet je?"}}]
        reply = consent(packs, "bg")
        reply[1]["onthaal_nl"] = {
            "text": nl["consent_question"],
            "buttons": [nl["consent_yes"], nl["consent_no"]],
        }
        return reply

    site.bot = with_dutch
    page.goto(f"{SITE}/")
    staff = page.get_by_role("region", name="Onthaalbalie · sofie")
    expect(staff).to_be_visible()
    page.get_by_role("button", name="Български", exact=True).click()
    question = page.locator(".onthaal-msg--assistant").last
    expect(question.locator(".onthaal-nl[lang=nl]").first).to_contain_text(nl["consent_question"].split("\n")[0])
    yes = question.get_by_role("button", name=f"{bg['consent_yes']} {nl['consent_yes']}")
    expect(yes.locator(".onthaal-nl")).to_have_text(nl["consent_yes"])
    assert all(body["url"].endswith("/webhooks/reception/webhook") for body in site.received)
    assert site.received[-1]["metadata"]["onthaal_reception_token"] == FAKE_TOKEN

    staff.get_by_role("textbox", name=nl["widget_reception_remark_label"]).fill("Spreekt wat Turks.")
    staff.get_by_role("button", name=nl["widget_reception_remark_add"]).click()
    expect(staff.get_by_role("listitem")).to_have_text("Spreekt wat Turks.")
    staff.get_by_role("button", name=nl["widget_reception_hand_back"]).click()
    expect(staff).to_be_hidden()
    expect(yes).to_be_focused()
    yes.click()
    expect(page.locator(".onthaal-msg--assistant .onthaal-nl").last).to_contain_text("Hoe heet je?")
    assert site.received[-1]["metadata"]["onthaal_remarks"] == ["Spreekt wat Turks."]
    page.get_by_role("button", name=nl["widget_reception_take_over"]).click()
    expect(staff).to_be_visible()
    # A shared desk computer: the conversation is kept for this tab only.
    assert stored(page, "onthaal.reception", "sessionStorage")["sender"] == site.received[0]["sender"]
    assert site.received[0]["sender"].startswith("desk-"), "the reception channel takes desk- conversation ids only"
    assert stored(page) is None
    assert RASA in site.received[0]["url"]


def test_keyboard_only_with_visible_focus(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    page.goto(f"{SITE}/")
    english = page.locator(".onthaal-log").get_by_role("button", name="English", exact=True)
    expect(english).to_be_enabled()
    for _ in range(30):
        page.keyboard.press("Tab")
        if english.evaluate("node => node === document.activeElement"):
            break
    expect(english).to_be_focused()
    assert english.evaluate("node => getComputedStyle(node).outlineStyle") == "solid"  # focus is visible
    site.bot = lambda message: consent(packs, "en")
    page.keyboard.press("Enter")
    yes = page.get_by_role("button", name=packs["en"]["texts"]["consent_yes"], exact=True)
    expect(yes).to_be_focused()  # focus follows the conversation to the new question
    # Dialogs are keyboard-usable too: open the privacy notice with Enter, close with Escape.
    privacy = page.get_by_role("button", name=packs["en"]["texts"]["widget_privacy"])
    privacy.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(privacy).to_be_focused()


def test_at_200_percent_zoom_nothing_is_cut_off_or_scrolls_sideways(page: Page, packs) -> None:
    # A 1280 x 800 screen at 200% zoom is a 640 x 400 CSS pixel viewport; a 320 px wide one is 400% (reflow).
    for viewport in ({"width": 640, "height": 400}, {"width": 320, "height": 480}):
        page.set_viewport_size(viewport)
        open_in(page, packs, "bg")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        for name in ("widget_delete", "widget_restart", "widget_privacy", "widget_language", "widget_send"):
            button = page.get_by_role("button", name=packs["bg"]["texts"][name], exact=True)
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (name, box)
        page.evaluate("localStorage.clear()")


def test_reduced_motion_stops_the_typing_animation(page: Page, packs) -> None:
    page.emulate_media(reduced_motion="reduce")
    FakeSite(page, packs)
    page.goto(f"{SITE}/")
    expect(page.locator(".onthaal-typing")).to_be_hidden()
    page.evaluate(
        "(() => { const dots = document.createElement('span'); dots.className = 'onthaal-dots';"
        " dots.append(document.createElement('span')); document.querySelector('#onthaal').append(dots); })()"
    )
    assert page.locator(".onthaal-dots span").first.evaluate("node => getComputedStyle(node).animationName") == "none"


def test_one_script_tag_embeds_the_widget_on_another_site(page: Page, packs) -> None:
    site = FakeSite(page, packs)
    other = "http://gent.test"
    host_page = (
        '<!doctype html><html lang="nl"><head><title>Stad Gent</title></head><body><main><h1>Werk zoeken</h1>'
        f'<script type="module" src="{SITE}/widget/widget.js" data-server="{RASA}" data-lang="bg"></script>'
        "</main></body></html>"
    )
    page.route(f"{other}/", lambda route: route.fulfill(content_type="text/html", body=host_page))

    site.bot = lambda message: consent(packs, "bg")
    page.goto(f"{other}/")
    widget = page.locator("#onthaal")
    expect(widget.get_by_role("button", name=packs["bg"]["texts"]["consent_yes"], exact=True)).to_be_visible()
    expect(widget).to_have_attribute("lang", "bg")
    expect(page.locator("html")).to_have_attribute("lang", "nl")  # the host page's own language is left alone
    assert page.locator("link[data-onthaal-style]").get_attribute("href") == f"{SITE}/widget/widget.css"
    assert site.messages == ['/choose_language{"language":"bg"}']
    assert "/widget/english.js" in site.requested  # no words in the host page: the module brings them
