"""POST /api/v1/intakes: signatures, replays, validation and what ends up stored."""

import hashlib
import json
import time
from pathlib import Path

from sqlalchemy import func, select

from coach.models import Intake
from coach.settings import generate_webhook_secret as random_secret
from coach.signing import sign


def stored_count(client) -> int:
    with client.app.state.database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Intake))


def test_valid_intake_is_stored_encrypted_and_listed(intake_payload, client, post_intake, coach_client):
    response = post_intake(intake_payload(), webhook_id="msg_first")

    assert response.status_code == 201
    assert response.json() == {"reference": "ONT-7K3M9Q"}
    with client.app.state.database.sessions() as session:
        intake = session.scalars(select(Intake)).one()
    assert intake.webhook_id == "msg_first"
    assert intake.language == "bg"
    assert intake.neighbourhood == "bloemekenswijk"
    assert intake.complete is True
    assert intake.needs_count == 2
    assert intake.submitted_at.isoformat() == "2026-11-27T10:15:00+00:00"
    assert intake.team == "west" and intake.status == "new"
    assert "Milena" not in intake.payload_enc
    assert client.app.state.cipher.decrypt_json(intake.payload_enc)["answers"]["name"] == "Milena"
    assert "ONT-7K3M9Q" in coach_client.get("/coach").text


def test_signature_with_another_secret_is_rejected(intake_payload, client, post_intake):
    response = post_intake(intake_payload(), secret=random_secret())

    assert response.status_code == 401
    assert stored_count(client) == 0


def test_body_changed_after_signing_is_rejected(intake_payload, client, post_intake, settings):
    signed_body = json.dumps(intake_payload()).encode()
    headers = sign(settings.webhook_secret, "msg_tampered", int(time.time()), signed_body)
    tampered = json.dumps(intake_payload(language="nl")).encode()

    assert post_intake(tampered, headers=headers).status_code == 401
    assert stored_count(client) == 0


def test_one_valid_signature_among_several_suffices(intake_payload, client, post_intake, settings):
    body = json.dumps(intake_payload()).encode()
    headers = sign(settings.webhook_secret, "msg_rotated", int(time.time()), body)
    old = sign(random_secret(), "msg_rotated", int(time.time()), body)["webhook-signature"]
    headers["webhook-signature"] = f"{old} v2,notsupported {headers['webhook-signature']}"

    assert post_intake(body, headers=headers).status_code == 201


def test_missing_headers_are_rejected(intake_payload, client, post_intake, settings):
    body = json.dumps(intake_payload()).encode()
    complete = sign(settings.webhook_secret, "msg_missing", int(time.time()), body)
    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        headers = {name: value for name, value in complete.items() if name != missing}
        response = post_intake(body, headers=headers)
        assert response.status_code == 401, missing
    assert post_intake(body, headers={}).status_code == 401
    assert stored_count(client) == 0


def test_stale_and_future_timestamps_are_rejected(client, post_intake):
    six_minutes = 6 * 60
    assert post_intake(timestamp=int(time.time()) - six_minutes).status_code == 401
    assert post_intake(timestamp=int(time.time()) + six_minutes).status_code == 401
    assert stored_count(client) == 0
    # Within the five minutes a delayed retry still counts.
    assert post_intake(timestamp=int(time.time()) - 4 * 60).status_code == 201


def test_replayed_webhook_id_is_stored_once(intake_payload, client, post_intake):
    first = post_intake(intake_payload(), webhook_id="msg_retry")
    replay = post_intake(intake_payload(), webhook_id="msg_retry")

    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.json() == {"reference": "ONT-7K3M9Q", "duplicate": True}
    assert stored_count(client) == 1


def test_same_reference_under_a_new_webhook_id_is_409_and_changes_nothing(intake_payload, client, post_intake):
    assert post_intake(intake_payload(), webhook_id="msg_a").status_code == 201
    collision = post_intake(intake_payload(language="nl"), webhook_id="msg_b")

    assert collision.status_code == 409
    assert collision.json() == {"detail": "reference already in use", "reference": "ONT-7K3M9Q"}
    assert stored_count(client) == 1
    with client.app.state.database.sessions() as session:
        assert session.scalars(select(Intake.language)).one() == "bg"
        assert session.scalars(select(Intake.webhook_id)).one() == "msg_a"
    # The sender's retry of the first intake is still a duplicate, and a new reference is stored.
    assert post_intake(intake_payload(), webhook_id="msg_a").status_code == 200
    assert post_intake(intake_payload(reference="ONT-7K3M9R"), webhook_id="msg_b").status_code == 201
    assert stored_count(client) == 2


