"""`make run`'s runner (`python -m tools.stack run`) keeps serving when a server dies: the crisis reply comes while
the action server is down, the runner restarts it and says so, the conversation goes on, Ctrl-C stops it all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import MODEL, ROOT, free_port
from tests.e2e.chat import Chat, pack
from tests.e2e.processes import command_line, find, tree
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack


@dataclass
class Runner:
    process: subprocess.Popen
    rasa_url: str
    actions_url: str
    lines: list[str] = field(default_factory=list)

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, timeout: float, since: int = 0) -> re.Match:
        """The first console line from line number `since` on that matches `pattern`."""
        return self.wait_for_numbered_line(pattern, timeout, since)[1]

    def wait_for_numbered_line(self, pattern: str, timeout: float, since: int = 0) -> tuple[int, re.Match]:
        """The number and the match of the first console line from line number `since` on that matches `pattern`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for number, line in enumerate(self.lines[since:], start=since):
                if found := re.search(pattern, line):
                    return number, found
            assert self.process.poll() is None, f"the runner stopped: {self.lines[-20:]}"
            time.sleep(0.2)
        raise AssertionError(f"no line like {pattern!r} within {timeout} s: {self.lines[-20:]}")

    def actions_pid(self) -> int:
        return find(self.process.pid, "bot.action_server")


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    ports = {name: free_port() for name in ("rasa", "actions", "coach")}
    command = [sys.executable, "-m", "tools.stack", "run", "--state-dir", str(tmp_path_factory.mktemp("run"))]
    for name, port in ports.items():
        command += [f"--{name}-port", str(port)]
    command += ["--model", str(MODEL)]
    process = subprocess.Popen(  # noqa: S603 (our own runner)
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    runner = Runner(process, f"http://127.0.0.1:{ports['rasa']}", f"http://127.0.0.1:{ports['actions']}")
    threading.Thread(target=runner.read, daemon=True).start()
    try:
        runner.wait_for_line("Onthaal is running", timeout=400)
        yield runner
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                for pid in reversed(tree(process.pid)):
                    os.kill(pid, signal.SIGKILL)


def wait_until_answering(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def test_the_crisis_reply_comes_while_the_action_server_is_killed_and_the_intake_goes_on_after(runner):
    texts = pack("en")
    chat = Chat(runner.rasa_url)
    chat.say('/choose_language{"language":"en"}')
    chat.click(texts["consent_yes"])
    assert chat.bare_texts == [texts["ask_contact_name"]]

    seen = len(runner.lines)
    os.kill(runner.actions_pid(), signal.SIGKILL)
    started = time.monotonic()
    chat.say("I want to kill myself")
    assert chat.texts == [texts["crisis"]] and "112" in texts["crisis"] and "1813" in texts["crisis"]
    assert time.monotonic() - started < 5

    runner.wait_for_line(r"actions stopped \(exit -9\), restarting in \d+ s", timeout=10, since=seen)
    wait_until_answering(f"{runner.actions_url}/health", timeout=60)
    chat.say("Milena")
    assert chat.bare_texts == [texts["ask_contact_method"]]


def test_the_runner_restarts_a_killed_action_server_and_says_so(runner):
    wait_until_answering(f"{runner.actions_url}/health", timeout=60)
    killed = runner.actions_pid()
    seen = len(runner.lines)
    os.kill(killed, signal.SIGKILL)

    stopped, found = runner.wait_for_numbered_line(
        r"actions stopped \(exit -9\), restarting in (\d+) s", timeout=10, since=seen
    )
    assert 1 <= int(found.group(1)) <= 30
    # After this stop: the runner may still be saying so of an earlier restart (the test before kills it too), and
    # the action server answers its health check before the runner has noticed.
    runner.wait_for_line("actions is answering again", timeout=60, since=stopped + 1)
    assert runner.actions_pid() != killed
    assert httpx.get(f"{runner.actions_url}/health", timeout=5).status_code == 200
    assert httpx.get(f"{runner.rasa_url}/", timeout=5).status_code == 200  # Rasa was never stopped


def test_no_secret_is_on_the_command_line_of_the_runner_or_its_servers(runner):
    wait_until_answering(f"{runner.actions_url}/health", timeout=60)
    secrets = {key: value for key, value in ensure_dotenv().items() if len(value) >= 12}
    lines = [command_line(pid) for pid in tree(runner.process.pid)]
    assert sum("bot." in line for line in lines) >= 2
    for key, value in secrets.items():
        assert not any(value in line for line in lines), f"{key} is on a command line"


def test_ctrl_c_stops_every_server(runner):
    servers = [pid for pid in tree(runner.process.pid) if pid != runner.process.pid]
    assert servers
    runner.process.send_signal(signal.SIGINT)
    assert runner.process.wait(timeout=60) == 0
    time.sleep(0.5)
    assert not [pid for pid in servers if Path(f"/proc/{pid}").exists() and command_line(pid)]
