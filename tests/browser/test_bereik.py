"""/coach/bereik in headless Chromium: axe-core (WCAG 2.0/2.1 A and AA) finds no violations, on a desk screen
and on a phone, and every chart has its table. The page runs on the coach service alone (no Rasa), over the
week counts of made-up intakes (tools/bereik_bench.py DemoServer)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_accessibility import AXE, axe_violations

from tools.bereik_bench import DemoServer

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with DemoServer(Path(tmp_path_factory.mktemp("bereik")), intakes=1500) as server:
        yield server


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}], ids=["desk", "phone"]
)
def test_bereik_has_no_axe_violations(demo: DemoServer, chromium_browser: Browser, viewport: dict[str, int]) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: npm install --prefix tests/browser --no-save --no-package-lock axe-core@4")
    context = chromium_browser.new_context(viewport=viewport, locale="nl-BE")
    page = context.new_page()
    demo.log_in(page)
    page.goto(f"{demo.url}/coach/bereik")
    expect(page.get_by_role("heading", name="Bereik", exact=True)).to_be_visible()
    charts = page.locator("svg.chart")
    assert charts.count() >= 8
    # Each chart sits beside its table and is named for screen readers.
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img"
        assert "De cijfers staan in de tabel" in (chart.get_attribute("aria-label") or "")
        assert chart.locator("xpath=following-sibling::div//table").count() == 1
    assert axe_violations(page) == []
    filters = page.get_by_role("form", name="Filters")
    filters.locator("select[name=per]").select_option("maand")
    filters.locator("select[name=taal]").select_option("ro")
    filters.get_by_role("button", name="Toon").click()
    page.wait_for_url("**taal=ro**")
    expect(page.locator("select[name=taal]")).to_have_value("ro")
    assert axe_violations(page) == []
    context.close()
