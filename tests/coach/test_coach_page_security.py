"""The coach pages against a hostile browser: coach-only actions, CSRF on every form, logout on the server,
CSP and framing on every HTML page, and short-lived reception tokens refreshed only while the session lives."""

import base64
import json
import re
import time

import pytest
from fastapi.routing import RouteContext, iter_route_contexts
from sqlalchemy import inspect, text

from coach import auth
from coach.main import create_app
from coach.routers import reception
from tests.coach.conftest import PASSWORD, add_user, csrf_of, log_in, make_client, post_form

REFERENCE = "ONT-7K3M9Q"


def form_routes() -> list[RouteContext]:
    """Every POST route that takes a browser form: everything but the JSON API and the signed webhooks.
    Read from the app itself (included routers too), so a new form cannot be forgotten."""
    return sorted(
        (
            route
            for route in iter_route_contexts(create_app().routes)
            if "POST" in (route.methods or ()) and not (route.path or "").startswith(("/api/", "/webhook/"))
        ),
        key=lambda route: route.path or "",
    )


# Valid values for each form's other fields, so that only the CSRF token can make it fail. A new form is
# tested too (with no fields), it just needs none here.
FORM_FIELDS = {
    "login": {"username": "beheer", "password": PASSWORD},
    "change_status": {"status": "closed"},
    "set_observed": {"observed": "housing"},
    "add_note": {"text": "een notitie"},
    "erase": {"confirm": REFERENCE},
}


def test_the_form_list_is_not_empty_and_knows_the_forms():
    names = {route.name for route in form_routes()}
    known = {"login", "logout", "claim", "change_status", "set_observed", "add_note", "translate_again", "erase"}
    assert known <= names


def everything_stored(client) -> str:
    engine = client.app.state.database.engine
    with engine.connect() as connection:
        return "\n".join(
            f"{table}: {sorted(map(str, connection.execute(text(f'SELECT * FROM {table}'))))}"  # noqa: S608
            for table in sorted(inspect(engine).get_table_names())
        )


