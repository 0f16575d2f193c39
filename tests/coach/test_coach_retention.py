"""Erasure that leaves nothing behind (secure_delete, VACUUM), a retention limit for intakes never closed with a
warning beforehand, and tracker erasures that failed being retried by the retention job."""

import logging
import re
import sqlite3
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from coach import admin, retention
from coach.crypto import DataCipher
from coach.models import AuditEntry, Intake, PendingErasure, utcnow
from coach.routers.templating import local_date
from tests.coach.conftest import make_client, post_form, signed_post

CONVERSATION = "c2f1a7e0-0000-4000-8000-000000000001"


def sqlite_file(settings) -> str:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite only")
    return settings.database_url.removeprefix("sqlite:///")


def audit_of(db, reference_code: str) -> list[tuple[str, str | None]]:
    query = select(AuditEntry).where(AuditEntry.reference == reference_code).order_by(AuditEntry.id)
    return [(entry.action, entry.detail) for entry in db.scalars(query)]


@pytest.fixture
def sqlite_secure_delete_off_by_default(monkeypatch):
    """Like most SQLite builds (Debian's turns secure_delete on at compile time): off unless the app says so."""
    plain_connect = sqlite3.dbapi2.connect  # what SQLAlchemy's pysqlite dialect calls

    def connect(*args, **kwargs):
        connection = plain_connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)


def test_every_sqlite_connection_has_secure_delete_on(sqlite_secure_delete_off_by_default, client, settings):
    sqlite_file(settings)
    engine = client.app.state.database.engine
    for _ in range(3):
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_an_erased_intake_leaves_no_trace_in_the_database_file(
    sqlite_secure_delete_off_by_default, intake_payload, admin_client, settings, post_intake
):
    path = sqlite_file(settings)
    assert post_intake(intake_payload(), webhook_id="msg_marker_5b1e0c").status_code == 201
    with admin_client.app.state.database.sessions() as db:
        ciphertext = db.scalars(select(Intake.payload_enc)).one()
    page = "/coach/intakes/ONT-7K3M9Q"
    post_form(admin_client, page, f"{page}/notes", {"text": "note"})
    raw = open(path, "rb").read()  # noqa: SIM115
    assert b"msg_marker_5b1e0c" in raw and ciphertext[:60].encode() in raw

    assert post_form(admin_client, page, f"{page}/erase", {"confirm": "ONT-7K3M9Q"}).status_code == 303

    raw = open(path, "rb").read()  # noqa: SIM115
    assert b"msg_marker_5b1e0c" not in raw
    assert ciphertext[:60].encode() not in raw
    assert CONVERSATION.encode() not in raw  # the pending tracker erasure keeps it encrypted only


def test_a_purge_that_deleted_rows_vacuums_the_file(intake_payload, client, post_intake, settings):
    sqlite_file(settings)
    filler = "x" * 1900
    for index in range(40):
        body = intake_payload(reference=f"ONT-AAAA{'23456789ABCDEFGHJKMNPQRSTUVWXYZ'[index % 31]}{index // 31 + 2}")
        body["needs"][1]["evidence"] = filler
        assert post_intake(body).status_code == 201
    with client.app.state.database.sessions() as db:
        for intake in db.scalars(select(Intake)):
            intake.status, intake.closed_at = "closed", utcnow() - timedelta(days=200)
        db.commit()
        assert len(retention.purge_expired(db, client.app.state.cipher, settings)) == 40
    with client.app.state.database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA freelist_count")).scalar() == 0


def test_intakes_never_closed_are_deleted_a_year_after_arrival(intake_payload, client, post_intake, settings):
    codes = {"ONT-AAAAAA": 366, "ONT-BBBBBB": 364, "ONT-CCCCCC": 400}
    for code in codes:
        assert post_intake(intake_payload(reference=code)).status_code == 201
    with client.app.state.database.sessions() as db:
        for intake in db.scalars(select(Intake)):
            intake.received_at = utcnow() - timedelta(days=codes[intake.reference])
        db.scalar(select(Intake).where(Intake.reference == "ONT-CCCCCC")).status = "contacted"
        db.commit()

        gone = retention.purge_expired(db, client.app.state.cipher, settings)

        assert sorted(gone) == ["ONT-AAAAAA", "ONT-CCCCCC"]
        assert list(db.scalars(select(Intake.reference))) == ["ONT-BBBBBB"]
        assert ("retention_delete", "open 365 days") in audit_of(db, "ONT-AAAAAA")
    shorter = settings.model_copy(update={"retention_open_days": 30})
    assert admin.purge(shorter) == ["ONT-BBBBBB"]


