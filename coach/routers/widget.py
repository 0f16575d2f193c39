"""Serves the web widget (web_widget/, owned by the widget) and the language packs it reads.

`GET /` is the widget's index.html with `{{RASA_URL}}` filled in, its stylesheet and English words inlined
(coach/widget_page.py);
`/widget/...` are its static files;
`/widget/languages/<code>.json` is `languages/<code>.yml` as JSON.
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from coach.deps import SettingsDep
from coach.reference import load_yaml
from coach.schemas import LANGUAGE_CODES
from coach.settings import Settings
from coach.widget_page import widget_page as served_page

router = APIRouter(tags=["widget"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def widget_page(settings: SettingsDep) -> HTMLResponse:
    index = settings.widget_dir / "index.html"
    if not index.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "web widget not installed")
    html, inline_style = served_page(settings.widget_dir, settings.languages_dir, settings.rasa_public_url)
    policy = page_policy(settings, inline_style)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache", "Content-Security-Policy": policy})


def page_policy(settings: Settings, inline_style: str = "") -> str:
    """The chat page loads only its own files and talks only to Rasa; its one inline stylesheet is allowed by its
    hash (`inline_style`), nothing else inline. Other sites embed the widget with a script tag (its files carry
    CORS headers), never in a frame."""
    style = f"style-src 'self' {inline_style}; " if inline_style else ""
    return (
        f"default-src 'self'; {style}connect-src 'self' {settings.rasa_public_url}; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


# The widget's files and words are public and embeddable on any site (module scripts are fetched with CORS).
PUBLIC_ASSET_HEADERS = {"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"}


@router.get("/widget/languages/{code}.json", include_in_schema=False)
def language_pack(code: str, settings: SettingsDep) -> JSONResponse:
    # Only the six known codes ever reach the file system, so no path can be smuggled in.
    if code not in LANGUAGE_CODES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "unknown language")
    path = settings.languages_dir / f"{code}.yml"
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "language pack not written yet")
    pack = load_yaml(path)
    return JSONResponse(
        {"code": pack["code"], "name": pack["name"], "direction": pack["direction"], "texts": pack["texts"]},
        headers=PUBLIC_ASSET_HEADERS,
    )


@router.get("/widget/{file_path:path}", include_in_schema=False)
def widget_file(file_path: str, settings: SettingsDep) -> FileResponse:
    root = settings.widget_dir.resolve()
    target = (root / file_path).resolve()
    hidden = any(part.startswith(".") for part in Path(file_path).parts)
    if hidden or not target.is_relative_to(root) or not target.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return FileResponse(target, headers=PUBLIC_ASSET_HEADERS)
