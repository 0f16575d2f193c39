"""Screenshots of the widget in each of the six languages, and of the reception desk, for review.

Run: `make screenshots` (`.venv/bin/python tools/screenshots.py`). Writes `screenshots/widget-<code>.png` (a
360 x 740 phone: the language was chosen by clicking, the consent question shows), `screenshots/widget-start.png`
(the multilingual language choice), `screenshots/widget-prs-large.png` (Dari, larger text) and
`screenshots/reception-bg.png` (the desk: Bulgarian with the Dutch lines), `screenshots/bereik-*.png` (the
/coach/bereik page over made-up week counts: its top and its reach, needs, funnel and stops views, on a desk
screen and on a phone), and
`screenshots/widget-nl-question.png` and `widget-prs-question.png` (after consent: a question with its progress
label, pictograms and the help row). The widget is served by the local server of tools/widget_bench.py, which
answers with the generated domain responses (no model needed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.widget_bench import CHROMIUM, CHROMIUM_ARGS, WIDGET_DIR, FakeRasa, serve  # noqa: E402

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1024, "height": 900}


def reception_index() -> str:
    html = (WIDGET_DIR / "index.html").read_text("utf-8")
    return html.replace('data-lang=""', 'data-lang="" data-mode="reception" data-staff="sofie" data-token="demo"')


def take(out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    packs = FakeRasa().packs
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def shoot(
            url: str, code: str | None, name: str, viewport: dict[str, int], larger: bool = False, ask: bool = False
        ) -> None:
            context = browser.new_context(viewport=viewport, device_scale_factor=2, locale="nl-BE")
            page = context.new_page()
            page.goto(url)
            log = page.locator(".onthaal-log")
            if code is None:
                expect(log.get_by_role("button", name="English", exact=True)).to_be_visible()
            else:
                log.get_by_role("button", name=packs[code]["name"], exact=True).click()
                question = packs[code]["texts"]["consent_yes"]
                expect(page.get_by_role("button", name=question).first).to_be_visible()
                expect(page.locator("#onthaal")).to_have_attribute("lang", code)
            if ask:
                # Consent given: the first question with its progress label and the help row.
                page.get_by_role("button", name=packs[code]["texts"]["consent_yes"]).first.click()
                expect(page.locator(".onthaal-help button").first).to_be_visible()
            if larger:
                page.locator(".onthaal-larger").click()
            page.wait_for_timeout(300)
            if ask:  # the question from its progress label down, as the person first sees it
                log.evaluate(
                    "node => { const label = node.querySelector('.onthaal-progress');"
                    " node.scrollTop = label.offsetTop - node.offsetTop - 8; }"
                )
            else:
                log.evaluate("node => { node.scrollTop = node.scrollHeight; }")  # show the answer buttons
            page.wait_for_timeout(100)
            path = out / f"{name}.png"
            page.screenshot(path=str(path))
            written.append(path)
            context.close()

        with serve() as url:
            shoot(url + "/", None, "widget-start", PHONE)
            for code in packs:
                shoot(url + "/", code, f"widget-{code}", PHONE)
            shoot(url + "/", "prs", "widget-prs-large", PHONE, larger=True)
            for code in ("nl", "prs"):
                shoot(url + "/", code, f"widget-{code}-question", PHONE, ask=True)
        with serve(reception_index()) as url:
            shoot(url + "/", "bg", "reception-bg", DESK)
        written += take_bereik(browser, out)
        browser.close()
    return written


# The views of /coach/bereik that get a screenshot, on a desk screen and on a phone: name -> section (table id).
BEREIK_VIEWS = {
    "reach": "per_received",
    "needs": "needs",
    "funnel": "funnel",
    "stops": "stops_per_language",
}
BEREIK_SCREENS = {"desk": ({"width": 1280, "height": 900}, 1), "phone": (PHONE, 1)}  # scale 1: small files


def take_bereik(browser, out: Path) -> list[Path]:  # noqa: ANN001  (a Playwright browser)
    """/coach/bereik over 2,500 made-up intakes of 26 weeks: the top of the page (filters) and each view of
    BEREIK_VIEWS, its chart and its table, on a desk screen and on a phone (`bereik-<view>-<screen>.png`)."""
    import tempfile

    from tools.bereik_bench import DemoServer

    written = []
    with tempfile.TemporaryDirectory() as folder, DemoServer(Path(folder)) as demo:
        for screen, (viewport, scale) in BEREIK_SCREENS.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=scale, locale="nl-BE")
            page = context.new_page()
            demo.log_in(page)
            page.goto(f"{demo.url}/coach/bereik")
            path = out / f"bereik-top-{screen}.png"
            page.screenshot(path=str(path))
            written.append(path)
            for view, section in BEREIK_VIEWS.items():
                path = out / f"bereik-{view}-{screen}.png"
                page.locator(f"section[aria-labelledby={section}]").screenshot(path=str(path))
                written.append(path)
            context.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in take(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
