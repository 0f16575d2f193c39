"""`make cluster`: Onthaal as a city would run it with several replicas, all on this machine.

PostgreSQL (`tools/postgres.sh`: one database for the bot's stores, one for the coach service) and Redis
(`tools/redis.sh`), both throw-away; two Rasa servers, two action servers and the coach service with two uvicorn
workers, each server a `tools.stack.Stack` process with its own log directory; and nginx (Debian's) in front, as a
child process on 127.0.0.1 with its configuration in the state directory:
- the public address: `/webhooks/` round-robin over the Rasa servers (each answer says which one in the header
  `X-Onthaal-Upstream`), everything else to the coach service (the widget, the coach pages);
- an address for Rasa's HTTP API (the action server's and the coach service's erasures), one for the action
  servers (Rasa's `action_endpoint`) and one for the coach service's webhook.
A request whose Rasa server dies before answering is sent once more, to the other one (`proxy_next_upstream ...
non_idempotent`), so the widget sees an answer instead of a 502.
Every server gets ONTHAAL_BOT_DATABASE_URL, ONTHAAL_REDIS_URL, DATABASE_URL, ONTHAAL_TRUSTED_PROXY and the secrets
of `.env`. nginx keeps no access log (addresses are personal data). Standard library only, like tools/stack.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tools` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.stack import ROOT, Stack, _wait_for  # noqa: E402

NGINX = Path("/usr/sbin/nginx")
RASA_HEADER = "X-Onthaal-Upstream"  # which Rasa server answered (nginx's $upstream_addr)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Replica(Stack):
    """A Stack whose coach service runs several uvicorn workers and believes nginx's X-Forwarded-For."""

    coach_workers: int = 1

    def command(self, name: str) -> list[str]:
        command = super().command(name)
        if name == "coach":
            command += ["--workers", str(self.coach_workers), "--forwarded-allow-ips", "127.0.0.1"]
        return command


