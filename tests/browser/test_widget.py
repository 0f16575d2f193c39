"""The web widget against the real stack: coach service (serves the widget) + Rasa + action server.

A person opens the page on a phone, picks a language from the multilingual choice, and the conversation and
the widget itself switch to that language, right-to-left for Dari. Expected texts come from languages/*.yml.
"""

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.stack]

ANSWER_TIMEOUT_MS = 30_000  # Rasa on a cold start can be slow


def text(packs: dict[str, dict[str, Any]], code: str, key: str) -> str:
    return packs[code]["texts"][key]


def assistant_message(page: Page, words: str) -> Locator:
    """The assistant message that contains `words` (whitespace-normalised, as the person reads it)."""
    first_line = " ".join(words.split("\n")[0].split())
    return page.locator(".onthaal-msg--assistant").filter(has_text=first_line)


def open_widget(page: Page, live_stack: Any, packs: dict[str, dict[str, Any]]) -> None:
    page.goto(f"{live_stack.coach_url}/")
    # The multilingual language choice: one real button per language, each in its own language.
    for code, pack in packs.items():
        button = page.get_by_role("button", name=pack["name"], exact=True)
        expect(button).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        expect(button).to_be_enabled()
        expect(button).to_have_attribute("lang", code)
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    # Before a language is chosen the chrome is English.
    expect(page.get_by_label(text(packs, "en", "widget_input_label"))).to_be_visible()


def test_person_chooses_bulgarian_consents_and_is_asked_their_name(
    live_stack: Any, phone_page: Page, packs: dict[str, dict[str, Any]]
) -> None:
    page = phone_page
    open_widget(page, live_stack, packs)

    page.get_by_role("button", name="Български", exact=True).click()

    consent = assistant_message(page, text(packs, "bg", "consent_question"))
    expect(consent).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(consent).to_have_attribute("lang", "bg")
    expect(consent).to_have_attribute("dir", "ltr")
    # The widget's own words follow the conversation.
    expect(page.locator("html")).to_have_attribute("lang", "bg")
    expect(page.get_by_label(text(packs, "bg", "widget_input_label"))).to_be_visible()
    expect(page.get_by_role("button", name=text(packs, "bg", "widget_send"), exact=True)).to_be_visible()
    # Only the newest question's buttons can still be used.
    expect(page.get_by_role("button", name="Български", exact=True)).to_be_disabled()

    yes = consent.get_by_role("button", name=text(packs, "bg", "consent_yes"), exact=True)
    expect(yes).to_have_attribute("lang", "bg")
    yes.click()

    # The person's own answer is shown as theirs, then the first question.
    expect(page.locator(".onthaal-msg--person").last).to_contain_text(text(packs, "bg", "consent_yes"))
    ask_name = assistant_message(page, text(packs, "bg", "ask_name"))
    expect(ask_name).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(ask_name).to_have_attribute("lang", "bg")
    expect(yes).to_be_disabled()
    expect(page.get_by_role("alert")).to_be_hidden()


def test_dari_is_shown_right_to_left(live_stack: Any, phone_page: Page, packs: dict[str, dict[str, Any]]) -> None:
    page = phone_page
    open_widget(page, live_stack, packs)
    assert packs["prs"]["direction"] == "rtl"

    page.get_by_role("button", name="دری", exact=True).click()

    consent = assistant_message(page, text(packs, "prs", "consent_question"))
    expect(consent).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(consent).to_have_attribute("lang", "prs")
    expect(consent).to_have_attribute("dir", "rtl")
    widget = page.locator("#onthaal")
    expect(widget).to_have_attribute("dir", "rtl")
    expect(widget).to_have_attribute("lang", "prs")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_label(text(packs, "prs", "widget_input_label"))).to_be_visible()
    # Right-to-left for real, not only in the attribute: the assistant's bubble hugs the right edge.
    box = consent.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] > page.viewport_size["width"] - 20, box


def test_start_again_begins_a_new_conversation(
    live_stack: Any, phone_page: Page, packs: dict[str, dict[str, Any]]
) -> None:
    page = phone_page
    open_widget(page, live_stack, packs)
    sender_before = page.evaluate("localStorage.getItem('onthaal.sender')")
    assert re.fullmatch(r"[0-9a-f-]{32,36}", sender_before or ""), sender_before

    page.get_by_role("button", name="دری", exact=True).click()
    expect(page.locator("#onthaal")).to_have_attribute("dir", "rtl", timeout=ANSWER_TIMEOUT_MS)
    page.get_by_role("button", name=text(packs, "prs", "widget_restart"), exact=True).click()

    # Back to the language choice, in English chrome and left-to-right, as a new sender.
    expect(page.get_by_role("button", name="Български", exact=True)).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#onthaal")).to_have_attribute("dir", "ltr")
    expect(page.locator(".onthaal-msg")).to_have_count(1)
    assert page.evaluate("localStorage.getItem('onthaal.sender')") != sender_before
