"""POST /api/v1/intake-status: the person's "what happens now?", signed like the webhook, answered only for the
right reference and status code, limited against guessing, and never leaking the code."""

import json
import logging
import time
import uuid

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from coach import status_lookup
from coach.crypto import DataCipher
from coach.models import AuditEntry, FailedAttempt, Intake
from coach.settings import generate_webhook_secret
from coach.signing import sign
from tests.coach.conftest import STATUS_CODE, add_user, log_in, make_client, post_form

REFERENCE = "ONT-7K3M9Q"
NOT_FOUND = {"detail": "no intake with this reference and status code"}


@pytest.fixture
def ask(client, settings):
    """POST a lookup signed with the service's secret (or `secret`); returns the response."""

    def post(reference=REFERENCE, code=STATUS_CODE, *, body=None, secret=None):
        raw = body if body is not None else json.dumps({"reference": reference, "code": code}).encode()
        headers = sign(secret or settings.webhook_secret, f"msg_{uuid.uuid4().hex}", int(time.time()), raw)
        headers["content-type"] = "application/json"
        return client.post("/api/v1/intake-status", content=raw, headers=headers)

    return post


def audit_entries(client) -> list[tuple[str | None, str | None]]:
    with client.app.state.database.sessions() as db:
        rows = db.scalars(select(AuditEntry).where(AuditEntry.action == "status_lookup").order_by(AuditEntry.id))
        return [(row.reference, row.detail) for row in rows]


def set_status(client, reference: str, new_status: str) -> None:
    with client.app.state.database.sessions() as db:
        db.scalars(select(Intake).where(Intake.reference == reference)).one().status = new_status
        db.commit()


