"""Coach services for the outbox tests: the real one (uvicorn in .venv, its own process) and a small recording
HTTP server whose answers a test scripts (for the answers the real one gives only in odd cases)."""

from __future__ import annotations

import base64
import os
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.bot.conftest import ROOT

COACH_PYTHON = ROOT / ".venv" / "bin" / "python"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CoachService:
    """The real coach service in its own environment, on a free port, with its database in `state_dir`."""

    def __init__(self, state_dir: Path, secret: str) -> None:
        self.port = free_port()
        self.database = state_dir / "coach.sqlite3"
        self.log = state_dir / "coach.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ONTHAAL_ENV": "production",
            "ONTHAAL_WEBHOOK_SECRET": secret,
            "ONTHAAL_DATA_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "DATABASE_URL": f"sqlite:///{self.database}",
            "ONTHAAL_RETENTION_INTERVAL_SECONDS": "0",
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [str(COACH_PYTHON), "-m", "uvicorn", "coach.main:app", "--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("coach service did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def stored_references(self) -> list[str]:
        with sqlite3.connect(self.database) as connection:
            return [row[0] for row in connection.execute("SELECT reference FROM intakes ORDER BY reference")]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class ScriptedCoach:
    """Answers POSTs with the next status of `script[path]` (then `default`), and records every request."""

    url: str = ""
    default: int = 201
    script: dict[str, list[int]] = field(default_factory=dict)
    received: list[Request] = field(default_factory=list)

    def answer(self, request: Request) -> int:
        self.received.append(request)
        queue = self.script.get(request.path)
        return queue.pop(0) if queue else self.default

    def to(self, path: str) -> list[Request]:
        return [request for request in self.received if request.path == path]


@contextmanager
def scripted_coach() -> Iterator[ScriptedCoach]:
    coach = ScriptedCoach()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["content-length"]))
            headers = {key.lower(): value for key, value in self.headers.items()}
            self.send_response(coach.answer(Request(self.path, headers, body)))
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    coach.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield coach
    finally:
        server.shutdown()
        server.server_close()
