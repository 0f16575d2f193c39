"""Shared dependencies as Annotated aliases; tests override `get_settings` in `app.dependency_overrides`."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from coach import auth
from coach.crypto import DataCipher
from coach.models import User, UserSession
from coach.settings import Settings, get_settings
from coach.translation import Translator


def get_db(request: Request) -> Iterator[Session]:
    """A session on the database the app opened at startup."""
    yield from request.app.state.database.session()


def get_cipher(request: Request) -> DataCipher:
    return request.app.state.cipher


def get_translator(request: Request) -> Translator:
    return request.app.state.translator


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbSession = Annotated[Session, Depends(get_db)]
CipherDep = Annotated[DataCipher, Depends(get_cipher)]
TranslatorDep = Annotated[Translator, Depends(get_translator)]


class LoginRequired(Exception):
    """Raised by page dependencies; the app answers with a redirect to the login page."""


def _session(request: Request, db: Session) -> UserSession | None:
    found = auth.session_for(db, request.cookies.get(auth.SESSION_COOKIE))
    request.state.user_session = found
    return found


def page_session(request: Request, db: DbSession) -> UserSession:
    """The logged-in session for a coach page, else a redirect to /coach/login."""
    found = _session(request, db)
    if found is None:
        raise LoginRequired
    return found


def api_user(request: Request, db: DbSession) -> User:
    """The logged-in user for an API call, else 401."""
    found = _session(request, db)
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "login required", headers={"WWW-Authenticate": "Cookie"})
    return found.user


PageSession = Annotated[UserSession, Depends(page_session)]
ApiUser = Annotated[User, Depends(api_user)]


# Roles that may open an intake at all; an analyst sees only the counts of /coach/bereik.
INTAKE_ROLES = ("coach", "reception", "admin")


def intake_page_session(session: PageSession) -> UserSession:
    """A logged-in user whose role may open intakes (not an analyst), else 403."""
    if session.user.role not in INTAKE_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this role opens no intake")
    return session


def intake_api_user(user: ApiUser) -> User:
    """For the intake API: 401 without a session, 403 for a role that opens no intake."""
    if user.role not in INTAKE_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this role opens no intake")
    return user


IntakePageSession = Annotated[UserSession, Depends(intake_page_session)]
IntakeApiUser = Annotated[User, Depends(intake_api_user)]


def can_open(user: User, assisted_by: str | None) -> bool:
    """Coaches and admins open every intake; reception staff only the ones they helped with at the desk;
    analysts none."""
    if user.role in ("coach", "admin"):
        return True
    return user.role == "reception" and assisted_by == user.username
