"""The Rasa server's counters, added up in memory and written to the counters' store every few seconds, so that
counting never adds a write to a turn (the conversation store calls `add` after its own transaction).

A background thread (started on the first count; a daemon) writes what was added every
`ONTHAAL_COUNTERS_FLUSH_SECONDS` (default 5) and at exit. A failed write keeps the counts for the next try and
logs the error's type only. A crash loses at most the last few seconds of counts; a turn never waits for them.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Iterable

from bot.counters import counts
from bot.counters.events import Count

logger = logging.getLogger(__name__)
FLUSH_VARIABLE = "ONTHAAL_COUNTERS_FLUSH_SECONDS"
DEFAULT_FLUSH_SECONDS = 5.0


def flush_seconds_from_environment() -> float:
    try:
        seconds = float(os.environ.get(FLUSH_VARIABLE) or DEFAULT_FLUSH_SECONDS)
    except ValueError:
        return DEFAULT_FLUSH_SECONDS
    return seconds if seconds > 0 else DEFAULT_FLUSH_SECONDS


class CounterBuffer:
    """Counts added up by key until written to `store` (see the module)."""

    def __init__(self, store: counts.Store, flush_seconds: float | None = None, background: bool = True) -> None:
        self.store = store
        self.flush_seconds = flush_seconds if flush_seconds is not None else flush_seconds_from_environment()
        self._background = background
        self._pending: dict[tuple, int] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, added: Iterable[Count]) -> None:
        """Add counts (cheap: a dictionary update); written by the background thread."""
        with self._lock:
            for count in added:
                key = (count.day, count.event, count.question, count.language, count.channel)
                self._pending[key] = self._pending.get(key, 0) + count.n
            start = self._background and bool(self._pending) and self._thread is None
            if start:
                self._thread = threading.Thread(target=self._run, name="counters-flush", daemon=True)
        if start:
            atexit.register(self.flush)
            self._thread.start()

    def pending(self) -> list[Count]:
        with self._lock:
            return [Count(*key, n=n) for key, n in sorted(self._pending.items(), key=str)]

    def flush(self) -> bool:
        """Write what was added; False (and the counts kept) when the store could not take them."""
        with self._write_lock:
            with self._lock:
                taken, self._pending = self._pending, {}
            if not taken:
                return True
            try:
                counts.add([Count(*key, n=n) for key, n in taken.items()], self.store)
            except Exception as error:  # noqa: BLE001 - counting must never break the server
                logger.warning("counters not written yet (%s); kept for the next try", type(error).__name__)
                with self._lock:
                    for key, n in taken.items():
                        self._pending[key] = self._pending.get(key, 0) + n
                return False
            return True

    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_seconds)
            self._wake.clear()
            self.flush()
