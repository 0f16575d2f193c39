"""Shared dependencies as Annotated aliases; tests override `get_settings` in `app.dependency_overrides`."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from coach.settings import Settings, get_settings


def get_db(request: Request) -> Iterator[Session]:
    """A session on the database the app opened at startup."""
    yield from request.app.state.database.session()


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbSession = Annotated[Session, Depends(get_db)]
