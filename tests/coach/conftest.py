"""Fixtures for the coach service: fresh settings, a throwaway SQLite database and a signed-POST helper."""

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coach.main import create_app
from coach.settings import REPO_ROOT, Settings, generate_webhook_secret, get_settings
from coach.signing import sign

RASA_URL = "https://rasa.example.test:5005"
WIDGET_INDEX = '<!doctype html><html><body data-rasa="{{RASA_URL}}"><script>const r = "{{RASA_URL}}";</script>'


def _intake_payload(**overrides: Any) -> dict[str, Any]:
    """The example of docs/architecture.md, with top-level fields replaced by `overrides`."""
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


@pytest.fixture
def intake_payload() -> Callable[..., dict[str, Any]]:
    """Factory for a valid intake body (the example of docs/architecture.md); keyword args replace fields."""
    return _intake_payload


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    widget_dir = tmp_path / "widget"
    widget_dir.mkdir()
    (widget_dir / "index.html").write_text(WIDGET_INDEX, encoding="utf-8")
    (widget_dir / "widget.js").write_text("console.log('widget');\n", encoding="utf-8")
    return Settings(
        _env_file=None,
        environment="production",
        webhook_secret=generate_webhook_secret(),
        database_url=f"sqlite:///{tmp_path / 'db' / 'coach.sqlite3'}",
        rasa_public_url=RASA_URL,
        widget_dir=widget_dir,
        languages_dir=REPO_ROOT / "languages",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with TestClient(app) as test_client:
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
