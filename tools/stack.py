"""Starts Onthaal's three servers together: action server, Rasa server and coach service.

Used by `make run` (`python -m tools.stack run`, which restarts a server that stops: `tools/supervise.py`) and by
the end-to-end tests (`Stack`, unsupervised). Everything listens on 127.0.0.1. On first use development secrets are
written to a git-ignored `.env`; the servers get them through their environment, never on their command line
(`bot/server.py`, `bot/action_server.py`). Standard library only, so any Python 3.11 can run it.
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
        # Signs the JWTs of Rasa's HTTP API (bot/server.py); there is no plain Rasa token any more.
        "RASA_JWT_SECRET": lambda: secrets.token_urlsafe(32),
        # Shared by Rasa and the action server: the action server answers only requests carrying it.
        "ONTHAAL_ACTION_SECRET": lambda: secrets.token_urlsafe(32),
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


# Each server: where it answers when it is up, and how long it may take to get there.
HEALTH_PATHS = {"actions": "/health", "coach": "/api/v1/health", "rasa": "/"}
START_TIMEOUTS = {"actions": 120, "coach": 60, "rasa": 240}
LABELS = {"actions": "action server", "coach": "coach service", "rasa": "Rasa server"}
SERVICES = ("actions", "coach", "rasa")  # the order they start in


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
        dotenv = ensure_dotenv()
        env = {**os.environ, **dotenv}
        env.update(
            {
                "RASA_TELEMETRY_ENABLED": "false",
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
        # The widget is served by the coach service; only its pages may call Rasa from a browser.
        env.setdefault("ONTHAAL_WIDGET_ORIGINS", f"{self.coach_url},http://localhost:{self.coach_port}")
        # Optional channel settings: empty means "not used" (no public URL, the providers' own API addresses).
        for optional in ("TWILIO_WEBHOOK_URL", "TWILIO_API_BASE", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_BASE"):
            env.setdefault(optional, "")
        env.update(self.extra_env)
        return env

    def command(self, name: str) -> list[str]:
        """The command line of a server: no secrets (they are in the environment)."""
        if name == "actions":
            return [str(BOT_PYTHON), "-m", "bot.action_server", "--port", str(self.actions_port)]
        if name == "coach":
            return [str(COACH_PYTHON), "-m", "uvicorn", "coach.main:app", "--host", "127.0.0.1"] + [
                "--port",
                str(self.coach_port),
            ]
        if name == "rasa":
            model = str(self.model or latest_model())
            return [str(BOT_PYTHON), "-m", "bot.server", "--model", model, "--port", str(self.rasa_port)]
        raise ValueError(f"no server called {name!r}")

    def health_url(self, name: str) -> str:
        base = {"actions": self.actions_url, "coach": self.coach_url, "rasa": self.rasa_url}[name]
        return base + HEALTH_PATHS[name]

    def launch(self, name: str) -> subprocess.Popen:
        """Start one server without waiting for it; its output goes to `state_dir/logs/<name>.log`."""
        log_dir = self.state_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        with (log_dir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603 (fixed commands)
                self.command(name),
                cwd=ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((name, process))
        return process

    def start_service(self, name: str) -> None:
        """Start one server and wait until it answers."""
        _wait_for(self.health_url(name), self.launch(name), LABELS[name], START_TIMEOUTS[name])

    def start_coach(self) -> None:
        self.start_service("coach")

    def start_actions(self) -> None:
        self.start_service("actions")

    def start_rasa(self) -> None:
        self.start_service("rasa")

    def restart_rasa(self) -> None:
        """Stop the Rasa server and start it again; the conversations stay in the tracker store."""
        self.stop_process("rasa")
        self.start_rasa()

    def forget(self, name: str) -> None:
        """Drop the server's processes that have exited from the list."""
        self.processes = [(n, p) for n, p in self.processes if n != name or p.poll() is None]

    def rasa_api_headers(self) -> dict[str, str]:
        """The header that authenticates a request to Rasa's HTTP API (a short-lived JWT)."""
        from coach.rasa import auth_headers

        return auth_headers(ensure_dotenv()["RASA_JWT_SECRET"])

    def start(self) -> Stack:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in SERVICES:
                self.start_service(name)
        except BaseException:
            self.stop()
            raise
        return self

    def stop_process(self, name: str) -> None:
        for process_name, process in self.processes:
            if process_name == name and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.processes = [(n, p) for n, p in self.processes if n != name]

    def stop(self) -> None:
        for name, _ in reversed(list(self.processes)):
            self.stop_process(name)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run", "dotenv"])
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var", help="databases, outbox and logs")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--coach-port", type=int, default=8000)
    parser.add_argument("--model", type=Path, default=None, help="default: the newest model in bot/models")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.command == "dotenv":
        ensure_dotenv()
        return 0
    if str(ROOT) not in sys.path:  # run as a script: make `tools` importable
        sys.path.insert(0, str(ROOT))
    from tools.supervise import Supervisor

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, and a plain `kill`, stop all three servers (also when started from a script, where SIGINT is ignored).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    stack = Stack(
        state_dir=args.state_dir,
        rasa_port=args.rasa_port,
        actions_port=args.actions_port,
        coach_port=args.coach_port,
        model=args.model,
    )
    print("Starting the action server, the coach service and the Rasa server (about a minute)...", flush=True)
    try:
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
            f"A server that stops is restarted. Press Ctrl-C to stop.",
            flush=True,
        )
        supervisor = Supervisor(stack, say=lambda line: print(line, flush=True))
        supervisor.watch(list(SERVICES))
        supervisor.run_forever()
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
