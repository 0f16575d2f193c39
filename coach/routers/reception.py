"""The reception desk: a staff member (role reception or admin) holds the chat together with a client.

`GET /reception` is the same web widget in reception mode: Rasa's `reception` channel adds a Dutch line under
every message and button, the staff member can add remarks for the coach and hand the screen back. The page
carries a token naming the staff member, signed with a key derived from ONTHAAL_WEBHOOK_SECRET; the channel
(bot/channels/reception.py, the same derivation) checks it and its `exp` and records who assisted, so the
intake's `assisted_by` cannot be claimed by anyone without a reception login.

The token lives `TOKEN_SECONDS` (15 minutes); the page fetches a new one from `GET /reception/token` every few
minutes while the staff member's session lives. After logout (or when the session expires) that fails, so a
token copied from the page dies within 15 minutes.
"""

import base64
import hashlib
import hmac
import json
import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from coach.deps import ApiUser, PageSession, SettingsDep
from coach.models import User, UserSession
from coach.routers.templating import render

router = APIRouter(tags=["reception"])

TOKEN_CONTEXT = b"onthaal reception token v1"  # must equal bot/channels/reception.py
TOKEN_SECONDS = 15 * 60  # the widget refreshes it every 5 minutes (web_widget/widget.js)
RECEPTION_ROLES = ("reception", "admin")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint_token(username: str, webhook_secret: str, now: float | None = None, seconds: int = TOKEN_SECONDS) -> str:
    """`<claims>.<signature>`, both base64url; claims `{"sub": username, "exp": unix seconds}`."""
    raw = base64.b64decode(webhook_secret.removeprefix("whsec_"), validate=True)
    key = hmac.new(raw, TOKEN_CONTEXT, hashlib.sha256).digest()
    expires = int((now if now is not None else time.time()) + seconds)
    body = _b64url(json.dumps({"sub": username, "exp": expires}, separators=(",", ":")).encode())
    return f"{body}.{_b64url(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def reception_session(session: PageSession) -> UserSession:
    """A logged-in reception staff member or admin; coaches get 403 (they read intakes, they do not hold them)."""
    if session.user.role not in RECEPTION_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the reception desk is for reception staff")
    return session


ReceptionSession = Annotated[UserSession, Depends(reception_session)]


def reception_user(user: ApiUser) -> User:
    """For the token refresh (a fetch, not a page): 401 without a live session, 403 for other roles."""
    if user.role not in RECEPTION_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the reception desk is for reception staff")
    return user


class ReceptionToken(BaseModel):
    token: str
    expires_at: int  # unix seconds, the token's `exp`


@router.get("/reception", include_in_schema=False)
def reception_page(request: Request, session: ReceptionSession, settings: SettingsDep) -> Response:
    username = session.user.username
    context = {
        "rasa_url": settings.rasa_public_url,
        "staff": username,
        "token": mint_token(username, settings.webhook_secret),
        "token_url": request.url_for("refresh_token").path,
    }
    page = render(request, "reception.html", context, session=session)
    # The widget talks to Rasa, which is another origin; everything else stays 'self'.
    page.headers["Content-Security-Policy"] = (
        f"default-src 'self'; connect-src 'self' {settings.rasa_public_url}; frame-ancestors 'none'; form-action 'self'"
    )
    return page


@router.get("/reception/token", include_in_schema=False)
def refresh_token(user: Annotated[User, Depends(reception_user)], settings: SettingsDep) -> JSONResponse:
    """A fresh staff token for the reception page, while the staff member's session lives."""
    now = time.time()
    answer = ReceptionToken(
        token=mint_token(user.username, settings.webhook_secret, now), expires_at=int(now + TOKEN_SECONDS)
    )
    return JSONResponse(answer.model_dump(), headers={"Cache-Control": "no-store"})
