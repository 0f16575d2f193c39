"""The widget's full page (`GET /`) as it is served: web_widget/index.html with Rasa's URL filled in, the widget's
stylesheet inlined and its built-in English words written in.

Both cost no request of their own then: on HTTP/1.1 a browser opens 6 connections per server, and the first
render already waits for the greeting's answer and the modules of the first render (web_widget/README.md,
"Budgets"); one module less lets the greeting go out at once instead of waiting for a connection. The page's
Content-Security-Policy allows exactly this stylesheet, by its hash; the words are a JSON data block, which is
never run. Pages without them (a site embedding the widget) get the same words from web_widget/english.js.
Pure, so the benchmark (tools/widget_bench.py) and the browser tests serve the same page as the coach service.
"""

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

RASA_URL_PLACEHOLDER = "{{RASA_URL}}"
STYLESHEET_LINK = '<link rel="stylesheet" href="/widget/widget.css">'
STYLESHEET = "widget.css"
ENGLISH_ID = "onthaal-english"  # web_widget/strings.js reads the block with this id


def english_pack(pack: dict[str, Any]) -> dict[str, Any]:
    """The widget's built-in English: the `widget_*` words of languages/en.yml (also web_widget/english.js)."""
    texts = {key: value for key, value in pack["texts"].items() if key.startswith("widget_")}
    return {"code": pack["code"], "name": pack["name"], "direction": pack["direction"], "texts": texts}


def style_source(css: str) -> str:
    """The CSP source that allows one inline <style> element with exactly this text."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_stylesheet(html: str, css: str) -> tuple[str, str]:
    """The page with its link to widget.css replaced by the stylesheet itself, and the CSP source allowing it.
    A page without that link is returned as it is, with no source."""
    if STYLESHEET_LINK not in html:
        return html, ""
    # data-onthaal-style: widget.js adds no second copy of the stylesheet to a page that carries one.
    return html.replace(STYLESHEET_LINK, f"<style data-onthaal-style>{css}</style>", 1), style_source(css)


def inline_english(html: str, pack: dict[str, Any]) -> str:
    """The page with the built-in English words as a JSON data block at the end of its head."""
    # "</" never appears inside the block, so no text of the words can end it early.
    words = json.dumps(english_pack(pack), ensure_ascii=False).replace("</", "<\\/")
    block = f'<script type="application/json" id="{ENGLISH_ID}">{words}</script>\n'
    return html.replace("</head>", f"{block}</head>", 1)


def served_page(html: str, css: str | None, english: dict[str, Any] | None, rasa_url: str) -> tuple[str, str]:
    """index.html's text as served, and the CSP source of its inline stylesheet ("" when none is inlined).
    `english`: languages/en.yml as loaded."""
    html = html.replace(RASA_URL_PLACEHOLDER, rasa_url)
    if english is not None:
        html = inline_english(html, english)
    return inline_stylesheet(html, css) if css is not None else (html, "")


def widget_page(widget_dir: Path, languages_dir: Path, rasa_url: str) -> tuple[str, str]:
    """index.html as served, and the CSP source of its inline stylesheet (none when there is no widget.css)."""
    stylesheet = widget_dir / STYLESHEET
    english = languages_dir / "en.yml"
    return served_page(
        (widget_dir / "index.html").read_text(encoding="utf-8"),
        stylesheet.read_text(encoding="utf-8") if stylesheet.is_file() else None,
        yaml.safe_load(english.read_text(encoding="utf-8")) if english.is_file() else None,
        rasa_url,
    )
