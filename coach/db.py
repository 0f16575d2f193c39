"""Database engine and sessions (SQLAlchemy 2). Nothing connects until `create_database()` is called."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
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
    # Deleted rows are overwritten with zeros, so an erased intake cannot be read back from the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def vacuum(engine: Engine) -> None:
    """Rebuild a SQLite file without its free pages (after a purge); nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")


ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


LEGACY_TABLE = "legacy_intakes_v1"


def _set_aside_unversioned_v1_table(engine: Engine) -> None:
    """A database made before migrations (plain-text `intakes` of schema v1, no `alembic_version`) keeps its
    rows: the table is renamed, and `coach.legacy.import_legacy` encrypts them into the new layout at startup."""
    tables = set(inspect(engine).get_table_names())
    if "intakes" not in tables or "alembic_version" in tables:
        return
    with engine.begin() as connection:
        for index in inspect(engine).get_indexes("intakes"):
            connection.execute(text(f'DROP INDEX IF EXISTS "{index["name"]}"'))
        connection.execute(text(f'ALTER TABLE intakes RENAME TO "{LEGACY_TABLE}"'))


# The PostgreSQL advisory lock that the coach service's migrations take (any fixed number; "ONTH").
MIGRATION_LOCK_KEY = 0x4F4E5448


@contextmanager
def one_migration_at_a_time(engine: Engine) -> Iterator[None]:
    """Several uvicorn workers or replicas start at once on one database, and each migrates it at start-up: the
    first does, the others wait for it and then find nothing to do (without this, all but one fail with "table
    already exists"). PostgreSQL: a session advisory lock; a SQLite file: an exclusive lock on a file beside it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrating", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision` on `engine`, one process at a time."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with one_migration_at_a_time(engine):
        _set_aside_unversioned_v1_table(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)


class Database:
    """An engine and its session factory, created on startup and kept on `app.state.database`."""

    def __init__(self, database_url: str) -> None:
        self.engine = build_engine(database_url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the tables to the newest Alembic revision (coach/migrations/)."""
        migrate(self.engine)

    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
