"""Fixtures shared by the end-to-end and browser tests: the real stack on free local ports."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.stack import Stack  # noqa: E402

T = TypeVar("T")
MODEL = ROOT / "bot" / "models" / "onthaal.tar.gz"


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: Playwright's sync API (same test session) keeps an event loop running
    in the main thread, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def embedding_site_port() -> int:
    """The port of a test page that embeds the widget from another origin; Rasa allows that origin (CORS)."""
    return free_port()


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory, embedding_site_port: int) -> Iterator[Stack]:
    """Action server, coach service and Rasa server (trained model), each a real process on 127.0.0.1."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    coach_port = free_port()
    origins = f"http://127.0.0.1:{coach_port},http://127.0.0.1:{embedding_site_port}"
    stack = Stack(
        state_dir=tmp_path_factory.mktemp("stack"),
        rasa_port=free_port(),
        actions_port=free_port(),
        coach_port=coach_port,
        model=MODEL,
        extra_env={"ONTHAAL_WIDGET_ORIGINS": origins},
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
