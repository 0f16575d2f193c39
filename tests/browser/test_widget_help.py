"""The help row, the pictograms in button titles and the progress line, with Rasa scripted.

Every question carries, after its answers, the help buttons `/why_ask` and `/talk_to_person`; their titles (like
every answer's) start with a pictogram, and a question may start with a progress line ("Question 3 of 7").
The words here stand in for the language packs' (the bot sends them; the widget only reads their shape).
"""

import re
from typing import Any

import pytest
from fake_site import SITE, FakeSite, language_choice, marker, stored
from playwright.sync_api import Locator, Page, expect
from test_widget_features import FAKE_SPEECH, consent, open_in, reception_index

from tests.e2e.chat import words

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 640}
WHY, PERSON = "/why_ask", "/talk_to_person"
QUESTIONS = {
    "en": {
        "progress": "Question 3 of 7",
        "text": "How old are you?",
        "answers": [("✅ Yes", "/affirm"), ("❌ No", "/deny"), ("⏭️ I'd rather not say", "/skip")],
        "help": [("❓ Why do you ask this?", WHY), ("🙋 Talk to a person", PERSON)],
    },
    "nl": {
        "progress": "Vraag 3 van 7",
        "text": "Hoe oud ben je?",
        "answers": [("✅ Ja", "/affirm"), ("❌ Nee", "/deny"), ("⏭️ Zeg ik liever niet", "/skip")],
        "help": [("❓ Waarom vraag je dit?", WHY), ("🙋 Met een mens praten", PERSON)],
    },
    "prs": {
        "progress": "پرسش ۳ از ۷",
        "text": "شما چند سال دارید؟",
        "answers": [("✅ بلی", "/affirm"), ("❌ نخیر", "/deny"), ("⏭️ نمی‌خواهم بگویم", "/skip")],
        "help": [("❓ چرا این را می‌پرسید؟", WHY), ("🙋 با یک انسان صحبت کنم", PERSON)],
    },
}
PICTOGRAMS = ("✅", "❌", "⏭", "❓", "🙋", "\ufe0f")


def question(code: str, *, dutch: bool = False) -> dict[str, Any]:
    words_of = QUESTIONS[code]
    buttons = words_of["answers"] + words_of["help"]
    message: dict[str, Any] = {
        "recipient_id": "s",
        "text": f"{words_of['progress']}\n{words_of['text']}",
        "buttons": [{"title": title, "payload": payload} for title, payload in buttons],
    }
    if dutch:
        nl = QUESTIONS["nl"]
        nl_buttons = nl["answers"] + nl["help"]
        message["onthaal_nl"] = {
            "text": f"{nl['progress']}\n{nl['text']}",
            "buttons": [title for title, _ in nl_buttons],
        }
    return message