def test_v2_intake_is_stored_with_its_clear_filter_columns(intake_v2, client, post_intake):
    payload = intake_v2(flags=["no_income", "crisis"])
    response = post_intake(payload)

    assert response.status_code == 201, response.text
    with client.app.state.database.sessions() as session:
        intake = session.scalars(select(Intake)).one()
    assert intake.schema_version == 2
    assert intake.urgency == 2
    assert intake.flags.split() == ["no_income", "crisis"]
    assert intake.need_ids.split() == ["family_care", "financial_need"]
    stored = client.app.state.cipher.decrypt_json(intake.payload_enc)
    assert stored == json.loads(json.dumps(payload)) | {"submitted_at": "2026-11-27T10:15:00Z"}


def test_v3_intake_is_stored_with_its_answers_and_only_a_keyed_hash_of_its_status_code(
    intake_v3, client, post_intake, settings
):
    payload = intake_v3()
    response = post_intake(payload)

    assert response.status_code == 201, response.text
    with client.app.state.database.sessions() as session:
        intake = session.scalars(select(Intake)).one()
    assert intake.schema_version == 3
    stored = client.app.state.cipher.decrypt_json(intake.payload_enc)
    assert stored["answers"]["social_worker"] == "Sara, OCMW Ledeberg"
    assert stored["answers"]["help_with"] == ["work", "money", "papers"]
    assert "status_code" not in stored
    expected = {key: value for key, value in payload.items() if key != "status_code"}
    assert stored == json.loads(json.dumps(expected)) | {"submitted_at": "2026-11-27T10:15:00Z"}
    # The hash is keyed: a plain SHA-256 of the code (or of reference and code) is not what is stored.
    assert len(intake.status_code_hash) == 64 and "483920" not in intake.status_code_hash
    for guess in ("483920", "ONT-7K3M9Q483920", "ONT-7K3M9Q:483920"):
        assert intake.status_code_hash != hashlib.sha256(guess.encode()).hexdigest()
    if settings.database_url.startswith("sqlite:///"):
        assert b"483920" not in Path(settings.database_url.removeprefix("sqlite:///")).read_bytes()


def test_v2_intake_still_accepted_without_a_status_code(intake_v2, client, post_intake):
    assert post_intake(intake_v2()).status_code == 201
    with client.app.state.database.sessions() as session:
        intake = session.scalars(select(Intake)).one()
    assert intake.schema_version == 2 and intake.status_code_hash is None


def test_v3_contract_violations_are_422_at_the_offending_field(intake_v3, client, post_intake):
    answers = intake_v3()["answers"]
    cases = {
        "no status code": ({k: v for k, v in intake_v3().items() if k != "status_code"}, ("status_code",)),
        "short status code": (intake_v3(status_code="12345"), ("status_code",)),
        "status code as number": (intake_v3(status_code=483920), ("status_code",)),
        "unknown help domain": (intake_v3(answers={**answers, "help_with": ["cooking"]}), ("answers", "help_with", 0)),
        "help domain twice": (intake_v3(answers={**answers, "help_with": ["work", "work"]}), ("answers", "help_with")),
        "social worker too long": (
            intake_v3(answers={**answers, "social_worker": "S" * 201}),
            ("answers", "social_worker"),
        ),
        "v3 answers missing": (
            intake_v3(answers={k: v for k, v in answers.items() if k != "help_with"}),
            ("answers", "help_with"),
        ),
        "v3 fields under version 2": (intake_v3(schema_version=2), ("status_code",)),
    }
    for name, (payload, location) in cases.items():
        assert location in schema_error_locations(post_intake(payload)), name
    assert stored_count(client) == 0


