"""`make audit` (tools/audit.py) runs the real pip-audit over the real locks; only the vulnerability service is
a local stand-in (pip-audit's OSV client pointed at a small server here), so the tests need no network."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import audit  # noqa: E402

BOT_LOCK = ROOT / "requirements" / "bot.lock"


class Advisories:
    """What the stand-in OSV service answers: {(package, version): [OSV advisories]}, or an HTTP error status."""

    def __init__(self) -> None:
        self.by_pin: dict[tuple[str, str], list[dict]] = {}
        self.status = 200
        self.queries = 0


@pytest.fixture
def osv() -> Iterator[tuple[str, Advisories]]:
    advisories = Advisories()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            advisories.queries += 1
            vulns = advisories.by_pin.get((query["package"]["name"], query["version"]), [])
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(advisories.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query", advisories
    server.shutdown()
    server.server_close()


def advisory(vid: str, package: str = "aiohttp", fixed: str = "3.10.11") -> dict:
    return {
        "id": vid,
        "summary": "a stand-in advisory",
        "affected": [
            {
                "package": {"name": package, "ecosystem": "PyPI"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            }
        ],
    }


def run_audit(url: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    extra = ["-s", "osv", "--osv-url", url, "--cache-dir", str(tmp_path / "cache"), "--timeout", "10"]
    code = audit.main(["--lock", str(BOT_LOCK), "--", *extra])
    out, err = capfd.readouterr()
    return code, out + err


def test_the_whole_bot_lock_is_audited_and_an_accepted_advisory_passes(osv, tmp_path, capfd):
    url, advisories = osv
    # Known to the service under its GitHub id; accepted in the list under its PyPI id with this alias.
    advisories.by_pin[("aiohttp", "3.9.5")] = [advisory("GHSA-8495-4g3g-x7pr")]
    code, output = run_audit(url, tmp_path, capfd)
    assert code == 0, output
    pins = [line for line in BOT_LOCK.read_text("utf-8").splitlines() if "==" in line and not line.startswith("#")]
    assert advisories.queries == len(pins)  # every pin of the lock was looked up
    assert "No known vulnerabilities found, 1 ignored" in output


def test_an_advisory_that_is_not_accepted_fails_the_audit(osv, tmp_path, capfd):
    url, advisories = osv
    advisories.by_pin[("sanic", "21.12.2")] = [advisory("GHSA-test-0000-0000", package="sanic", fixed="22.0")]
    code, output = run_audit(url, tmp_path, capfd)
    assert code == 1
    assert "GHSA-test-0000-0000" in output
    assert "AUDIT FAILED for requirements/bot.lock" in output


@pytest.mark.parametrize("status", [404, 503])
def test_a_vulnerability_service_that_does_not_answer_fails_the_audit(osv, tmp_path, capfd, status):
    url, advisories = osv
    advisories.status = status
    code, output = run_audit(url, tmp_path, capfd)
    assert code == 1
    assert "AUDIT FAILED" in output


def test_an_unreachable_vulnerability_service_fails_the_audit(tmp_path, capfd):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, output = run_audit(f"http://127.0.0.1:{port}/v1/query", tmp_path, capfd)
    assert code == 1
    assert "AUDIT FAILED" in output


def test_a_package_the_service_cannot_look_up_fails_instead_of_being_skipped():
    # PyPI's service reports a package it cannot find (as when its JSON API is blocked) as skipped, and pip-audit
    # then passes with nothing checked; --strict turns a skipped package into a failure. The PyPI service's
    # address is fixed in pip-audit, so this path cannot be pointed at a local stand-in: the flag is checked here.
    command = audit.pip_audit_command(BOT_LOCK, [])
    assert "--strict" in command
    assert command[command.index("-r") + 1] == str(BOT_LOCK)
    assert {"--require-hashes", "--disable-pip"} <= set(command)


@pytest.mark.parametrize(("status", "expected"), [(404, "HTTP 404"), (503, "HTTP 503"), (200, None)])
def test_the_ci_audit_knows_whether_the_vulnerability_api_answers(status: int, expected: str | None) -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert (
            audit.vulnerability_data_reachable(f"http://127.0.0.1:{server.server_port}/pypi/pip/24.0/json") == expected
        )
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_vulnerability_api_is_reported_as_not_run_not_as_passed(capsys, monkeypatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setattr(audit, "PROBE_URL", f"http://127.0.0.1:{closed}/pypi/pip/24.0/json")
    monkeypatch.setattr(audit.vulnerability_data_reachable, "__defaults__", (audit.PROBE_URL, 2))
    assert audit.main(["--if-reachable"]) == 0
    assert "AUDIT NOT RUN" in capsys.readouterr().out