def asked(code: str, packs: dict[str, dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    return [marker(code, packs[code]["direction"]), question(code, **options)]


def last_sent(page: Page, site: FakeSite, payload: str) -> bool:
    """Whether `payload` is the last message Rasa got, waiting up to 5 s for it to arrive."""
    for _ in range(100):
        if site.messages and site.messages[-1] == payload:
            return True
        page.wait_for_timeout(50)
    return False


def help_row(page: Page) -> Locator:
    return page.locator(".onthaal-help")


def answer_consent_with(page: Page, site: FakeSite, packs, code: str, reply: list[dict[str, Any]]) -> None:
    site.bot = lambda message: reply
    page.get_by_role("button", name=packs[code]["texts"]["consent_yes"], exact=True).click()
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text(QUESTIONS[code]["text"])


@pytest.fixture
def page(phone_page: Page) -> Page:
    phone_page.set_viewport_size(SMALL_PHONE)
    return phone_page


def test_help_buttons_are_in_a_row_above_the_input_not_among_the_answers(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    expect(help_row(page)).to_be_hidden()  # the consent question carries no help buttons
    answer_consent_with(page, site, packs, "en", asked("en", packs))

    row = page.get_by_role("navigation", name=re.compile("Why do you ask this"))
    expect(row).to_be_visible()
    expect(row.get_by_role("button")).to_have_count(2)
    why = row.get_by_role("button", name="Why do you ask this?", exact=True)
    person = row.get_by_role("button", name="Talk to a person", exact=True)
    expect(why).to_be_enabled()
    expect(person).to_be_enabled()
    # Shown once: the message itself keeps only its answers.
    message = page.locator(".onthaal-msg--assistant").last
    expect(message.get_by_role("button", name="Why do you ask this?")).to_have_count(0)
    expect(message.locator(".onthaal-choice")).to_have_count(3)
    expect(page.get_by_role("button", name="Talk to a person", exact=True)).to_have_count(1)
    # Just above the input, in the same order as Rasa sent them.
    input_box = page.get_by_role("textbox").bounding_box()
    row_box = help_row(page).bounding_box()
    assert row_box and input_box and row_box["y"] + row_box["height"] <= input_box["y"]
    assert why.bounding_box()["x"] < person.bounding_box()["x"]


def test_the_help_row_stays_in_view_while_the_log_scrolls_on_a_small_phone(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    long_story = [{"recipient_id": "s", "text": "\n".join(f"Line {n} of a long answer." for n in range(30))}]
    answer_consent_with(page, site, packs, "en", [*long_story, question("en")])
    why = page.get_by_role("button", name="Why do you ask this?", exact=True)
    expect(why).to_be_visible()
    log = page.locator(".onthaal-log")
    assert log.evaluate("node => node.scrollHeight > node.clientHeight + 200"), "the log must be scrolling"
    positions = []
    for top in (0, 10_000):
        log.evaluate("(node, top) => { node.scrollTop = top; }", top)
        page.wait_for_timeout(50)
        box = why.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= SMALL_PHONE["height"], box
        positions.append(box["y"])
    assert positions[0] == positions[1], "the help row moves with the log"
    assert page.evaluate("document.scrollingElement.scrollTop") == 0  # the page itself never scrolls
    # 44 px touch targets, two side by side on a 360 px phone.
    for button in help_row(page).get_by_role("button").all():
        box = button.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, box


def test_a_help_button_sends_its_payload_with_its_title_as_the_answer(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    answer_consent_with(page, site, packs, "en", asked("en", packs))
    explanation = {"recipient_id": "s", "text": "A coach uses your age to find the right help."}
    site.bot = lambda message: [explanation, question("en")]
    page.get_by_role("button", name="Why do you ask this?", exact=True).click()
    assert last_sent(page, site, WHY)
    person = page.locator(".onthaal-msg--person").last
    expect(person).to_have_text("You: ❓ Why do you ask this?")
    expect(person.locator(".onthaal-pictogram")).to_have_attribute("aria-hidden", "true")
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text("How old are you?")
    # The question came again with its help buttons: the row is usable again, still once.
    expect(page.get_by_role("button", name="Talk to a person", exact=True)).to_have_count(1)
    site.bot = lambda message: [{"recipient_id": "s", "text": "A coach will call you."}]
    page.get_by_role("button", name="Talk to a person", exact=True).click()
    assert last_sent(page, site, PERSON)
    # The latest message has no help buttons: the row is gone.
    expect(page.locator(".onthaal-msg--assistant").last).to_have_text("Onthaal: A coach will call you.")
    expect(help_row(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Why do you ask this?")).to_have_count(0)


def test_the_help_row_waits_with_the_answers_and_comes_back_when_sending_fails(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    answer_consent_with(page, site, packs, "en", asked("en", packs))
    site.bot = lambda message: "fail"
    page.get_by_role("button", name="Yes", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(packs["en"]["texts"]["widget_error"])
    expect(page.get_by_role("button", name="Why do you ask this?", exact=True)).to_be_enabled()
    expect(page.get_by_role("button", name="Yes", exact=True)).to_be_enabled()


def test_the_help_row_is_keyboard_usable(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    answer_consent_with(page, site, packs, "en", asked("en", packs))
    why = page.get_by_role("button", name="Why do you ask this?", exact=True)
    page.get_by_role("button", name="I'd rather not say", exact=True).focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if why.evaluate("node => node === document.activeElement"):
            break
    expect(why).to_be_focused()
    assert why.evaluate("node => getComputedStyle(node).outlineStyle") == "solid"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Talk to a person", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox")).to_be_focused()  # then the input: the row sits between the log and it
    site.bot = lambda message: asked("en", packs)[1:]
    why.focus()
    page.keyboard.press("Enter")
    assert last_sent(page, site, WHY)


def test_the_help_row_is_mirrored_in_dari(page: Page, packs) -> None:
    site = open_in(page, packs, "prs")
    answer_consent_with(page, site, packs, "prs", asked("prs", packs))
    expect(page.locator("#onthaal")).to_have_attribute("dir", "rtl")
    why = page.get_by_role("button", name=words(QUESTIONS["prs"]["help"][0][0]), exact=True)
    person = page.get_by_role("button", name=words(QUESTIONS["prs"]["help"][1][0]), exact=True)
    expect(why).to_have_attribute("lang", "prs")
    assert why.evaluate("node => getComputedStyle(node).direction") == "rtl"
    # Right to left: the first button is on the right.
    assert why.bounding_box()["x"] > person.bounding_box()["x"]
    page.set_viewport_size({"width": 320, "height": 568})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_help_row_comes_back_after_a_reload_and_goes_with_start_again(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    answer_consent_with(page, site, packs, "en", asked("en", packs))
    sent = len(site.received)
    page.reload()
    expect(page.get_by_role("button", name="Why do you ask this?", exact=True)).to_be_enabled()
    expect(page.get_by_role("button", name="Yes", exact=True)).to_be_enabled()
    assert len(site.received) == sent
    assert "/why_ask" in str(stored(page)["history"])  # kept with the message, shown from there again
    site.bot = lambda message: [] if message == "/restart" else language_choice(packs)
    page.get_by_role("button", name=packs["en"]["texts"]["widget_restart"]).click()
    expect(page.get_by_role("button", name="English", exact=True)).to_be_enabled()
    expect(help_row(page)).to_be_hidden()


def test_answer_pictograms_are_larger_and_hidden_from_screen_readers(page: Page, packs) -> None:
    site = open_in(page, packs, "en")
    answer_consent_with(page, site, packs, "en", asked("en", packs))
    skip = page.get_by_role("button", name="I'd rather not say", exact=True)  # the name is the words only
    pictogram = skip.locator(".onthaal-pictogram")
    expect(pictogram).to_have_attribute("aria-hidden", "true")
    expect(pictogram).to_have_text("⏭️")
    expect(skip.locator("svg")).to_have_count(0)  # one pictogram per button: the title's, not a second one
    sizes = skip.evaluate(
        "node => [node.querySelector('.onthaal-pictogram'), node.querySelector('.onthaal-choice-label')]"
        ".map((part) => parseFloat(getComputedStyle(part).fontSize))"
    )
    assert 1.3 <= sizes[0] / sizes[1] <= 1.5, sizes
    expect(skip.locator(".onthaal-choice-label")).to_have_text("I'd rather not say")
    # A title without a pictogram still gets one from its payload, as before.
    site.bot = lambda message: [
        {"recipient_id": "s", "text": "Sure?", "buttons": [{"title": "Yes", "payload": "/affirm"}]}
    ]
    skip.click()
    yes = page.locator(".onthaal-msg--assistant").last.get_by_role("button", name="Yes", exact=True)
    expect(yes.locator("svg[aria-hidden=true]")).to_have_count(1)


def test_read_aloud_reads_the_words_not_the_pictograms(page: Page, packs) -> None:
    page.add_init_script(FAKE_SPEECH)
    site = open_in(page, packs, "en")
    answer_consent_with(page, site, packs, "en", asked("en", packs))
    page.get_by_role("button", name=packs["en"]["texts"]["widget_read_aloud"], exact=True).last.click()
    page.wait_for_function("window.spoken.length > 0")
    text, lang = page.evaluate("window.spoken[0]")
    assert lang == "en-GB"
    assert text.startswith("Question 3 of 7. How old are you?")
    assert "Yes" in text and "I'd rather not say" in text
    assert not any(pictogram in text for pictogram in PICTOGRAMS), text


def test_the_progress_line_is_a_small_label_above_the_question(page: Page, packs) -> None:
    site = open_in(page, packs, "prs")
    answer_consent_with(page, site, packs, "prs", asked("prs", packs))
    message = page.locator(".onthaal-msg--assistant").last
    progress = message.locator(".onthaal-progress")
    expect(progress).to_have_text(QUESTIONS["prs"]["progress"])  # read by screen readers as it is
    expect(message.locator(".onthaal-line")).to_have_count(1)
    expect(message.locator(".onthaal-line")).to_have_text(QUESTIONS["prs"]["text"])
    above = message.evaluate(
        "node => node.querySelector('.onthaal-progress').getBoundingClientRect().bottom"
        " <= node.querySelector('.onthaal-line').getBoundingClientRect().top"
    )
    assert above, "the progress label is above the question"
    sizes = message.evaluate(
        "node => ['.onthaal-progress', '.onthaal-line']"
        ".map((selector) => parseFloat(getComputedStyle(node.querySelector(selector)).fontSize))"
    )
    assert sizes[0] < sizes[1], sizes
    bar = progress.locator(".onthaal-progress-bar")
    expect(bar).to_have_attribute("aria-hidden", "true")
    ratio = bar.evaluate("node => node.firstChild.getBoundingClientRect().width / node.getBoundingClientRect().width")
    assert ratio == pytest.approx(3 / 7, abs=0.03)
    # A one-line message with numbers is just a message.
    site.bot = lambda message: [{"recipient_id": "s", "text": "Part 2 of 3"}]
    page.get_by_role("textbox").fill("40")
    page.get_by_role("textbox").press("Enter")
    expect(page.locator(".onthaal-msg--assistant").last).to_have_text("Onthaal: Part 2 of 3")
    expect(page.locator(".onthaal-msg--assistant").last.locator(".onthaal-progress")).to_have_count(0)


def test_the_reception_desk_has_the_help_row_with_dutch_words(page: Page, packs) -> None:
    site = FakeSite(page, packs, index_html=reception_index())

    def bot(message: str) -> list[dict[str, Any]]:
        if message == "/greet":
            return language_choice(packs)
        if message.startswith("/choose_language"):
            return consent(packs, "prs")
        return [question("prs", dutch=True)]

    site.bot = bot
    page.goto(f"{SITE}/")
    page.get_by_role("button", name="دری", exact=True).click()
    page.get_by_role("button", name=re.compile(packs["prs"]["texts"]["consent_yes"])).click()
    expect(page.locator(".onthaal-msg--assistant").last).to_contain_text(QUESTIONS["prs"]["text"])
    row = help_row(page)
    expect(row).to_be_visible()
    why = row.get_by_role("button", name=f"{words(QUESTIONS['prs']['help'][0][0])} Waarom vraag je dit?")
    expect(why.locator(".onthaal-nl")).to_have_text("Waarom vraag je dit?")
    message = page.locator(".onthaal-msg--assistant").last
    expect(message.locator(".onthaal-progress")).to_have_text(QUESTIONS["prs"]["progress"])
    expect(message.locator(".onthaal-nl")).to_have_count(1 + 3)  # the Dutch question (no progress line), 3 answers
    expect(message.get_by_role("button", name=re.compile("Ja$"))).to_have_count(1)
    why.click()
    assert last_sent(page, site, WHY)
    assert site.received[-1]["url"].endswith("/webhooks/reception/webhook")
