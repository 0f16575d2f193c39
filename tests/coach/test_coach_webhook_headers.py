"""The three Standard Webhooks headers with hostile values: always a 401 with a clear detail, never a 500."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from coach.models import Intake
from coach.signing import sign

NASTY_TIMESTAMPS = {
    "400 digits": "9" * 400,
    "4,400 digits (past Python's int parsing limit)": "1" * 4400,
    "negative": "-1700000000",
    "float": "1700000000.5",
    "exponent": "1e9",
    "hex": "0x65000000",
    "spaces around": " 1700000000 ",
    "arabic-indic digits": "١٧٠٠٠٠٠٠٠٠",
    "superscript digits": "¹⁷⁰⁰⁰⁰⁰⁰⁰⁰",
    "empty": "",
    "zero": "0",
    "leading zeros of now": None,  # filled in at run time
    "infinity": "inf",
    "nan": "nan",
    "latin-1 letters": "é",
}


def stored(client) -> int:
    with client.app.state.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Intake))


def post_with(client, headers: dict[str, str], body: bytes):
    # Raw UTF-8 bytes on the wire, as any client may send them (the server reads headers as latin-1).
    encoded = {name: value.encode() for name, value in headers.items()}
    return client.post("/api/v1/intakes", content=body, headers={**encoded, "content-type": "application/json"})


@pytest.mark.parametrize("name", NASTY_TIMESTAMPS)
def test_nasty_timestamps_are_401_with_a_clear_detail(name, client, intake_payload, settings):
    timestamp = NASTY_TIMESTAMPS[name] or "0" * 30 + str(int(time.time()))
    body = json.dumps(intake_payload()).encode()
    # Signed over the nasty value itself, so only the timestamp check can refuse it.
    signature = sign(settings.webhook_secret, "msg_nasty", 0, body)["webhook-signature"]
    headers = {"webhook-id": "msg_nasty", "webhook-timestamp": timestamp, "webhook-signature": signature}

    response = post_with(client, headers, body)

    assert response.status_code == 401, name
    assert "webhook-timestamp" in response.json()["detail"], name
    assert stored(client) == 0


# Anything but control characters (which HTTP itself refuses before the app sees them).
header_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=600)


@given(webhook_id=header_text, timestamp=header_text | st.integers().map(str), signature=header_text)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_webhook_headers_are_refused_never_a_server_error(
    client, intake_payload, webhook_id, timestamp, signature
):
    body = json.dumps(intake_payload()).encode()
    headers = {"webhook-id": webhook_id, "webhook-timestamp": timestamp, "webhook-signature": signature}

    response = post_with(client, {name: value.strip() for name, value in headers.items()}, body)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_valid_signature_over_a_huge_timestamp_is_still_refused(client, intake_payload, settings):
    body = json.dumps(intake_payload()).encode()
    huge = int("9" * 400)

    response = post_with(client, sign(settings.webhook_secret, "msg_huge", huge, body), body)

    assert response.status_code == 401
    assert response.json()["detail"] == "webhook-timestamp is not unix seconds"