def test_coaches_are_warned_30_days_before_an_open_intake_is_deleted(
    intake_payload, coach_client, post_intake, settings
):
    ages = {"ONT-AAAAAA": 340, "ONT-BBBBBB": 300}
    for code in ages:
        assert post_intake(intake_payload(reference=code)).status_code == 201
    with coach_client.app.state.database.sessions() as db:
        for intake in db.scalars(select(Intake)):
            intake.received_at = utcnow() - timedelta(days=ages[intake.reference])
        db.commit()

    inbox = coach_client.get("/coach?team=alle").text
    rows = {re.search(r"ONT-\w{6}", row).group(0): row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", inbox, re.S)[1:]}
    assert "wordt gewist op" in rows["ONT-AAAAAA"]
    assert "wordt gewist op" not in rows["ONT-BBBBBB"]
    warned = coach_client.get("/coach/intakes/ONT-AAAAAA").text
    assert 'id="retention-warning"' in warned and "automatisch gewist" in warned
    assert local_date(utcnow() + timedelta(days=25)) in warned  # the day in Ghent (after 23:00 UTC, tomorrow's)
    assert 'id="retention-warning"' not in coach_client.get("/coach/intakes/ONT-BBBBBB").text
    post_form(coach_client, "/coach/intakes/ONT-AAAAAA", "/coach/intakes/ONT-AAAAAA/status", {"status": "closed"})
    assert 'id="retention-warning"' not in coach_client.get("/coach/intakes/ONT-AAAAAA").text


def test_a_failed_tracker_erasure_is_kept_encrypted_and_retried_until_rasa_confirms(
    intake_payload, settings, fake_server, caplog
):
    rasa_url, rasa = fake_server
    settings = settings.model_copy(update={"rasa_url": rasa_url, "rasa_jwt_secret": "tok3n"})
    rasa.fail = True
    caplog.set_level(logging.DEBUG)
    with make_client(settings) as client:
        assert signed_post(client, settings.webhook_secret, intake_payload()).status_code == 201
        found, rasa_ok = admin.erase(settings, "ONT-7K3M9Q")
        assert found and not rasa_ok
        cipher = client.app.state.cipher
        with client.app.state.database.sessions() as db:
            pending = db.scalars(select(PendingErasure)).one()
            assert CONVERSATION not in pending.conversation_enc
            assert cipher.decrypt(pending.conversation_enc) == CONVERSATION
            assert ("rasa_erasure", "failed, retry planned") in audit_of(db, "ONT-7K3M9Q")

            # Not due yet: nothing is tried.
            assert retention.retry_erasures(db, cipher, settings) == (0, 1)
            assert len(rasa.calls) == 1
            # Due, Rasa still down: tried again, later again.
            later = utcnow() + timedelta(minutes=6)
            assert retention.retry_erasures(db, cipher, settings, now=later) == (0, 1)
            assert len(rasa.calls) == 2
            assert db.scalars(select(PendingErasure)).one().attempts == 2
            # Rasa back: erased, the entry goes, the audit says so.
            rasa.fail = False
            assert retention.retry_erasures(db, cipher, settings, now=later + timedelta(hours=7)) == (1, 0)
            assert db.scalars(select(PendingErasure)).all() == []
            assert ("rasa_erasure", "ok after 3 attempts") in audit_of(db, "ONT-7K3M9Q")
        assert [call["path"] for call in rasa.calls] == [f"/conversations/{CONVERSATION}/tracker/events"] * 3
    for record in caplog.records:
        assert CONVERSATION not in record.getMessage()


def test_the_retention_job_retries_and_gives_up_after_14_days(intake_payload, settings, fake_server):
    rasa_url, rasa = fake_server
    settings = settings.model_copy(update={"rasa_url": rasa_url})
    rasa.fail = True
    with make_client(settings) as client:
        assert signed_post(client, settings.webhook_secret, intake_payload()).status_code == 201
        admin.erase(settings, "ONT-7K3M9Q")
        with client.app.state.database.sessions() as db:
            retention.run_retention(db, client.app.state.cipher, settings, now=utcnow() + timedelta(days=15))
            assert db.scalars(select(PendingErasure)).all() == []
            assert ("rasa_erasure", "abandoned after 2 attempts") in audit_of(db, "ONT-7K3M9Q")


def test_key_rotation_also_re_encrypts_pending_erasures(intake_payload, settings):
    with make_client(settings) as client:
        assert signed_post(client, settings.webhook_secret, intake_payload()).status_code == 201
        admin.erase(settings, "ONT-7K3M9Q")  # Rasa unreachable in tests: one pending erasure
    new_key = Fernet.generate_key().decode()
    admin.rotate_keys(settings.model_copy(update={"data_keys": f"{new_key},{settings.data_keys}"}))
    rotated = settings.model_copy(update={"data_keys": new_key})
    with make_client(rotated) as client, client.app.state.database.sessions() as db:
        token = db.scalars(select(PendingErasure.conversation_enc)).one()
    assert DataCipher.from_setting(new_key).decrypt(token) == CONVERSATION
