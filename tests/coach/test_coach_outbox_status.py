"""POST /api/v1/outbox-status (signed by the action server) and what admins see of it."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coach import outbox_status
from coach.models import OutboxReport
from coach.settings import generate_webhook_secret
from coach.signing import sign
from tests.coach.conftest import add_user, log_in


def report(**overrides):
    body = {"pending": 2, "dead_letters": 3, "oldest_pending_seconds": 42.5, "reported_at": _now_iso()}
    body.update(overrides)
    return body


def _now_iso(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def post_report(client, secret, body, headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signed = sign(secret, f"msg_{time.time_ns()}", int(time.time()), raw) if headers is None else headers
    return client.post("/api/v1/outbox-status", content=raw, headers={**signed, "content-type": "application/json"})


def stored_reports(client) -> int:
    with client.app.state.database.sessions() as db:
        return db.scalar(select(func.count()).select_from(OutboxReport))


def test_a_signed_report_is_stored_and_answered_204(client, settings):
    response = post_report(client, settings.webhook_secret, report())

    assert response.status_code == 204
    assert response.content == b""
    with client.app.state.database.sessions() as db:
        health = outbox_status.health(db)
    assert (health.pending, health.dead_letters, health.oldest_pending_seconds) == (2, 3, 42.5)
    assert not health.stale


def test_unsigned_and_forged_reports_are_401_and_not_stored(client, settings):
    raw = json.dumps(report()).encode()
    assert post_report(client, settings.webhook_secret, raw, headers={}).status_code == 401
    assert post_report(client, generate_webhook_secret(), raw).status_code == 401
    honest = sign(settings.webhook_secret, "msg_1", int(time.time()), raw)
    tampered = json.dumps(report(dead_letters=0)).encode()
    assert post_report(client, settings.webhook_secret, tampered, headers=honest).status_code == 401
    stale = sign(settings.webhook_secret, "msg_2", int(time.time()) - 600, raw)
    assert post_report(client, settings.webhook_secret, raw, headers=stale).status_code == 401
    assert stored_reports(client) == 0


@pytest.mark.parametrize(
    "body",
    [
        report(extra=1),
        report(pending=-1),
        report(dead_letters=1.5),
        report(dead_letters="3"),
        report(dead_letters=True),
        report(oldest_pending_seconds=-1),
        report(oldest_pending_seconds="12"),
        report(reported_at="yesterday"),
        report(reported_at="2026-12-06T10:00:00"),  # no time zone
        {key: value for key, value in report().items() if key != "pending"},
        [report()],
        b"{not json",
        b'{"pending": 1e400, "dead_letters": 0, "oldest_pending_seconds": null, "reported_at": "2026-12-06T10:00Z"}',
    ],
    ids=lambda body: str(body)[:40],
)
def test_reports_that_break_the_contract_are_422(client, settings, body):
    assert post_report(client, settings.webhook_secret, body).status_code == 422
    assert stored_reports(client) == 0


def test_a_replayed_older_report_does_not_hide_newer_dead_letters(client, settings):
    assert post_report(client, settings.webhook_secret, report(dead_letters=4)).status_code == 204
    older = report(dead_letters=0, reported_at=_now_iso(-timedelta(minutes=2)))
    assert post_report(client, settings.webhook_secret, older).status_code == 204
    with client.app.state.database.sessions() as db:
        assert outbox_status.health(db).dead_letters == 4


def test_an_oversized_report_is_413(client, settings):
    assert post_report(client, settings.webhook_secret, report(padding="x" * 5000)).status_code == 413


def test_admins_see_the_dead_letters_on_the_inbox_and_the_audit_log(admin_client, settings):
    assert post_report(admin_client, settings.webhook_secret, report(dead_letters=3, pending=1)).status_code == 204

    for url in ("/coach", "/coach/audit"):
        page = admin_client.get(url).text
        assert "3 intakes konden niet worden afgeleverd (dead letters)" in page, url
        assert "1 wacht nog op aflevering" in page
        assert "outbox-stale" not in page


def test_admins_are_warned_when_no_report_came_for_over_15_minutes(admin_client, settings):
    page = admin_client.get("/coach").text
    assert "Nog geen statusbericht van de assistent ontvangen" in page

    assert post_report(admin_client, settings.webhook_secret, report(dead_letters=0)).status_code == 204
    with admin_client.app.state.database.sessions() as db:
        db.get(OutboxReport, 1).received_at = datetime.now(UTC) - timedelta(minutes=16)
        db.commit()
    page = admin_client.get("/coach/audit").text
    assert "Al meer dan 15 minuten geen statusbericht van de assistent" in page
    assert "0 intakes konden niet worden afgeleverd" in page


def test_coaches_do_not_see_the_report(coach_client, settings):
    assert post_report(coach_client, settings.webhook_secret, report(dead_letters=3)).status_code == 204

    page = coach_client.get("/coach").text
    assert "dead letters" not in page and "statusbericht" not in page


def test_the_health_detail_is_for_logged_in_admins_only(client, settings):
    assert post_report(client, settings.webhook_secret, report(dead_letters=3)).status_code == 204
    assert client.get("/api/v1/health/outbox").status_code == 401
    add_user(client, "an", "coach", "west")
    assert log_in(client, "an").status_code == 303
    assert client.get("/api/v1/health/outbox").status_code == 403
    client.cookies.clear()
    add_user(client, "beheer", "admin", None)
    assert log_in(client, "beheer").status_code == 303

    detail = client.get("/api/v1/health/outbox")

    assert detail.status_code == 200
    body = detail.json()
    assert body["dead_letters"] == 3 and body["pending"] == 2 and body["stale"] is False
    assert body["oldest_pending_seconds"] == 42.5 and body["reported_at"] and body["received_at"]
