"""The widget's budgets: JavaScript + CSS at most 50 kB gzipped, first render under 1 s on a throttled phone.

Run: `make bench` (`.venv/bin/python tools/widget_bench.py`). Prints the gzip size of web_widget/*.js + *.css
and the median of 5 cold loads of the full-page widget in Debian's chromium with CDP throttling: CPU 4x slower
(`Emulation.setCPUThrottlingRate`) and a slow-4G-like network (`Network.emulateNetworkConditions`: 150 ms
round trip, 1.6 Mbit/s down, 750 kbit/s up, the profile Lighthouse uses for mobile). "First render" is the time
from navigation start to the first visible language button, i.e. including the greeting's round trip to Rasa.
The widget is served gzipped (as behind any reverse proxy, or FastAPI's GZipMiddleware), its page as the coach
service serves it (coach/widget_page.py: the stylesheet and the English words inline), by a small local server
(same origin) that answers Rasa's REST webhook from the generated domain responses, so the number measures the
widget, not the model. `--profile devtools-slow-4g` uses Chrome DevTools' harsher "Slow 4G" preset (562.5 ms round trip)
instead. Exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coach.widget_page import served_page  # noqa: E402

WIDGET_DIR = ROOT / "web_widget"
LANGUAGES_DIR = ROOT / "languages"
RESPONSES = ROOT / "bot" / "domain" / "responses.yml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SIZE_BUDGET_BYTES = 50 * 1024
FIRST_RENDER_BUDGET_MS = 1000
RUNS = 5
PROFILES = {
    # latency in ms, throughput in bytes per second
    "slow-4g": {"latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8, "uploadThroughput": 750 * 1024 / 8},
    "devtools-slow-4g": {
        "latency": 562.5,
        "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
        "uploadThroughput": 750 * 1024 / 8 * 0.9,
    },
}
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8"}
CHOOSE_LANGUAGE = re.compile(r'^/choose_language\{"language":\s*"(\w+)"\}$')


def gzip_size() -> tuple[int, dict[str, int]]:
    """Total gzip size (level 9, as a server would send it) of the widget's JavaScript and CSS, and per file."""
    sizes = {
        path.name: len(gzip.compress(path.read_bytes(), compresslevel=9))
        for path in sorted([*WIDGET_DIR.glob("*.js"), *WIDGET_DIR.glob("*.css")])
    }
    return sum(sizes.values()), sizes


class FakeRasa:
    """Answers like the bot's first turns, from bot/domain/responses.yml: the language choice, then the welcome and
    the consent question in the chosen language. Reception channel replies carry the Dutch version too."""

    def __init__(self) -> None:
        self.responses = yaml.safe_load(RESPONSES.read_text("utf-8"))["responses"]
        self.packs = {path.stem: yaml.safe_load(path.read_text("utf-8")) for path in LANGUAGES_DIR.glob("*.yml")}
        self.languages: dict[str, str] = {}  # sender -> the language chosen

    def variation(self, name: str, code: str | None) -> dict[str, Any]:
        for variation in self.responses[name]:
            conditions = variation.get("condition") or []
            if code is None and not conditions:
                return variation
            if any(condition.get("value") == code for condition in conditions):
                return variation
        return self.responses[name][-1]

    def message(self, name: str, code: str | None, dutch: bool) -> dict[str, Any]:
        variation = self.variation(name, code)
        message: dict[str, Any] = {"recipient_id": "bench", "text": variation["text"]}
        if variation.get("buttons"):
            message["buttons"] = variation["buttons"]
        if dutch and code not in (None, "nl"):
            nl = self.variation(name, "nl")
            message["onthaal_nl"] = {"text": nl["text"], "buttons": [b["title"] for b in nl.get("buttons") or []]}
        return message

    def question(self, code: str, dutch: bool) -> dict[str, Any]:
        """The question after consent, as the screenshots show it: "What do you want help with?", 6th of 7."""
        message = self.message("utter_ask_help_with", code, dutch)
        texts = self.packs[code]["texts"]
        digits = texts["digits"]
        progress = texts["progress"].format(n=digits[6], m=digits[7])
        message["text"] = message["text"].replace("{progress}", progress)
        if "onthaal_nl" in message:
            nl = self.packs["nl"]["texts"]["progress"].format(n=6, m=7)
            message["onthaal_nl"]["text"] = message["onthaal_nl"]["text"].replace("{progress}", nl)
        return message

    def reply(self, text: str, dutch: bool = False, sender: str = "") -> list[dict[str, Any]]:
        chosen = CHOOSE_LANGUAGE.match(text.strip())
        if text.strip() == "/affirm" and sender in self.languages:
            return [self.question(self.languages[sender], dutch)]
        if not chosen or chosen.group(1) not in self.packs:
            return [self.message("utter_ask_language", None, dutch)] if text == "/greet" else []
        code = chosen.group(1)
        self.languages[sender] = code
        marker = {"recipient_id": "bench", "custom": {"onthaal": {"language": code, "direction": "ltr"}}}
        marker["custom"]["onthaal"]["direction"] = self.packs[code]["direction"]
        return [marker, *(self.message(name, code, dutch) for name in ("utter_welcome", "utter_ask_consent"))]


