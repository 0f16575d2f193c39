"""The runner behind `make run` restarts a server that stops, with backoff, and says so (tools/supervise.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.supervise import Backoff, Supervisor  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class SleepingServers:
    """Real processes that sleep, in place of the three servers (the `Stack` interface the supervisor uses)."""

    def __init__(self) -> None:
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.launched: list[str] = []

    def launch(self, name: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        self.processes.append((name, process))
        self.launched.append(name)
        return process

    def forget(self, name: str) -> None:
        self.processes = [(n, p) for n, p in self.processes if n != name or p.poll() is None]

    def health_url(self, name: str) -> str:
        return "http://127.0.0.1:9/"  # nothing answers there

    def pid(self, name: str) -> int:
        return next(process.pid for n, process in self.processes if n == name)

    def stop(self) -> None:
        for _, process in self.processes:
            process.kill()
            process.wait()


@pytest.fixture
def servers():
    servers = SleepingServers()
    for name in ("actions", "coach", "rasa"):
        servers.launch(name)
    yield servers
    servers.stop()


def kill(servers: SleepingServers, name: str) -> None:
    os.kill(servers.pid(name), signal.SIGKILL)
    next(p for n, p in servers.processes if n == name).wait()


def test_the_pause_doubles_from_one_to_thirty_seconds_and_starts_over_after_a_long_run():
    backoff = Backoff()
    assert [backoff.delay(ran_for=2.0) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay(ran_for=61.0) == 1
    assert backoff.delay(ran_for=0.5) == 2


def test_a_killed_server_is_restarted_after_the_pause_and_the_others_keep_running(servers):
    clock, said = Clock(), []
    supervisor = Supervisor(servers, say=said.append, clock=clock)
    supervisor.watch(["actions", "coach", "rasa"])
    others = {servers.pid("coach"), servers.pid("rasa")}
    clock.now += 5

    kill(servers, "actions")
    supervisor.check()
    assert said == ["actions stopped (exit -9), restarting in 1 s"]
    assert servers.launched == ["actions", "coach", "rasa"]  # not yet: the pause first

    clock.now += 1
    supervisor.check()
    assert servers.launched[-1] == "actions" and len(servers.launched) == 4
    assert {servers.pid("coach"), servers.pid("rasa")} == others
    assert all(process.poll() is None for _, process in servers.processes)

    clock.now += 2  # it stops again soon after: the pause doubles
    kill(servers, "actions")
    supervisor.check()
    assert said[-1] == "actions stopped (exit -9), restarting in 2 s"

    clock.now += 2
    supervisor.check()
    clock.now += 90  # a long run: the next stop is the first again
    kill(servers, "actions")
    supervisor.check()
    assert said[-1] == "actions stopped (exit -9), restarting in 1 s"


def test_each_server_has_its_own_pause(servers):
    clock, said = Clock(), []
    supervisor = Supervisor(servers, say=said.append, clock=clock)
    supervisor.watch(["actions", "coach", "rasa"])
    kill(servers, "actions")
    supervisor.check()
    clock.now += 1
    supervisor.check()
    kill(servers, "rasa")
    supervisor.check()
    assert said[-1] == "rasa stopped (exit -9), restarting in 1 s"
