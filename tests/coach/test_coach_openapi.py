"""schemathesis against the OpenAPI schema, in-process (ASGI): no server error and no response that breaks the
schema, for a logged-in session on the API and for signed and unsigned webhook calls. No network."""

import itertools
import json
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from coach import auth
from coach.signing import sign
from tests.coach.conftest import PASSWORD, make_client

EXAMPLES_PER_OPERATION = 60
_alternate = itertools.cycle((True, False))


@pytest.fixture
def api(settings):
    """The app with one coach and one session; returns the schema, the session cookie and the webhook secret."""
    with make_client(settings) as client:
        with client.app.state.database.sessions() as db:
            user = auth.create_user(db, "an", PASSWORD, "coach", "west")
            token = auth.start_session(db, user, 1)
            db.commit()
        yield schemathesis.openapi.from_asgi("/openapi.json", client.app), token, settings.webhook_secret


def test_the_schema_documents_the_webhook_and_its_401(api):
    document = api[0].raw_schema
    webhook = document["paths"]["/api/v1/intakes"]["post"]
    assert {"200", "201", "401", "409", "413", "422"} <= set(webhook["responses"])
    assert [parameter["name"] for parameter in webhook["parameters"]] == [
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    ]
    assert "401" in document["paths"]["/api/v1/intakes/{reference_code}"]["get"]["responses"]
    assert {"204", "401", "413", "422"} <= set(document["paths"]["/api/v1/outbox-status"]["post"]["responses"])
    lookup = document["paths"]["/api/v1/intake-status"]["post"]
    assert {"200", "401", "404", "413", "422", "429"} <= set(lookup["responses"])
    assert [parameter["name"] for parameter in lookup["parameters"]] == [p["name"] for p in webhook["parameters"]]
    body = lookup["requestBody"]["content"]["application/json"]["schema"]
    assert document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["required"] == ["reference", "code"]
    intakes = webhook["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert {"$ref": "#/components/schemas/IntakeV3In"} in intakes
    assert "IntakeV3In" in document["components"]["schemas"]


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


SIGNED_PATHS = ("/api/v1/intakes", "/api/v1/outbox-status", "/api/v1/intake-status", "/webhook/counters")


def exercise(operation, token: str, secret: str) -> None:
    """Hypothesis over one operation. (schemathesis' pytest plugin does not run on this pytest version.)"""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case):
        headers = {"Cookie": f"{auth.SESSION_COOKIE}={token}"}
        if case.method.upper() == "POST" and case.path in SIGNED_PATHS and next(_alternate):
            # Every other signed call is validly signed, so generated bodies reach the schema validation.
            body = json.dumps(case.body).encode()
            signed = sign(secret, f"msg_{time.time_ns()}", int(time.time()), body)
            case.call_and_validate(checks=CHECKS, data=body, headers={**headers, **signed})
            return
        case.call_and_validate(checks=CHECKS, headers=headers)

    run()


def test_api_conforms_to_its_schema(api):
    schema, token, secret = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(operation.method.upper(), operation.path) for operation in operations} == {
        ("GET", "/api/v1/health"),
        ("POST", "/api/v1/intakes"),
        ("GET", "/api/v1/intakes"),
        ("GET", "/api/v1/intakes/{reference_code}"),
        ("POST", "/api/v1/outbox-status"),
        ("POST", "/api/v1/intake-status"),
        ("GET", "/api/v1/health/outbox"),
        ("POST", "/webhook/counters"),
    }
    for operation in operations:
        exercise(operation, token, secret)
