"""Logging in and out of the coach pages (Dutch). Rate-limited; every attempt is audited (username only)."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response, status
from fastapi.responses import RedirectResponse

from coach import audit, auth
from coach.deps import DbSession, PageSession, SettingsDep
from coach.routers.templating import PRIVATE_HEADERS, check_csrf, render

router = APIRouter(prefix="/coach", tags=["login"], include_in_schema=False)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_page(request: Request, secure: bool, error: str | None = None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"csrf_token": token, "error": error}, status_code=status_code)
    response.set_cookie(
        auth.LOGIN_CSRF_COOKIE, token, httponly=True, secure=secure, samesite="strict", path="/coach/login"
    )
    return response


@router.get("/login")
def login_form(request: Request, settings: SettingsDep) -> Response:
    return _login_page(request, settings.secure_cookies)


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    if not auth.same_token(request.cookies.get(auth.LOGIN_CSRF_COOKIE), csrf_token):
        return _login_page(request, settings.secure_cookies, "De pagina was verlopen. Probeer opnieuw.", 403)
    # No account name has a NUL character, and PostgreSQL could not even look one up.
    username = username.replace("\x00", "")
    limiter = request.app.state.login_limiter
    ip = _client_ip(request)
    if limiter.blocked(username, ip):
        audit.record(db, username[:64] or None, "login_failed", detail="rate_limited")
        db.commit()
        return _login_page(
            request, settings.secure_cookies, "Te veel mislukte pogingen. Wacht een kwartier en probeer opnieuw.", 429
        )
    user = auth.authenticate(db, username, password)
    if user is None:
        limiter.failed(username, ip)
        audit.record(db, username[:64] or None, "login_failed")
        db.commit()
        return _login_page(request, settings.secure_cookies, "Gebruikersnaam of wachtwoord klopt niet.", 401)
    limiter.succeeded(username, ip)
    token = auth.start_session(db, user, settings.session_hours)
    audit.record(db, user.username, "login")
    db.commit()
    response = RedirectResponse("/coach", status_code=status.HTTP_303_SEE_OTHER, headers=PRIVATE_HEADERS)
    response.set_cookie(
        auth.SESSION_COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/coach/login")
    return response


@router.post("/logout")
def logout(
    request: Request, db: DbSession, session: PageSession, csrf_token: Annotated[str, Form(max_length=128)] = ""
) -> Response:
    check_csrf(session, csrf_token)
    audit.record(db, session.user.username, "logout")
    auth.end_session(db, request.cookies.get(auth.SESSION_COOKIE))
    db.commit()
    response = RedirectResponse("/coach/login", status_code=status.HTTP_303_SEE_OTHER)
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response
