"""The Alembic migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coach.db import Base


def test_migrations_match_the_models(client):
    with client.app.state.database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []


def test_migrating_twice_changes_nothing(client):
    client.app.state.database.migrate()
    with client.app.state.database.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0008"  # the newest revision
