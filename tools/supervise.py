"""Keeps the stack's servers running under `make run`: a server that stops is started again, the others go on.

A server that exits is restarted after a pause that starts at 1 s and doubles with each exit in a row, up to 30 s;
once a server has run for a minute, its next exit counts as the first again. Each stop and restart is said on the
console ("actions stopped (exit -9), restarting in 1 s"). So one crash never takes the whole service down: the
crisis reply, for one, comes from Rasa alone and keeps working while the action server is away.
Standard library only, like `tools/stack.py`.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from subprocess import Popen
from typing import Protocol


class Supervised(Protocol):
    processes: list[tuple[str, Popen]]

    def launch(self, name: str) -> Popen: ...

    def forget(self, name: str) -> None: ...

    def health_url(self, name: str) -> str: ...


@dataclass
class Backoff:
    """The pause before a restart: `first`, doubling per exit in a row up to `longest`; a run of at least
    `stable_after` seconds starts the count again."""

    first: float = 1.0
    longest: float = 30.0
    stable_after: float = 60.0
    _next: float = field(default=0.0, init=False)

    def delay(self, ran_for: float) -> float:
        if ran_for >= self.stable_after or not self._next:
            self._next = self.first
        delay = self._next
        self._next = min(self._next * 2, self.longest)
        return delay


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:  # noqa: S310 (local URL)
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class Supervisor:
    """Watches the processes of `stack` (one round per `check()`) and restarts those that exited."""

    stack: Supervised
    say: Callable[[str], None] = print
    clock: Callable[[], float] = time.monotonic
    make_backoff: Callable[[], Backoff] = Backoff
    backoffs: dict[str, Backoff] = field(default_factory=dict)
    started_at: dict[str, float] = field(default_factory=dict)
    due: dict[str, float] = field(default_factory=dict)
    coming_back: set[str] = field(default_factory=set)

    def watch(self, names: list[str]) -> None:
        """Start counting the run time of servers that are already running."""
        for name in names:
            self.started_at[name] = self.clock()

    def check(self) -> None:
        now = self.clock()
        for name, process in list(self.stack.processes):
            if process.poll() is None:
                continue
            self.stack.forget(name)
            self.coming_back.discard(name)
            backoff = self.backoffs.setdefault(name, self.make_backoff())
            delay = backoff.delay(now - self.started_at.get(name, now))
            self.due[name] = now + delay
            self.say(f"{name} stopped (exit {process.returncode}), restarting in {delay:g} s")
        for name, due in list(self.due.items()):
            if now >= due:
                del self.due[name]
                self._restart(name, now)
        for name in list(self.coming_back):
            if _answers(self.stack.health_url(name)):
                self.coming_back.discard(name)
                self.say(f"{name} is answering again")

    def _restart(self, name: str, now: float) -> None:
        self.started_at[name] = now
        try:
            self.stack.launch(name)
        except OSError as error:  # e.g. the interpreter is gone; try again later
            delay = self.backoffs[name].delay(0.0)
            self.due[name] = now + delay
            self.say(f"{name} could not start ({type(error).__name__}), restarting in {delay:g} s")
            return
        self.coming_back.add(name)

    def run_forever(self, interval: float = 0.5) -> None:
        """Check until interrupted (KeyboardInterrupt)."""
        while True:
            self.check()
            time.sleep(interval)
