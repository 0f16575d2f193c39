"""The coach pages' Jinja environment, private headers and the CSRF check shared by the page routers."""

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import HTTPException, Request, Response, status
from fastapi.templating import Jinja2Templates

from coach import auth, labels
from coach.models import UserSession

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

# Personal data: keep it out of caches, search engines, frames and other sites' referrer logs.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


@lru_cache
def _brussels() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Brussels")
    except ZoneInfoNotFoundError:
        return None


def local_time(moment: datetime) -> str:
    """`27-11-2026 11:15` in Ghent's time (UTC if the machine has no time zone data)."""
    zone = _brussels()
    return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M") if zone else moment.strftime("%d-%m-%Y %H:%M UTC")


def local_date(moment: datetime) -> str:
    """`27-11-2026`, the day in Ghent's time."""
    zone = _brussels()
    return (moment.astimezone(zone) if zone else moment).strftime("%d-%m-%Y")


templates.env.filters["local_time"] = local_time
templates.env.filters["local_date"] = local_date
templates.env.globals["labels"] = labels


def render(
    request: Request,
    name: str,
    context: dict[str, object],
    status_code: int = 200,
    session: UserSession | None = None,
) -> Response:
    context = {"session": session, "user": session.user if session else None, **context}
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=PRIVATE_HEADERS)


def check_csrf(session: UserSession, token: str) -> None:
    if not auth.same_token(session.csrf_token, token):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF token missing or wrong: reload the page")
