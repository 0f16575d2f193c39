"""Several workers of the coach service on one database (SQLite, and PostgreSQL when ONTHAAL_TEST_POSTGRES_URL is
set): failed logins and wrong status codes counted by one worker block on the other, the database keeps no username,
address or reference of them in clear, and the retention job runs in one worker at a time."""

import threading

from sqlalchemy import select

from coach import retention
from coach.attempts import only_one_at_a_time
from coach.models import FailedAttempt
from tests.coach.conftest import add_user, log_in, make_client


def test_failed_logins_on_one_worker_block_the_login_on_another(settings):
    with make_client(settings) as first, make_client(settings) as second:
        add_user(first, "an.peeters")
        for attempt in range(5):
            worker = first if attempt % 2 else second
            assert log_in(worker, "an.peeters", "wrong password!!").status_code == 401
        assert log_in(first, "an.peeters").status_code == 429
        assert log_in(second, "an.peeters").status_code == 429
        with first.app.state.database.sessions() as db:
            rows = db.scalars(select(FailedAttempt)).all()
        assert len(rows) == 10  # five per (user, address), five per address
        stored = " ".join(f"{row.kind} {row.key_hash}" for row in rows)
        assert "an.peeters" not in stored and "testclient" not in stored and "127.0.0.1" not in stored


def test_wrong_status_codes_on_one_worker_count_on_another(settings):
    with make_client(settings) as first, make_client(settings) as second:
        limiters = [first.app.state.status_limiter, second.app.state.status_limiter]
        for attempt in range(5):
            limiters[attempt % 2].wrong("ONT-33333B")
        assert limiters[0].retry_after("ONT-33333B") > 0 and limiters[1].retry_after("ONT-33333B") > 0
        assert limiters[1].retry_after("ONT-44444C") == 0
        limiters[0].matched("ONT-33333B")
        assert limiters[1].retry_after("ONT-33333B") == 0


def test_the_retention_job_runs_in_one_worker_at_a_time(settings):
    with make_client(settings) as first, make_client(settings) as second:
        engine = first.app.state.database.engine
        if engine.dialect.name != "postgresql":  # one host: the job's writes wait for each other; no lock
            with only_one_at_a_time(engine, "retention") as mine, only_one_at_a_time(engine, "retention") as too:
                assert mine and too
            return
        held, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            with only_one_at_a_time(engine, "retention") as mine:
                assert mine
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert held.wait(10)
        try:
            state = second.app.state
            assert retention.run_retention_once(state.database, state.cipher, settings) is False  # skipped
        finally:
            release.set()
            holder.join(10)
        state = second.app.state
        assert retention.run_retention_once(state.database, state.cipher, settings) is True
