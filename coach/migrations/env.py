"""Alembic environment: runs on the connection the coach service hands over, or on DATABASE_URL from the CLI."""

import os

from alembic import context

from coach import models  # noqa: F401  (registers the tables)
from coach.db import Base, build_engine

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from coach.settings import REPO_ROOT

    url = os.environ.get("DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'coach.sqlite3'}")
    engine = build_engine(url)
    with engine.connect() as own_connection:
        context.configure(connection=own_connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
