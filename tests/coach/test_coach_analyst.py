"""The analyst role: counts only. Every route that shows, changes or exports a single intake refuses an analyst
(403), the inbox sends them on to /coach/bereik, and the reception desk is closed to them."""

import pytest
from fastapi.routing import iter_route_contexts

from coach import auth
from coach.main import create_app
from tests.coach.conftest import add_user, csrf_of, log_in

REFERENCE = "ONT-7K3M9Q"


def single_intake_routes() -> list[tuple[str, str]]:
    """(method, path) of every route a logged-in user reaches an intake through, read from the app itself so a
    new one cannot be forgotten: the coach pages under /coach/intakes, the session API, the reception desk."""
    routes = []
    for route in iter_route_contexts(create_app().routes):
        path = route.path or ""
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            signed_webhook = path.startswith("/api/v1/intakes") and method == "POST"
            if path.startswith(("/coach/intakes", "/reception", "/api/v1/intakes")) and not signed_webhook:
                routes.append((method, path))
    return routes


def test_the_route_list_knows_every_intake_route():
    paths = {path for _, path in single_intake_routes()}
    assert {
        "/coach/intakes/{reference_code}",
        "/coach/intakes/{reference_code}/print",
        "/coach/intakes/{reference_code}/export.json",
        "/coach/intakes/{reference_code}/claim",
        "/coach/intakes/{reference_code}/status",
        "/coach/intakes/{reference_code}/observed",
        "/coach/intakes/{reference_code}/notes",
        "/coach/intakes/{reference_code}/translate",
        "/coach/intakes/{reference_code}/erase",
        "/api/v1/intakes",
        "/api/v1/intakes/{reference_code}",
        "/reception",
        "/reception/token",
    } <= paths


@pytest.fixture
def analyst_client(client, post_intake, intake_payload):
    assert post_intake(intake_payload()).status_code == 201
    add_user(client, "telt", "analyst", None)
    assert log_in(client, "telt").status_code == 303
    return client


@pytest.mark.parametrize(("method", "path"), single_intake_routes(), ids=lambda value: str(value))
def test_an_analyst_opens_no_intake(method, path, analyst_client):
    url = path.replace("{reference_code}", REFERENCE)
    if method == "GET":
        answer = analyst_client.get(url, follow_redirects=False)
    else:
        token = csrf_of(analyst_client.get("/coach/bereik").text)
        fields = {"csrf_token": token, "status": "closed", "text": "x", "confirm": REFERENCE, "observed": "housing"}
        answer = analyst_client.post(url, data=fields, follow_redirects=False)
    assert answer.status_code == 403, (method, url, answer.status_code)
    assert REFERENCE not in answer.text
    assert "Milena" not in answer.text


def test_an_analyst_lands_on_bereik_and_not_on_the_inbox(analyst_client):
    answer = analyst_client.get("/coach?team=alle", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/coach/bereik"
    page = analyst_client.get("/coach/bereik")
    assert page.status_code == 200
    assert REFERENCE not in page.text


def test_an_analyst_reads_no_audit_log_and_no_outbox_health(analyst_client):
    assert analyst_client.get("/coach/audit", follow_redirects=False).status_code == 403
    assert analyst_client.get("/api/v1/health/outbox").status_code == 403


def test_the_intake_was_never_viewed_by_the_analyst(analyst_client):
    from sqlalchemy import select

    from coach.models import AuditEntry

    analyst_client.get(f"/coach/intakes/{REFERENCE}")
    analyst_client.get(f"/api/v1/intakes/{REFERENCE}")
    with analyst_client.app.state.database.sessions() as db:
        actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.username == "telt")))
    assert actions <= {"login"}


def test_analyst_is_a_role_accounts_can_have(client):
    with client.app.state.database.sessions() as db:
        user = auth.create_user(db, "cijfers", "correct horse battery staple", "analyst")
        assert user.role == "analyst"
    with pytest.raises(ValueError), client.app.state.database.sessions() as db:
        auth.create_user(db, "fout", "correct horse battery staple", "statisticus")
