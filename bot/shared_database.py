"""The database that replicas of the bot share (`ONTHAAL_BOT_DATABASE_URL`, unset by default).

When set (a SQLAlchemy URL, `postgresql://user:password@host:port/db`), the action server's outbox and the Rasa
server's WhatsApp/Telegram reply queue live there, each in its own tables, so that several replicas see one
state; unset, each keeps its SQLite file as before. One engine per URL per process, made on first use (no I/O
at import time); the URL holds a password, so it is never logged.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

URL_VARIABLE = "ONTHAAL_BOT_DATABASE_URL"
_engines: dict[str, Engine] = {}
_guard = threading.Lock()


def database_url() -> str | None:
    """The shared database's URL, or None: the embedded SQLite files then."""
    return os.environ.get(URL_VARIABLE, "").strip() or None


def engine(url: str) -> Engine:
    """This process's engine for `url` (psycopg2 for postgresql://), made once."""
    with _guard:
        if url not in _engines:
            from sqlalchemy import create_engine

            _engines[url] = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, future=True)
        return _engines[url]


def dispose_all() -> None:
    """Close every pooled connection (tests that drop their database; a forked worker)."""
    with _guard:
        for made in _engines.values():
            made.dispose()
        _engines.clear()
