"""Fixtures for the browser tests: Debian's chromium driven by Playwright, and the language packs.

The real stack (`live_stack` with `coach_url` and `rasa_url`) comes from tests/conftest.py.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LANGUAGES_DIR = Path(__file__).resolve().parents[2] / "languages"
LANGUAGE_CODES = ("nl", "en", "bg", "sk", "ro", "prs")
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or deselect with -m 'not browser')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium_browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page: its own localStorage, so every test is a new conversation (new sender id)."""
    context = chromium_browser.new_context(viewport=PHONE, locale="nl-BE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors in the widget: {errors}"


def load_pack(code: str) -> dict[str, Any]:
    return yaml.safe_load((LANGUAGES_DIR / f"{code}.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def packs() -> dict[str, dict[str, Any]]:
    return {code: load_pack(code) for code in LANGUAGE_CODES}