def _throwaway(script: str, directory: Path) -> str:
    """Start tools/postgres.sh or tools/redis.sh with its state in `directory`; its URL."""
    variable = "ONTHAAL_PG_DIR" if "postgres" in script else "ONTHAAL_REDIS_DIR"
    result = subprocess.run(  # noqa: S603 (fixed command)
        [str(ROOT / "tools" / script), "start"],
        env={**os.environ, variable: str(directory)},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def _stop_throwaway(script: str, directory: Path) -> None:
    variable = "ONTHAAL_PG_DIR" if "postgres" in script else "ONTHAAL_REDIS_DIR"
    env = {**os.environ, variable: str(directory)}
    subprocess.run([str(ROOT / "tools" / script), "stop"], env=env, capture_output=True, check=False)  # noqa: S603


def create_databases(url: str, names: tuple[str, ...]) -> dict[str, str]:
    """Create each database in the server of `url` (psql, as the URL's user); name -> its URL."""
    parts = urllib.parse.urlsplit(url)
    psql = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
    for name in names:
        subprocess.run(  # noqa: S603 (fixed command, the password in the environment)
            [str(psql), "-h", parts.hostname, "-p", str(parts.port), "-U", parts.username, "-d", "postgres", "-q"]
            + ["-c", f"CREATE DATABASE {name}"],
            env={**os.environ, "PGPASSWORD": urllib.parse.unquote(parts.password or "")},
            capture_output=True,
            check=True,
        )
    return {name: parts._replace(path=f"/{name}").geturl() for name in names}


@dataclass
class Cluster:
    """The replicas, their databases and nginx; `port` is the one public address (127.0.0.1)."""

    state_dir: Path
    port: int = 8080
    rasa_replicas: int = 2
    action_replicas: int = 2
    coach_workers: int = 2
    model: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    replicas: list[Replica] = field(default_factory=list)
    coach: Replica | None = None
    nginx: subprocess.Popen | None = None
    services_dir: Path | None = None
    database_urls: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def internal_url(self, name: str) -> str:
        """nginx's address for `rasa_api`, `actions` or `coach_webhook`."""
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def rasa_replica_urls(self) -> list[str]:
        return [replica.rasa_url for replica in self.replicas[: self.rasa_replicas]]

    def environment(self) -> dict[str, str]:
        """What every server gets on top of Stack's environment."""
        return {
            "ONTHAAL_BOT_DATABASE_URL": self.database_urls["onthaal_bot"],
            "ONTHAAL_REDIS_URL": self.database_urls["redis"],
            "DATABASE_URL": self.database_urls["onthaal_coach"],
            "ONTHAAL_TRUSTED_PROXY": "127.0.0.1",
            "ONTHAAL_ACTION_URL": f"{self.internal_url('actions')}/webhook",
            "ONTHAAL_COACH_URL": self.internal_url("coach_webhook"),
            "ONTHAAL_RASA_URL": self.internal_url("rasa_api"),
            "RASA_URL": self.internal_url("rasa_api"),
            "RASA_PUBLIC_URL": self.url,
            "ONTHAAL_WIDGET_ORIGINS": f"{self.url},http://localhost:{self.port}",
            # A bot store that does not read ONTHAAL_BOT_DATABASE_URL falls back to a SQLite file: one for all.
            "ONTHAAL_TRACKER_DB": str(self.state_dir / "trackers.sqlite3"),
            "ONTHAAL_OUTBOX_PATH": str(self.state_dir / "outbox.sqlite3"),
            "ONTHAAL_REPLY_QUEUE_PATH": str(self.state_dir / "replies.sqlite3"),
            **self.extra_env,
        }

    def start(self) -> Cluster:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_databases()
            self._plan()
            self._start_nginx()
            self._start_servers()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_databases(self) -> None:
        # PostgreSQL runs as the `postgres` user when we are root: its directory must not sit in a private one.
        self.services_dir = Path(tempfile.mkdtemp(prefix="onthaal-cluster-"))
        self.services_dir.chmod(0o711)
        postgres = _throwaway("postgres.sh", self.services_dir / "postgres")
        self.database_urls = create_databases(postgres, ("onthaal_bot", "onthaal_coach"))
        self.database_urls["redis"] = _throwaway("redis.sh", self.services_dir / "redis")

    def _plan(self) -> None:
        for name in ("rasa_api", "actions", "coach_webhook", "coach"):
            self.ports[name] = free_port()
        count = max(self.rasa_replicas, self.action_replicas)
        self.replicas = [self._replica(f"replica-{number}") for number in range(1, count + 1)]
        self.coach = self._replica("coach", coach_port=self.ports["coach"])
        self.coach.coach_workers = self.coach_workers

    def _replica(self, name: str, coach_port: int | None = None) -> Replica:
        env = self.environment()
        return Replica(
            state_dir=self.state_dir / name,
            rasa_port=free_port(),
            actions_port=free_port(),
            coach_port=coach_port or self.ports["coach"],
            model=self.model,
            extra_env=env,
        )

    def _start_servers(self) -> None:
        assert self.coach is not None
        self.coach.start_coach()  # its workers take turns migrating the new database (coach/db.py)
        actions = [replica.launch("actions") for replica in self.replicas[: self.action_replicas]]
        for replica, process in zip(self.replicas, actions, strict=False):
            _wait_for(replica.health_url("actions"), process, "action server", 120)
        # The Rasa servers load their models side by side; each takes about a minute on this machine.
        servers = [replica.launch("rasa") for replica in self.replicas[: self.rasa_replicas]]
        for replica, process in zip(self.replicas, servers, strict=False):
            _wait_for(replica.health_url("rasa"), process, "Rasa server", 300)

    def _start_nginx(self) -> None:
        directory = self.state_dir / "nginx"
        directory.mkdir(parents=True, exist_ok=True)
        # nginx's workers run as `nobody` when we are root: their temp files go where `nobody` can reach.
        assert self.services_dir is not None
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.services_dir / "nginx" / temp).mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.services_dir / "nginx" / temp, "nobody")
        (self.state_dir / "logs").mkdir(parents=True, exist_ok=True)
        config = directory / "nginx.conf"
        config.write_text(self.nginx_config(directory))
        log_path = self.state_dir / "logs" / "nginx.log"
        with log_path.open("ab") as log:
            self.nginx = subprocess.Popen(  # noqa: S603 (fixed command)
                [str(NGINX), "-p", str(directory), "-c", str(config), "-e", str(log_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 10
        while not _listening(self.port):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: see {self.state_dir / 'logs' / 'nginx.log'}")
            time.sleep(0.1)

    def nginx_config(self, directory: Path) -> str:
        def upstream(name: str, ports: list[int]) -> str:
            servers = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in ports)
            return f"  upstream {name} {{\n{servers}    keepalive 32;\n  }}\n"

        rasa = [replica.rasa_port for replica in self.replicas[: self.rasa_replicas]]
        actions = [replica.actions_port for replica in self.replicas[: self.action_replicas]]
        proxy = (
            "      proxy_http_version 1.1;\n"
            '      proxy_set_header Connection "";\n'
            "      proxy_set_header Host $http_host;\n"
            "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
            "      proxy_set_header X-Forwarded-Proto $scheme;\n"
            "      proxy_read_timeout 120s;\n"
        )
        retry = "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;\n"
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        temp = (self.services_dir or directory) / "nginx"
        return (
            f"# Written by tools/cluster.py; regenerated on every start.\n{user}"
            f"daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
            # Its error lines name the request's path, which holds a conversation id for Rasa's API: only crit.
            f"error_log {self.state_dir / 'logs' / 'nginx.log'} crit;\n"
            "events { worker_connections 2048; }\n"
            "http {\n  access_log off;\n  server_tokens off;\n"
            f"  client_body_temp_path {temp / 'body'};\n  proxy_temp_path {temp / 'proxy'};\n"
            f"  fastcgi_temp_path {temp / 'fastcgi'};\n  uwsgi_temp_path {temp / 'uwsgi'};\n"
            f"  scgi_temp_path {temp / 'scgi'};\n"
            # Rasa sends its ~200 KB domain with every action call: keep bodies in memory, not in temp files.
            "  client_body_buffer_size 1m;\n"
            + upstream("rasa", rasa)
            + upstream("rasa_api", rasa)  # its own turn-taking: API calls do not shift the chat's
            + upstream("actions", actions)
            + upstream("coach", [self.ports["coach"]])
            + f"  server {{\n    listen 127.0.0.1:{self.port};\n    client_max_body_size 1m;\n"
            f"    location /webhooks/ {{\n      proxy_pass http://rasa;\n{proxy}{retry}"
            f"      add_header {RASA_HEADER} $upstream_addr always;\n    }}\n"
            f"    location / {{\n      proxy_pass http://coach;\n{proxy}    }}\n  }}\n"
            f"  server {{\n    listen 127.0.0.1:{self.ports['rasa_api']};\n    client_max_body_size 1m;\n"
            f"    location / {{\n      proxy_pass http://rasa_api;\n{proxy}    }}\n  }}\n"
            f"  server {{\n    listen 127.0.0.1:{self.ports['actions']};\n"
            "    client_max_body_size 4m;\n    client_body_buffer_size 4m;\n"
            f"    location / {{\n      proxy_pass http://actions;\n{proxy}"
            "      proxy_next_upstream error timeout http_502 http_503;\n    }\n  }\n"
            f"  server {{\n    listen 127.0.0.1:{self.ports['coach_webhook']};\n    client_max_body_size 1m;\n"
            f"    location / {{\n      proxy_pass http://coach;\n{proxy}    }}\n  }}\n"
            "}\n"
        )

    def kill_rasa(self, index: int) -> None:
        """SIGKILL one Rasa server (no goodbye, as when its machine dies)."""
        replica = self.replicas[index]
        for name, process in replica.processes:
            if name == "rasa" and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        replica.forget("rasa")

    def restart_rasa(self, index: int) -> None:
        """Start a killed Rasa server again on its port (nginx takes it back after its fail_timeout)."""
        self.replicas[index].start_rasa()

    def stop(self) -> None:
        for replica in [*self.replicas, *([self.coach] if self.coach else [])]:
            replica.stop()
        if self.nginx and self.nginx.poll() is None:
            os.killpg(self.nginx.pid, signal.SIGTERM)
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.nginx.pid, signal.SIGKILL)
                self.nginx.wait()
        if self.services_dir:
            _stop_throwaway("redis.sh", self.services_dir / "redis")
            _stop_throwaway("postgres.sh", self.services_dir / "postgres")
            shutil.rmtree(self.services_dir, ignore_errors=True)
            self.services_dir = None


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var" / "cluster", help="logs, nginx config")
    parser.add_argument("--port", type=int, default=8080, help="the public address (127.0.0.1)")
    parser.add_argument("--replicas", type=int, default=2, help="Rasa servers and action servers (default 2)")
    parser.add_argument("--coach-workers", type=int, default=2)
    parser.add_argument("--model", type=Path, default=None, help="default: the newest model in bot/models")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    cluster = Cluster(
        state_dir=args.state_dir,
        port=args.port,
        rasa_replicas=args.replicas,
        action_replicas=args.replicas,
        coach_workers=args.coach_workers,
        model=args.model,
    )
    print(f"Starting PostgreSQL, Redis, nginx and {args.replicas} replicas of each server (a minute or two)...")
    try:
        cluster.start()
        print(
            f"\nOnthaal is running as a cluster.\n"
            f"  Chat (web widget):  {cluster.url}/\n"
            f"  Coach view:         {cluster.url}/coach\n"
            f"  Rasa REST channel:  {cluster.url}/webhooks/rest/webhook (round-robin over "
            f"{', '.join(cluster.rasa_replica_urls)})\n"
            f"  Logs:               {cluster.state_dir / 'logs'} and {cluster.state_dir}/replica-*/logs\n"
            f"PostgreSQL and Redis are throw-away: stopping the cluster deletes them. Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