@contextmanager
def serve(index_html: str | None = None) -> Iterator[str]:
    """A local server: `/` the widget page, `/widget/...` its files and packs, Rasa's REST and reception webhooks.
    Yields its base URL."""
    rasa = FakeRasa()
    page = index_html or (WIDGET_DIR / "index.html").read_text("utf-8")
    html, _ = served_page(page, (WIDGET_DIR / "widget.css").read_text("utf-8"), rasa.packs["en"], "")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, body: bytes, content_type: str, status: int = 200) -> None:
            self.send_response(status)
            if len(body) > 1024 and "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, compresslevel=6)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?")[0]
            if path in ("/", "/index.html"):
                self.answer(html.encode(), CONTENT_TYPES[".html"])
            elif match := re.fullmatch(r"/widget/languages/(\w+)\.json", path):
                pack = rasa.packs.get(match.group(1))
                if pack is None:
                    self.answer(b"unknown language", "text/plain", 404)
                    return
                keys = ("code", "name", "direction", "texts")
                self.answer(json.dumps({key: pack[key] for key in keys}).encode(), "application/json")
            elif path.startswith("/widget/") and (WIDGET_DIR / path.removeprefix("/widget/")).is_file():
                file = WIDGET_DIR / path.removeprefix("/widget/")
                self.answer(file.read_bytes(), CONTENT_TYPES.get(file.suffix, "application/octet-stream"))
            else:
                self.answer(b"not found", "text/plain", 404)

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path not in ("/webhooks/rest/webhook", "/webhooks/reception/webhook"):
                self.answer(b"not found", "text/plain", 404)
                return
            reception = self.path.startswith("/webhooks/reception")
            reply = rasa.reply(str(body.get("message", "")), dutch=reception, sender=str(body.get("sender", "")))
            self.answer(json.dumps(reply).encode(), "application/json")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


FIRST_BUTTON_PROBE = """
(() => {
  const seen = () => {
    const button = document.querySelector(".onthaal-log .onthaal-choice");
    if (button && button.getBoundingClientRect().height > 0 && window.__firstRender === undefined) {
      window.__firstRender = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
"""


def first_render_ms(url: str, profile: str, runs: int = RUNS) -> list[float]:
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # One extra load first, not counted: it measures the browser starting up, not the widget. Every counted
        # load is still cold (new context, cache disabled).
        for run in range(runs + 1):
            context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
            page = context.new_page()
            page.add_init_script(FIRST_BUTTON_PROBE)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **PROFILES[profile]})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            page.goto(url)
            page.wait_for_function("window.__firstRender !== undefined", timeout=30_000)
            if run > 0:
                timings.append(page.evaluate("window.__firstRender"))
            context.close()
        browser.close()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="slow-4g")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()

    total, sizes = gzip_size()
    print("gzip sizes: " + ", ".join(f"{name} {size / 1024:.1f} kB" for name, size in sizes.items()))
    print(f"widget JavaScript + CSS: {total / 1024:.1f} kB gzipped (budget {SIZE_BUDGET_BYTES / 1024:.0f} kB)")
    with serve() as url:
        timings = first_render_ms(url + "/", args.profile, args.runs)
    median = statistics.median(timings)
    print(
        f"first render ({args.profile}, CPU 4x, {len(timings)} cold loads): median {median:.0f} ms "
        f"(runs: {', '.join(f'{t:.0f}' for t in timings)}; budget {FIRST_RENDER_BUDGET_MS} ms)"
    )
    ok = total <= SIZE_BUDGET_BYTES and median < FIRST_RENDER_BUDGET_MS
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