@pytest.mark.parametrize("route", form_routes(), ids=lambda route: route.name)
@pytest.mark.parametrize("token", ["forged", None], ids=["forged token", "no token"])
def test_every_form_refuses_a_forged_or_missing_csrf_token(route, token, admin_client, intake_payload, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    admin_client.get("/coach/login")  # the login form's double-submit cookie is set, as in a real browser
    data = dict(FORM_FIELDS.get(route.name, {}))
    if token is not None:
        data["csrf_token"] = token
    path = route.path.replace("{reference_code}", REFERENCE)
    before = everything_stored(admin_client)

    response = admin_client.post(path, data=data, follow_redirects=False)

    assert response.status_code == 403, (route.path, response.status_code)
    assert everything_stored(admin_client) == before
    assert admin_client.get("/coach", follow_redirects=False).status_code == 200  # still logged in


def test_translate_again_is_for_coaches_only(intake_v2, client, post_intake):
    assert post_intake(intake_v2(assisted_by="sara")).status_code == 201
    add_user(client, "sara", "reception", None)
    log_in(client, "sara")
    page = client.get(f"/coach/intakes/{REFERENCE}")
    assert page.status_code == 200  # she may read the intake she helped with
    before = everything_stored(client)

    response = client.post(f"/coach/intakes/{REFERENCE}/translate", data={"csrf_token": csrf_of(page.text)})

    assert response.status_code == 403
    assert everything_stored(client) == before


def test_translate_again_still_works_for_coaches(intake_v2, coach_client, post_intake):
    assert post_intake(intake_v2()).status_code == 201
    page = f"/coach/intakes/{REFERENCE}"
    assert post_form(coach_client, page, f"{page}/translate").status_code == 303


def test_logout_ends_the_session_on_the_server(settings, intake_payload):
    with make_client(settings) as client:
        add_user(client, "an")
        assert log_in(client, "an").status_code == 303
        stolen = client.cookies[auth.SESSION_COOKIE]
        assert post_form(client, "/coach", "/coach/logout").status_code == 303

    # The old cookie value, sent again by a client that kept it (a copy, a proxy, another tab).
    with make_client(settings) as replay:
        replay.cookies.set(auth.SESSION_COOKIE, stolen)
        page = replay.get("/coach", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/coach/login"
        assert replay.get("/api/v1/intakes").status_code == 401
        assert replay.get("/reception/token").status_code == 401


# --- Content-Security-Policy and framing ---------------------------------------------------------------------

HTML_PAGES = [
    "/",
    "/docs",
    "/coach/login",
    "/coach",
    f"/coach/intakes/{REFERENCE}",
    f"/coach/intakes/{REFERENCE}/print",
    "/coach/intakes/ONT-ZZZZZZ",  # the Dutch 404 page
    "/coach/audit",
    "/reception",
]


def assert_not_frameable(response, url: str) -> str:
    policy = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, url
    assert response.headers.get("x-frame-options") == "DENY", url
    assert "*" not in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
    return policy


def test_every_html_page_has_a_csp_and_cannot_be_framed(admin_client, intake_payload, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    for url in HTML_PAGES:
        response = admin_client.get(url)
        assert response.headers["content-type"].startswith("text/html"), url
        assert_not_frameable(response, url)
    refused = admin_client.post(f"/coach/intakes/{REFERENCE}/claim", data={"csrf_token": "forged"})
    assert_not_frameable(refused, "403 page")


def test_the_json_api_and_redirects_carry_the_strict_default_policy(client):
    for url in ("/api/v1/health", "/openapi.json", "/redoc", "/coach"):
        response = client.get(url, follow_redirects=False)
        policy = assert_not_frameable(response, url)
        if not response.headers.get("content-type", "").startswith("text/html"):
            assert "default-src 'none'" in policy, url


def test_the_widget_page_may_only_talk_to_itself_and_rasa(client, settings):
    policy = assert_not_frameable(client.get("/"), "/")

    assert f"connect-src 'self' {settings.rasa_public_url}" in policy
    assert "default-src 'self'" in policy


def test_docs_need_nothing_from_outside(client):
    page = client.get("/docs")

    assert page.status_code == 200
    assert "cdn." not in page.text and "<script" not in page.text
    assert re.search(r"https?://(?!testserver)", page.text) is None
    assert "/api/v1/intakes" in page.text and "/openapi.json" in page.text
    assert "reference already in use" in page.text or "409" in page.text
    redoc = client.get("/redoc", follow_redirects=False)
    assert redoc.status_code in (307, 308) and redoc.headers["location"] == "/docs"


# --- Reception tokens ----------------------------------------------------------------------------------------


def claims_of(token: str) -> dict:
    body = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_reception_tokens_live_at_most_15_minutes(client, settings):
    add_user(client, "sara", "reception", None)
    log_in(client, "sara")
    html = client.get("/reception").text
    token = html.split('data-token="')[1].split('"')[0]

    assert 0 < claims_of(token)["exp"] - time.time() <= 15 * 60
    assert 'data-token-url="/reception/token"' in html


def test_the_token_refresh_needs_a_live_reception_session(client, settings):
    assert client.get("/reception/token").status_code == 401
    add_user(client, "an", "coach", "west")
    log_in(client, "an")
    assert client.get("/reception/token").status_code == 403
    client.cookies.clear()
    add_user(client, "sara", "reception", None)
    log_in(client, "sara")

    fresh = client.get("/reception/token")

    assert fresh.status_code == 200
    assert fresh.headers["cache-control"] == "no-store"
    token = fresh.json()["token"]
    claims = claims_of(token)
    assert claims["sub"] == "sara" and 0 < claims["exp"] - time.time() <= 15 * 60
    assert fresh.json()["expires_at"] == claims["exp"]
    assert token == reception.mint_token("sara", settings.webhook_secret, now=claims["exp"] - 15 * 60)

    assert post_form(client, "/coach", "/coach/logout").status_code == 303
    assert client.get("/reception/token").status_code == 401
    assert csrf_of(client.get("/coach/login").text)  # back on the login page
