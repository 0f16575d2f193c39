"""Throw-away shared stores for the replica tests: a fresh PostgreSQL database per test
(ONTHAAL_TEST_POSTGRES_URL, as `make bot-tests` sets it) and the Redis of ONTHAAL_TEST_REDIS_URL, each skipped when
its variable is unset."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_URL = os.environ.get("ONTHAAL_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("ONTHAAL_TEST_REDIS_URL", "")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="ONTHAAL_TEST_POSTGRES_URL is not set")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="ONTHAAL_TEST_REDIS_URL is not set")


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped afterwards."""
    import psycopg2

    from bot import shared_database

    name = f"bot_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        shared_database.dispose_all()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
