"""Saied (tests/e2e/personas.py) in the real widget: his OCMW social worker opens the chat on her laptop, they
choose Dari, and every message is read aloud to him before he taps his answer. The whole intake is held in the
page, in Dari, with buttons (the social worker types his name and hers); it ends in a stored intake with what he
said, and the speech engine heard every question in Dari."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.chat import Chat, stored_intakes, without_progress
from tests.e2e.intake import IntakeScript
from tests.e2e.personas import PERSONAS, assert_intake_follows

pytestmark = [pytest.mark.browser, pytest.mark.stack]

ANSWER_TIMEOUT_MS = 30_000
# A speech engine the test can listen to, with a voice for each of the six languages (Dari: fa-AF).
LISTENING_SPEECH = """
window.spoken = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  getVoices: () => ["nl-BE", "en-GB", "bg-BG", "sk-SK", "ro-RO", "fa-AF"].map((lang) => ({lang, name: lang})),
  speak(utterance) { window.spoken.push([utterance.text, utterance.lang]); setTimeout(() => utterance.onend?.(), 20); },
  cancel() {},
}});
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


class WidgetChat(Chat):
    """The person's side in the widget: taps and typing happen on the page, the replies are the answers Rasa sent
    to the widget, and after each answer the newest message is read aloud (the read-aloud button)."""

    def __init__(self, page: Page, live_stack: Any) -> None:
        super().__init__(live_stack.rasa_url)
        self.page = page
        self.page_url = f"{live_stack.coach_url}/"
        self.assistant = page.locator(".onthaal-msg--assistant")

    def answered(self, act: Callable[[], Any]) -> list[dict[str, Any]]:
        before = self.assistant.count()
        spoken = self.page.evaluate("window.spoken?.length ?? 0")  # none before the page is opened
        with self.page.expect_response(
            lambda response: response.url.endswith("/webhooks/rest/webhook") and response.request.method == "POST",
            timeout=ANSWER_TIMEOUT_MS,
        ) as answer:
            act()
        self.replies = answer.value.json()
        expect(self.assistant).not_to_have_count(before, timeout=ANSWER_TIMEOUT_MS)
        expect(self.page.locator(".onthaal-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
        read = self.assistant.last.locator(".onthaal-read")
        read.click()
        self.wait_until_spoken(beyond=spoken)
        expect(self.page.get_by_role("alert")).to_be_hidden()  # no "this phone cannot read this language"
        return self.replies

    def wait_until_spoken(self, beyond: int) -> None:
        # Polled from here: the page's Content-Security-Policy forbids the eval that wait_for_function needs.
        for _ in range(200):
            if self.page.evaluate("window.spoken.length") > beyond:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the read-aloud button read nothing")

    def greet(self) -> list[dict[str, Any]]:
        return self.answered(lambda: self.page.goto(self.page_url))

    def say(self, message: str) -> list[dict[str, Any]]:
        textbox = self.page.locator("input.onthaal-input")
        return self.answered(lambda: (textbox.fill(message), textbox.press("Enter")))

    def click(self, title: str) -> list[dict[str, Any]]:
        assert self.offers(title), f"no button {title!r} in {list(self.buttons())}"
        # The widget shows the title's pictogram apart from its words (.onthaal-choice-label).
        button = self.page.locator(".onthaal-log button.onthaal-choice:enabled").filter(
            has=self.page.locator(".onthaal-choice-label").get_by_text(title, exact=True)
        )
        return self.answered(lambda: button.last.click())


def test_saied_with_his_social_worker_and_read_aloud_holds_his_intake_in_dari(
    live_stack: Any, phone_page: Page
) -> None:
    persona = PERSONAS["Saied"]
    phone_page.add_init_script(LISTENING_SPEECH)
    phone_page.set_viewport_size({"width": 1024, "height": 800})  # the social worker's laptop
    script = IntakeScript(WidgetChat(phone_page, live_stack), "prs", persona.script)
    reference = script.hold("button")

    intake = next(i for i in stored_intakes(live_stack.state_dir) if i["reference"] == reference)
    assert intake["channel"] == "rest"
    assert_intake_follows(persona, intake)
    expect(phone_page.locator("#onthaal")).to_have_attribute("dir", "rtl")

    spoken = phone_page.evaluate("window.spoken")
    after_the_language = spoken[spoken.index(next(s for s in spoken if s[1] == "fa-AF")) :]
    assert {lang for _, lang in after_the_language} == {"fa-AF"}, "everything after the choice is read in Dari"
    heard = "\n".join(text for text, _ in after_the_language)
    for slot in dict.fromkeys(script.asked):
        if question := script.texts.get(f"ask_{slot}"):
            assert without_progress(question).split("\n")[0] in heard, slot
    assert reference in heard, "the reference is read aloud too"
