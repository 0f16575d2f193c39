"""Database engine and sessions (SQLAlchemy 2). Nothing connects until `create_database()` is called."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


def _normalise_url(database_url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named (psycopg 3 is installed).
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url.removeprefix(prefix)
    return database_url


def build_engine(database_url: str) -> Engine:
    """An engine for DATABASE_URL; for a SQLite file its folder is created first."""
    url = make_url(_normalise_url(database_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """An engine and its session factory, created on startup and kept on `app.state.database`."""

    def __init__(self, database_url: str) -> None:
        self.engine = build_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_tables(self) -> None:
        # No migrations yet: schema v1 is the first table layout. Switch to Alembic at the first change.
        from coach import models  # noqa: F401  (registers the tables on Base.metadata)

        Base.metadata.create_all(self.engine)

    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
