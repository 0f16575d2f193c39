"""Fixtures for the coach service: fresh settings, a throwaway database (SQLite, and PostgreSQL when
ONTHAAL_TEST_POSTGRES_URL is set), signed-POST and login helpers, and a fake LibreTranslate / Rasa server."""

import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from coach import auth
from coach.main import create_app
from coach.settings import REPO_ROOT, Settings, generate_webhook_secret, get_settings
from coach.signing import sign

RASA_URL = "https://rasa.example.test:5005"
WIDGET_INDEX = '<!doctype html><html><body data-rasa="{{RASA_URL}}"><script>const r = "{{RASA_URL}}";</script>'
PASSWORD = "correct horse battery staple"  # noqa: S105  (test accounts only)
POSTGRES_URL = os.environ.get("ONTHAAL_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """argon2 with the smallest parameters in tests (production keeps argon2-cffi's defaults)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def _intake_payload(**overrides: Any) -> dict[str, Any]:
    """The v1 example of docs/architecture.md, with top-level fields replaced by `overrides`."""
    payload: dict[str, Any] = {
        "schema_version": 1,
        "reference": "ONT-7K3M9Q",
        "conversation_id": "c2f1a7e0-0000-4000-8000-000000000001",
        "language": "bg",
        "channel": "rest",
        "submitted_at": "2026-11-27T10:15:00+00:00",
        "complete": True,
        "answers": {
            "name": "Milena",
            "contact_method": "phone",
            "contact_detail": "0470 12 34 56",
            "neighbourhood": "bloemekenswijk",
        },
        "skipped": ["contact_detail"],
        "needs_answer": "reported",
        "needs": [
            {"id": "housing", "source": "button", "evidence": None},
            {"id": "financial_need", "source": "text", "evidence": "Ik heb geen geld voor de huur"},
        ],
    }
    payload.update(overrides)
    return payload


def _architecture_v2_example() -> dict[str, Any]:
    document = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    example = document.split("## The intake hand-off, schema version 2")[1].split("```json")[1].split("```")[0]
    return json.loads(example)


def _intake_v2_payload(**overrides: Any) -> dict[str, Any]:
    """A complete v2 intake (the architecture example with its "..." filled in)."""
    from coach.schemas import NEED_IDS

    payload = _architecture_v2_example()
    checklist = dict.fromkeys(NEED_IDS, "not_asked")
    checklist.update({"limited_network": "reported", "housing": "not_reported", "justice": "skipped"})
    checklist.update({"family_care": "reported", "financial_need": "reported"})
    payload["checklist"] = checklist
    payload.update(overrides)
    return payload


def _architecture_v3_additions() -> dict[str, Any]:
    document = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    example = document.split("## The intake hand-off, schema version 3")[1].split("```json")[1].split("```")[0]
    return json.loads(example)


STATUS_CODE = _architecture_v3_additions()["status_code"]


def _intake_v3_payload(**overrides: Any) -> dict[str, Any]:
    """A complete v3 intake: the v2 example with the v3 example's fields; keyword args replace top-level fields."""
    additions = _architecture_v3_additions()
    payload = _intake_v2_payload()
    payload.update({key: value for key, value in additions.items() if key != "answers"})
    payload["answers"] = {**payload["answers"], **additions["answers"]}
    payload.update(overrides)
    return payload


@pytest.fixture
def intake_payload() -> Callable[..., dict[str, Any]]:
    """Factory for a valid v1 intake body; keyword args replace fields."""
    return _intake_payload


@pytest.fixture
def intake_v2() -> Callable[..., dict[str, Any]]:
    """Factory for a valid v2 intake body; keyword args replace fields."""
    return _intake_v2_payload


@pytest.fixture
def intake_v3() -> Callable[..., dict[str, Any]]:
    """Factory for a valid v3 intake body (status code STATUS_CODE); keyword args replace fields."""
    return _intake_v3_payload


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'coach.sqlite3'}"
        return
    import psycopg

    name = f"coach_test_{uuid.uuid4().hex[:12]}"
    admin_url = re.sub(r"^postgresql\+psycopg://", "postgresql://", POSTGRES_URL)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    widget_dir = tmp_path / "widget"
    widget_dir.mkdir()
    (widget_dir / "index.html").write_text(WIDGET_INDEX, encoding="utf-8")
    (widget_dir / "widget.js").write_text("console.log('widget');\n", encoding="utf-8")
    return Settings(
        _env_file=None,
        environment="production",
        webhook_secret=generate_webhook_secret(),
        data_keys=Fernet.generate_key().decode(),
        database_url=database_url,
        rasa_public_url=RASA_URL,
        rasa_url="http://127.0.0.1:9",  # nothing listens: erasure reports failure unless a test fakes Rasa
        widget_dir=widget_dir,
        languages_dir=REPO_ROOT / "languages",
        retention_interval_seconds=0,
    )


def make_client(settings: Settings) -> TestClient:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with make_client(settings) as test_client:
        yield test_client


PostIntake = Callable[..., Any]


@pytest.fixture
def post_intake(client: TestClient, settings: Settings) -> PostIntake:
    """POST a body to /api/v1/intakes signed with the service's secret (or the given headers)."""
    counter = iter(range(1, 10_000))

    def post(
        payload: dict[str, Any] | bytes | None = None,
        *,
        webhook_id: str | None = None,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        body = payload if isinstance(payload, bytes) else json.dumps(payload or _intake_payload()).encode()
        if headers is None:
            headers = sign(
                secret or settings.webhook_secret,
                webhook_id or f"msg_test{next(counter)}",
                int(time.time()) if timestamp is None else timestamp,
                body,
            )
        return client.post("/api/v1/intakes", content=body, headers={**headers, "content-type": "application/json"})

    return post


def add_user(client: TestClient, username: str, role: str = "coach", team: str | None = "west") -> None:
    with client.app.state.database.sessions() as db:
        auth.create_user(db, username, PASSWORD, role, team)
        db.commit()


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    form = client.get("/coach/login")
    return client.post(
        "/coach/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


@pytest.fixture
def coach_client(client: TestClient) -> TestClient:
    """`client`, logged in as coach `an` of Team West."""
    add_user(client, "an", "coach", "west")
    assert log_in(client, "an").status_code == 303
    return client


@pytest.fixture
def admin_client(client: TestClient) -> TestClient:
    add_user(client, "beheer", "admin", None)
    assert log_in(client, "beheer").status_code == 303
    return client


def post_form(client: TestClient, page_url: str, action: str, data: dict[str, Any] | None = None) -> Any:
    """Submit a form of `page_url` to `action` with the page's CSRF token."""
    token = csrf_of(client.get(page_url).text)
    return client.post(action, data={**(data or {}), "csrf_token": token}, follow_redirects=False)


class _FakeServer(BaseHTTPRequestHandler):
    """LibreTranslate (`POST /translate`) and Rasa (`PUT /conversations/<id>/tracker/events`) stand-ins."""

    calls: list[dict[str, Any]]
    delay: float = 0.0
    fail: bool = False

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def do_POST(self):  # noqa: N802
        body = self._body().decode()
        fields = {key: values[0] for key, values in parse_qs(body).items()} if body[:1] != "{" else json.loads(body)
        type(self).calls.append({"method": "POST", "path": self.path, "fields": fields})
        if type(self).delay:
            time.sleep(type(self).delay)
        if type(self).fail:
            self.send_response(500)
            self.end_headers()
            return
        answer = json.dumps({"translatedText": f"[nl] {fields.get('q', '')}"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_PUT(self):  # noqa: N802
        body = self._body()
        parsed = urlparse(self.path)
        type(self).calls.append(
            {
                "method": "PUT",
                "path": parsed.path,
                "query": parse_qs(parsed.query),
                "authorization": self.headers.get("authorization"),
                "body": body,
            }
        )
        self.send_response(500 if type(self).fail else 200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server() -> Iterator[tuple[str, type[_FakeServer]]]:
    handler = type("FakeServer", (_FakeServer,), {"calls": [], "delay": 0.0, "fail": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", handler
    server.shutdown()


def signed_post(client: TestClient, secret: str, payload: dict[str, Any], webhook_id: str | None = None) -> Any:
    """POST `payload` to the webhook of `client`, signed with `secret`."""
    body = json.dumps(payload).encode()
    headers = sign(secret, webhook_id or f"msg_{uuid.uuid4().hex}", int(time.time()), body)
    return client.post("/api/v1/intakes", content=body, headers={**headers, "content-type": "application/json"})