def test_the_right_reference_and_code_get_the_status_as_it_changes(intake_v3, client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201

    response = ask()
    assert response.status_code == 200
    assert response.json() == {"status": "new"}
    for new_status in ("claimed", "contacted", "closed"):
        set_status(client, REFERENCE, new_status)
        assert ask().json() == {"status": new_status}
    assert audit_entries(client) == [(REFERENCE, "found")] * 4


def test_a_coach_claiming_the_intake_shows_as_claimed(intake_v3, coach_client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201
    page = f"/coach/intakes/{REFERENCE}"
    assert post_form(coach_client, page, f"{page}/claim").status_code == 303

    assert ask().json() == {"status": "claimed"}


def test_wrong_code_unknown_reference_and_v2_intake_get_the_same_404(intake_v3, intake_v2, client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201
    assert post_intake(intake_v2(reference="ONT-22222A")).status_code == 201

    answers = [ask(code="483921"), ask(reference="ONT-7K3M9R"), ask(reference="ONT-22222A"), ask(code="000000")]

    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert all(answer.json() == NOT_FOUND for answer in answers)
    assert len({answer.content for answer in answers}) == 1
    assert audit_entries(client) == [
        (REFERENCE, "wrong code"),
        (None, "unknown reference"),
        ("ONT-22222A", "intake without status code"),
        (REFERENCE, "wrong code"),
    ]


def test_the_same_code_on_another_intake_does_not_open_this_one(intake_v3, client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201
    assert post_intake(intake_v3(reference="ONT-22222A", status_code="111111")).status_code == 201

    assert ask(reference="ONT-22222A", code=STATUS_CODE).status_code == 404
    assert ask(reference=REFERENCE, code="111111").status_code == 404
    assert ask(reference="ONT-22222A", code="111111").json() == {"status": "new"}
    with client.app.state.database.sessions() as db:
        hashes = set(db.scalars(select(Intake.status_code_hash)))
    assert len(hashes) == 2


def test_an_erased_intake_is_not_found(intake_v3, client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201
    assert ask().status_code == 200
    add_user(client, "beheer", "admin", None)
    assert log_in(client, "beheer").status_code == 303
    page = f"/coach/intakes/{REFERENCE}"
    assert post_form(client, page, f"{page}/erase", {"confirm": REFERENCE}).status_code == 303
    with client.app.state.database.sessions() as db:
        assert db.scalar(select(Intake).where(Intake.reference == REFERENCE)) is None

    response = ask()

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_five_wrong_codes_block_the_reference_for_fifteen_minutes(intake_v3, client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201
    assert post_intake(intake_v3(reference="ONT-22222A", status_code="111111")).status_code == 201
    for wrong in range(5):
        assert ask(code=f"00000{wrong}").status_code == 404

    blocked = ask()  # even the right code: the limit is on the reference

    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    assert STATUS_CODE not in blocked.text and REFERENCE not in blocked.text
    assert ask(code="000009").status_code == 429
    # Another reference is not affected.
    assert ask(reference="ONT-22222A", code="111111").json() == {"status": "new"}
    assert audit_entries(client)[-2:][0] == (REFERENCE, "refused: too many wrong codes")
    # Fifteen minutes after the wrong codes (the limiter's clock), the right code works again.
    limiter = client.app.state.status_limiter
    assert limiter.retry_after(REFERENCE, now=time.time() + 15 * 60 + 1) == 0


def test_unknown_references_are_limited_too_so_the_limit_does_not_tell_which_exist(client, ask):
    for wrong in range(5):
        assert ask(reference="ONT-33333B", code=f"00000{wrong}").status_code == 404

    assert ask(reference="ONT-33333B").status_code == 429


def test_a_right_code_clears_the_count_of_wrong_ones(intake_v3, client, post_intake, ask):
    assert post_intake(intake_v3()).status_code == 201
    for wrong in range(4):
        assert ask(code=f"00000{wrong}").status_code == 404
    assert ask().status_code == 200
    for wrong in range(4):
        assert ask(code=f"00000{wrong}").status_code == 404

    assert ask().status_code == 200


def test_the_limiter_window_slides_and_old_rows_are_deleted(client):
    attempts = client.app.state.status_limiter.attempts
    limiter = status_lookup.WrongCodeLimiter(attempts, max_wrong=2, window_seconds=60)
    limiter.wrong("ONT-AAAAAA", now=0)
    limiter.wrong("ONT-AAAAAA", now=30)
    assert limiter.retry_after("ONT-AAAAAA", now=31) == 29
    assert limiter.retry_after("ONT-AAAAAA", now=60) == 0  # the first left the window
    for reference in ("ONT-BBBBBB", "ONT-CCCCCC", "ONT-DDDDDD"):
        limiter.wrong(reference, now=91)
    with client.app.state.database.sessions() as db:
        rows = db.scalars(select(FailedAttempt)).all()
    assert sorted(row.at for row in rows) == [91, 91, 91]  # those that left the window are gone
    assert not any("ONT-" in row.key_hash for row in rows)


def test_unsigned_forged_and_stale_lookups_are_401(intake_v3, client, settings, post_intake):
    assert post_intake(intake_v3()).status_code == 201
    body = json.dumps({"reference": REFERENCE, "code": STATUS_CODE}).encode()
    url = "/api/v1/intake-status"
    json_type = {"content-type": "application/json"}

    assert client.post(url, content=body, headers=json_type).status_code == 401
    forged = sign(generate_webhook_secret(), "msg_forged", int(time.time()), body)
    assert client.post(url, content=body, headers={**forged, **json_type}).status_code == 401
    stale = sign(settings.webhook_secret, "msg_stale", int(time.time()) - 301, body)
    assert client.post(url, content=body, headers={**stale, **json_type}).status_code == 401
    assert audit_entries(client) == []


def test_malformed_bodies_are_422_without_echoing_them_and_large_ones_413(client, ask):
    for body in (
        b"not json",
        json.dumps({"reference": REFERENCE}).encode(),
        json.dumps({"reference": REFERENCE, "code": 483920}).encode(),
        json.dumps({"reference": REFERENCE, "code": "48392"}).encode(),
        json.dumps({"reference": "ont-7k3m9q", "code": STATUS_CODE}).encode(),
        json.dumps({"reference": REFERENCE, "code": STATUS_CODE, "name": "Milena"}).encode(),
    ):
        response = ask(body=body)
        assert response.status_code == 422, body
        assert STATUS_CODE not in response.text and "Milena" not in response.text

    too_large = json.dumps({"reference": REFERENCE, "code": STATUS_CODE, "x": "y" * 2000}).encode()
    assert ask(body=too_large).status_code == 413


def test_no_reference_or_code_in_logs_or_audit(intake_v3, client, post_intake, ask, caplog):
    assert post_intake(intake_v3()).status_code == 201
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        ask()
        ask(code="654321")
        ask(reference="ONT-7K3M9R", code="777777")
        for wrong in range(5):
            ask(code=f"99999{wrong}")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "status lookup: found" in logged and "status lookup: wrong code" in logged
    for secret in (REFERENCE, "ONT-7K3M9R", STATUS_CODE, "654321", "777777", "999990"):
        assert secret not in logged
    with client.app.state.database.sessions() as db:
        details = " ".join(row.detail or "" for row in db.scalars(select(AuditEntry)))
        references = {row.reference for row in db.scalars(select(AuditEntry))}
    for code in (STATUS_CODE, "654321", "777777", "999990"):
        assert code not in details
    assert "ONT-7K3M9R" not in references


def test_a_code_hashed_under_an_old_data_key_matches_and_is_hashed_again_under_the_new(
    intake_v3, settings, post_intake, ask, client
):
    assert post_intake(intake_v3()).status_code == 201
    with client.app.state.database.sessions() as db:
        before = db.scalars(select(Intake.status_code_hash)).one()
    rotated = settings.model_copy(update={"data_keys": f"{Fernet.generate_key().decode()},{settings.data_keys}"})

    with make_client(rotated) as after_rotation:
        body = json.dumps({"reference": REFERENCE, "code": STATUS_CODE}).encode()
        headers = sign(settings.webhook_secret, "msg_rotated", int(time.time()), body)
        response = after_rotation.post(
            "/api/v1/intake-status", content=body, headers={**headers, "content-type": "application/json"}
        )
        assert response.json() == {"status": "new"}
        with after_rotation.app.state.database.sessions() as db:
            after = db.scalars(select(Intake.status_code_hash)).one()

    assert after != before
    new_key_only = DataCipher.from_setting(rotated.data_keys.split(",")[0])
    assert new_key_only.keyed_hash_matches(f"intake status code {REFERENCE}", STATUS_CODE, after) == (True, True)