def test_v1_intake_is_read_as_v2(intake_payload, client, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    with client.app.state.database.sessions() as session:
        intake = session.scalars(select(Intake)).one()
    stored = client.app.state.cipher.decrypt_json(intake.payload_enc)

    assert intake.schema_version == 1
    assert stored["schema_version"] == 2
    assert stored["checklist"]["housing"] == "reported"
    assert stored["checklist"]["motivation"] == "not_asked"
    assert stored["answers"]["age_band"] is None and stored["flags"] == []
    assert stored["needs"][1] == {
        "id": "financial_need",
        "source": "text",
        "evidence": "Ik heb geen geld voor de huur",
        "question": "needs",
    }


def test_v2_contract_violations_are_422(intake_v2, client, post_intake):
    checklist = intake_v2()["checklist"]
    missing = {key: value for key, value in checklist.items() if key != "aggression"}
    answers = intake_v2()["answers"]
    cases = {
        "checklist incomplete": (intake_v2(checklist=missing), ("checklist", "aggression")),
        "checklist unknown state": (intake_v2(checklist={**checklist, "housing": "maybe"}), ("checklist", "housing")),
        "unknown flag": (intake_v2(flags=["sad"]), ("flags", 0)),
        "flag twice": (intake_v2(flags=["crisis", "crisis"]), ("flags",)),
        "answer missing": (
            intake_v2(answers={key: value for key, value in answers.items() if key != "income"}),
            ("answers", "income"),
        ),
        "message too long": (
            intake_v2(messages=[{"question": "work_wish", "text": "x" * 2001, "language": "bg"}]),
            ("messages", 0, "text"),
        ),
        "unknown media kind": (
            intake_v2(media=[{"kind": "gif", "received_at": "2026-11-27T10:00:00Z"}]),
            ("media", 0, "kind"),
        ),
    }
    for name, (payload, location) in cases.items():
        assert location in schema_error_locations(post_intake(payload)), name
    assert stored_count(client) == 0


def test_body_that_is_not_json_is_422(client, post_intake):
    response = post_intake(b'{"schema_version": 1, "reference": ')

    assert response.status_code == 422
    assert response.json()["detail"] == "body is not valid JSON"
    assert stored_count(client) == 0


def schema_error_locations(response) -> list[tuple]:
    assert response.status_code == 422
    return [tuple(error["loc"]) for error in response.json()["errors"]]


def test_unknown_need_id_is_422(intake_payload, client, post_intake):
    payload = intake_payload(needs=[{"id": "loneliness", "source": "button", "evidence": None}])

    assert ("needs", 0, "id") in schema_error_locations(post_intake(payload))
    assert stored_count(client) == 0


def test_unknown_language_is_422(intake_payload, client, post_intake):
    assert ("language",) in schema_error_locations(post_intake(intake_payload(language="fr")))


def test_nul_characters_are_422_and_nothing_is_stored(intake_payload, client, post_intake):
    # Found by schemathesis: PostgreSQL cannot store NUL in text, which turned into a server error.
    before = stored_count(client)
    assert ("channel",) in schema_error_locations(post_intake(intake_payload(channel="rest\x00")))
    answers = {**intake_payload()["answers"], "name": "Mil\x00ena"}
    assert ("answers", "name") in schema_error_locations(post_intake(intake_payload(answers=answers)))
    assert stored_count(client) == before


def test_unknown_neighbourhood_is_422_and_null_is_fine(intake_payload, client, post_intake):
    answers = {**intake_payload()["answers"], "neighbourhood": "brussel"}
    assert ("answers", "neighbourhood") in schema_error_locations(post_intake(intake_payload(answers=answers)))

    answers["neighbourhood"] = None
    assert post_intake(intake_payload(answers=answers)).status_code == 201


def test_schema_errors_do_not_echo_personal_data(intake_payload, client, post_intake):
    answers = {**intake_payload()["answers"], "name": "Milena" * 50}  # 300 characters, limit is 200
    response = post_intake(intake_payload(answers=answers))

    assert ("answers", "name") in schema_error_locations(response)
    assert "Milena" not in response.text


def test_contract_violations_are_422_at_the_offending_field(intake_payload, client, post_intake):
    answers = intake_payload()["answers"]
    housing = {"id": "housing", "source": "button", "evidence": None}
    cases = {
        "extra field": (intake_payload(age=36), ("age",)),
        "version 4": (intake_payload(schema_version=4), ("schema_version",)),
        "version as text": (intake_payload(schema_version="1"), ("schema_version",)),
        "reference with O": (intake_payload(reference="ONT-7K3M9O"), ("reference",)),
        "reference lower case": (intake_payload(reference="ont-7k3m9q"), ("reference",)),
        "complete as text": (intake_payload(complete="true"), ("complete",)),
        "naive time": (intake_payload(submitted_at="2026-11-27T10:15:00"), ("submitted_at",)),
        "unknown contact method": (
            intake_payload(answers={**answers, "contact_method": "pigeon"}),
            ("answers", "contact_method"),
        ),
        "extra answer": (intake_payload(answers={**answers, "age": 36}), ("answers", "age")),
        "unknown skipped question": (intake_payload(skipped=["age"]), ("skipped", 0)),
        "question skipped twice": (intake_payload(skipped=["name", "name"]), ("skipped",)),
        "unknown needs answer": (intake_payload(needs_answer="maybe"), ("needs_answer",)),
        "unknown need source": (
            intake_payload(needs=[{**housing, "source": "voice"}]),
            ("needs", 0, "source"),
        ),
        "evidence too long": (
            intake_payload(needs=[{**housing, "source": "text", "evidence": "x" * 2001}]),
            ("needs", 0, "evidence"),
        ),
        "need twice": (intake_payload(needs=[housing, housing]), ("needs",)),
        "missing conversation id": (
            {k: v for k, v in intake_payload().items() if k != "conversation_id"},
            ("conversation_id",),
        ),
        "not an object": ([intake_payload()], ()),
    }
    for name, (payload, location) in cases.items():
        assert location in schema_error_locations(post_intake(payload)), name
    assert stored_count(client) == 0


def test_body_larger_than_limit_is_refused(client, post_intake):
    response = post_intake(b"{" + b" " * (300 * 1024) + b"}")

    assert response.status_code == 413
    assert stored_count(client) == 0
