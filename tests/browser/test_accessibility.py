"""axe-core (WCAG 2.0/2.1 A and AA rules) finds no violations in the widget, in each of the six languages.

Runs against the real stack: the language choice, then the consent question in the chosen language with the
language menu open, then the privacy notice, then the first question with its progress label and help row.
axe-core comes from npm into tests/browser/node_modules:
    npm install --prefix tests/browser --no-save --no-package-lock axe-core@4
"""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.stack]

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ANSWER_TIMEOUT_MS = 30_000


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the page's CSP allows no inline script.
        page.evaluate(AXE.read_text("utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return [
        {"id": violation["id"], "nodes": [node["target"] for node in violation["nodes"]][:5]}
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("code", ["nl", "en", "bg", "sk", "ro", "prs"])
def test_no_axe_violations(live_stack: Any, phone_page: Page, packs: dict[str, dict[str, Any]], code: str) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: npm install --prefix tests/browser --no-save --no-package-lock axe-core@4")
    page = phone_page
    page.goto(f"{live_stack.coach_url}/")
    choice = page.locator(".onthaal-log").get_by_role("button", name=packs[code]["name"], exact=True)
    expect(choice).to_be_enabled(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".onthaal-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    assert axe_violations(page) == [], "language choice"

    choice.click()
    texts = packs[code]["texts"]
    consent = page.locator(".onthaal-msg--assistant").filter(has_text=texts["consent_question"].split("\n")[0])
    expect(consent).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(".onthaal-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    page.get_by_role("button", name=texts["widget_language"], exact=True).click()
    expect(page.locator(".onthaal-languages")).to_be_visible()
    page.wait_for_timeout(200)  # the read-aloud and menu buttons settle
    assert axe_violations(page) == [], f"conversation in {code}"

    page.keyboard.press("Escape")
    page.get_by_role("button", name=texts["widget_privacy"]).click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert axe_violations(page) == [], f"privacy notice in {code}"

    page.keyboard.press("Escape")
    consent.get_by_role("button", name=texts["consent_yes"], exact=True).click()
    expect(page.locator(".onthaal-help")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)  # a question: the help row
    expect(page.locator(".onthaal-typing")).to_be_hidden(timeout=ANSWER_TIMEOUT_MS)
    assert axe_violations(page) == [], f"question with its help row in {code}"
