"""The widget's full page (`GET /`) as it is served: web_widget/index.html with Rasa's URL filled in and the
widget's stylesheet inlined.

Inlined, the stylesheet costs no request of its own: on HTTP/1.1 a browser opens 6 connections per server, and
the first render already waits for the greeting's answer and the modules of the first render (see
web_widget/README.md, "Budgets"). The page's Content-Security-Policy allows exactly this stylesheet, by its hash.
Pure, so the benchmark (tools/widget_bench.py) and the browser tests serve the same page as the coach service.
"""

import base64
import hashlib
from pathlib import Path

RASA_URL_PLACEHOLDER = "{{RASA_URL}}"
STYLESHEET_LINK = '<link rel="stylesheet" href="/widget/widget.css">'
STYLESHEET = "widget.css"


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


def widget_page(widget_dir: Path, rasa_url: str) -> tuple[str, str]:
    """index.html as served, and the CSP source of its inline stylesheet (none when there is no widget.css)."""
    html = (widget_dir / "index.html").read_text(encoding="utf-8").replace(RASA_URL_PLACEHOLDER, rasa_url)
    stylesheet = widget_dir / STYLESHEET
    if not stylesheet.is_file():
        return html, ""
    return inline_stylesheet(html, stylesheet.read_text(encoding="utf-8"))
