"""Several workers or replicas of the coach service migrate one new database at the same moment (coach/db.py)."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import inspect, text

from coach.db import build_engine
from coach.settings import REPO_ROOT

WORKERS = 4
# Each process gets ready (imports, connects), then waits for the go file, so that all migrate at once.
MIGRATE_AT_THE_SIGNAL = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from coach.db import build_engine, migrate
    import alembic.command

    engine = build_engine(sys.argv[1])
    with engine.connect():
        pass
    print("ready", flush=True)
    while not Path(sys.argv[2]).exists():
        time.sleep(0.005)
    migrate(engine)
    print("migrated", flush=True)
    """
)


def test_workers_starting_together_all_migrate_without_an_error(database_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE_AT_THE_SIGNAL, database_url, str(go)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        go.touch()
        deadline = time.monotonic() + 120
        outcomes = [worker.communicate(timeout=max(1, deadline - time.monotonic())) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    for worker, (stdout, stderr) in zip(workers, outcomes, strict=True):
        assert worker.returncode == 0 and stdout.strip() == "migrated", stderr[-2000:]
    engine = build_engine(database_url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert len(versions) == 1
        assert "intakes" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
