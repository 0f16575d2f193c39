"""nginx in front of the one-host deployment (deploy/nginx/onthaal.conf): where it sends each path, whose
X-Forwarded-For the servers believe, and, with Debian's nginx, that it accepts the file and routes for real."""

from __future__ import annotations

import http.server
import ipaddress
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.tools.deploy_files import DEPLOY, PORTS, compose_file, environment  # noqa: E402

CONFIG = DEPLOY / "nginx" / "onthaal.conf"
needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrapped(tmp_path: Path, server_config: Path) -> Path:
    """A whole nginx.conf around the server block, with every path it writes in `tmp_path`."""
    temp = "\n".join(
        f"    {name}_temp_path {tmp_path / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{temp}\n    access_log off;\n    include {server_config};\n}}\n"
    )
    return main


def test_nginx_sends_the_channels_to_rasa_the_rest_to_the_coach_service_and_is_the_trusted_proxy() -> None:
    locations = dict(re.findall(r"location (\S+) \{\s*set \$\w+ http://([a-z]+:\d+);", CONFIG.read_text()))
    assert locations == {"/webhooks/": f"rasa:{PORTS['rasa']}", "/": f"coach:{PORTS['coach']}"}
    compose = compose_file()
    services = compose["services"]
    nginx = ipaddress.ip_address(services["nginx"]["networks"]["onthaal"]["ipv4_address"])
    (subnet,) = compose["networks"]["onthaal"]["ipam"]["config"]
    assert nginx in ipaddress.ip_network(subnet["subnet"])
    assert ipaddress.ip_address(environment(services["coach"])["FORWARDED_ALLOW_IPS"]) == nginx
    assert nginx in ipaddress.ip_network(environment(services["rasa"])["ONTHAAL_TRUSTED_PROXY"])
    assert "./nginx/onthaal.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]["volumes"]


@needs_nginx
def test_nginx_accepts_its_configuration(tmp_path: Path) -> None:
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(wrapped(tmp_path, CONFIG))], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


class Upstream(http.server.BaseHTTPRequestHandler):
    """Answers with its name, the path it was asked and the X-Forwarded-For it got."""

    name = ""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.dumps(
            {
                "server": self.name,
                "path": self.path,
                "forwarded_for": self.headers.get("X-Forwarded-For"),
                "body": self.rfile.read(length).decode(),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def upstreams() -> Iterator[dict[str, int]]:
    """Stand-ins for Rasa and the coach service on 127.0.0.1."""
    servers = {}
    for name in ("rasa", "coach"):
        handler = type(f"{name}Upstream", (Upstream,), {"name": name})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = server
    yield {name: server.server_address[1] for name, server in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


@needs_nginx
def test_nginx_routes_each_path_to_its_server_with_the_callers_address(tmp_path: Path, upstreams: dict) -> None:
    port = free_port()
    local = CONFIG.read_text().replace("listen 8080;", f"listen 127.0.0.1:{port};")
    for name, upstream_port in upstreams.items():
        local = local.replace(f"http://{name}:{PORTS[name]}", f"http://127.0.0.1:{upstream_port}")
    (tmp_path / "onthaal.conf").write_text(local)
    main = wrapped(tmp_path, tmp_path / "onthaal.conf")
    nginx = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(main), "-g", "daemon off; master_process off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and nginx.poll() is None, "nginx did not start"
                time.sleep(0.05)

        def ask(path: str, body: bytes | None = None, forwarded: str | None = None) -> dict:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body)
            if forwarded:
                request.add_header("X-Forwarded-For", forwarded)
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (local)
                return json.loads(response.read())

        message = b'{"sender": "web-1", "message": "hallo"}'
        chat = ask("/webhooks/rest/webhook", message)
        assert chat == {
            "server": "rasa",
            "path": "/webhooks/rest/webhook",
            "forwarded_for": "127.0.0.1",
            "body": message.decode(),
        }
        assert ask("/webhooks/whatsapp/webhook?x=1", b"Body=hi")["server"] == "rasa"
        # Everything else is the coach service's, Rasa's own HTTP API included (the coach service answers 404 there).
        for path in ("/", "/coach/login", "/api/v1/health", "/conversations/web-1/tracker", "/status"):
            assert ask(path)["server"] == "coach", path
        # A client's own X-Forwarded-For stays in front; the last hop is the address nginx saw.
        assert (
            ask("/webhooks/rest/webhook", b"{}", forwarded="203.0.113.9")["forwarded_for"] == "203.0.113.9, 127.0.0.1"
        )
        too_big = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=b"x" * 2_000_000)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(too_big, timeout=5)  # noqa: S310 (local)
        assert refused.value.code == 413
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
