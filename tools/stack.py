"""Starts Onthaal's three servers together: action server, Rasa server and coach service.

Used by `make run` (`python tools/stack.py run`) and by the end-to-end tests (`Stack`). Everything listens on
127.0.0.1. On first use a development webhook secret and Rasa API token are written to a git-ignored `.env`.
Standard library only, so any Python 3.11 can run it.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"
COACH_PYTHON = ROOT / ".venv" / "bin" / "python"
ENV_FILE = ROOT / ".env"


def ensure_dotenv(path: Path = ENV_FILE) -> dict[str, str]:
    """Read `.env`, creating development secrets that are missing."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    generated = {
        "ONTHAAL_WEBHOOK_SECRET": lambda: "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "RASA_AUTH_TOKEN": lambda: secrets.token_urlsafe(24),
        # A Fernet key (url-safe base64 of 32 bytes) for the coach service's encryption at rest.
        "ONTHAAL_DATA_KEYS": lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        # A Fernet key for Rasa's conversations at rest (bot/tracker_store.py).
        "ONTHAAL_TRACKER_KEYS": lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        # Development credentials for the WhatsApp (Twilio) and Telegram channels: they let the webhooks be
        # exercised locally with signed requests; nothing reaches the real providers without real credentials.
        "TWILIO_ACCOUNT_SID": lambda: "AC" + secrets.token_hex(16),
        "TWILIO_AUTH_TOKEN": lambda: secrets.token_hex(16),
        "TWILIO_WHATSAPP_NUMBER": lambda: "whatsapp:+3200000000",
        "TELEGRAM_BOT_TOKEN": lambda: f"{secrets.randbelow(10**9)}:{secrets.token_urlsafe(26)}",
        "TELEGRAM_BOT_NAME": lambda: "onthaal_dev_bot",
        "TELEGRAM_WEBHOOK_SECRET": lambda: secrets.token_urlsafe(24),
    }
    missing = {key: make() for key, make in generated.items() if key not in values}
    if missing:
        with path.open("a") as env_file:
            if not values:
                env_file.write("# Development secrets, generated on first run. Never commit this file.\n")
            for key, value in missing.items():
                env_file.write(f"{key}={value}\n")
        path.chmod(0o600)
        values.update(missing)
    return values


def latest_model() -> Path:
    models = sorted((ROOT / "bot" / "models").glob("*.tar.gz"), key=lambda model: model.stat().st_mtime)
    if not models:
        raise SystemExit("No trained model in bot/models: run `make train` first.")
    return models[-1]


def _wait_for(url: str, process: subprocess.Popen, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped while starting (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{name} did not answer at {url} within {timeout:.0f} s")


@dataclass
class Stack:
    """The three servers on the given ports, with their state (database, outbox, logs) under `state_dir`."""

    state_dir: Path
    rasa_port: int = 5005
    actions_port: int = 5055
    coach_port: int = 8000
    model: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def coach_url(self) -> str:
        return f"http://127.0.0.1:{self.coach_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    def environment(self) -> dict[str, str]:
        env = {**os.environ, **ensure_dotenv()}
        env.update(
            {
                "RASA_TELEMETRY_ENABLED": "false",
                "SANIC_HOST": "127.0.0.1",
                "ONTHAAL_ACTION_URL": f"{self.actions_url}/webhook",
                "ONTHAAL_COACH_URL": self.coach_url,
                "ONTHAAL_OUTBOX_PATH": str(self.state_dir / "outbox.sqlite3"),
                # Rasa's conversations, encrypted with ONTHAAL_TRACKER_KEYS; one file per stack.
                "ONTHAAL_TRACKER_DB": str(self.state_dir / "trackers.sqlite3"),
                "RASA_PUBLIC_URL": self.rasa_url,
                "ONTHAAL_RASA_URL": self.rasa_url,
                "RASA_URL": self.rasa_url,
                "ONTHAAL_ENV": env.get("ONTHAAL_ENV", "development"),
                "PYTHONPATH": str(ROOT),
            }
        )
        env.setdefault("DATABASE_URL", f"sqlite:///{self.state_dir / 'coach.sqlite3'}")
        # Optional channel settings: empty means "not used" (no public URL, the providers' own API addresses).
        for optional in ("TWILIO_WEBHOOK_URL", "TWILIO_API_BASE", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_BASE"):
            env.setdefault(optional, "")
        env.update(self.extra_env)
        return env

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log_dir = self.state_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = (log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 (fixed commands)
            command, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((name, process))
        return process

    def start_coach(self) -> None:
        command = [
            str(COACH_PYTHON),
            "-m",
            "uvicorn",
            "coach.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.coach_port),
        ]
        _wait_for(f"{self.coach_url}/api/v1/health", self._start("coach", command), "coach service", 60)

    def start_actions(self) -> None:
        command = [str(BOT_PYTHON), "-m", "rasa_sdk", "--actions", "bot.actions", "--port", str(self.actions_port)]
        _wait_for(f"{self.actions_url}/health", self._start("actions", command), "action server", 120)

    def start_rasa(self) -> None:
        command = [
            str(BOT_PYTHON),
            "-m",
            "rasa",
            "run",
            "--model",
            str(self.model or latest_model()),
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.rasa_port),
            "--enable-api",
            "--auth-token",
            ensure_dotenv()["RASA_AUTH_TOKEN"],
            "--cors",
            "*",
            "--endpoints",
            "bot/endpoints.yml",
            "--credentials",
            "bot/credentials.yml",
            "--logging-config-file",
            "bot/logging.yml",
        ]
        _wait_for(self.rasa_url + "/", self._start("rasa", command), "Rasa server", 240)

    def restart_rasa(self) -> None:
        """Stop the Rasa server and start it again; the conversations stay in the tracker store."""
        self.stop_process("rasa")
        self.start_rasa()

    def start(self) -> Stack:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_actions()
            self.start_coach()
            self.start_rasa()
        except BaseException:
            self.stop()
            raise
        return self

    def stop_process(self, name: str) -> None:
        for index, (process_name, process) in enumerate(list(self.processes)):
            if process_name == name:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait()
                self.processes.pop(index)

    def stop(self) -> None:
        for name, _ in reversed(list(self.processes)):
            self.stop_process(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "dotenv"])
    args = parser.parse_args()
    if args.command == "dotenv":
        ensure_dotenv()
        return 0

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, and a plain `kill`, stop all three servers (also when started from a script, where SIGINT is ignored).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    stack = Stack(state_dir=ROOT / "var")
    print("Starting the action server, the coach service and the Rasa server (about a minute)...", flush=True)
    stack.start()
    print(
        f"\nOnthaal is running.\n"
        f"  Chat (web widget):  {stack.coach_url}/\n"
        f"  Coach view:         {stack.coach_url}/coach\n"
        f"  Reception desk:     {stack.coach_url}/reception\n"
        f"  Rasa REST channel:  {stack.rasa_url}/webhooks/rest/webhook\n"
        f"  WhatsApp webhook:   {stack.rasa_url}/webhooks/whatsapp/webhook (Twilio-signed requests only)\n"
        f"  Telegram webhook:   {stack.rasa_url}/webhooks/telegram/webhook (secret-token requests only)\n"
        f"  First coach account: make admin NAME=... ROLE=admin\n"
        f"  Logs:               {stack.state_dir / 'logs'}\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        while all(process.poll() is None for _, process in stack.processes):
            time.sleep(1)
        stopped = [name for name, process in stack.processes if process.poll() is not None]
        print(f"Stopped unexpectedly: {', '.join(stopped)} (see the logs).", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
