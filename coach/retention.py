"""Retention and erasure: closed intakes go `ONTHAAL_RETENTION_DAYS` (180) after closing, intakes never closed
`ONTHAAL_RETENTION_OPEN_DAYS` (365) after they arrived; one intake goes on request. Each also removes the
conversation from Rasa's tracker store and audits whether that worked; an erasure Rasa did not confirm (down,
refused, timed out) is kept, with the conversation id encrypted, and retried with backoff by the job until Rasa
confirms or `GIVE_UP_AFTER` has passed. Log lines carry counts only, never an id.

The job (`run_retention`) runs inside the service every `ONTHAAL_RETENTION_INTERVAL_SECONDS` (default hourly)
and from cron with `tools/coach_admin.py purge`. After a purge that deleted rows, SQLite's file is vacuumed.
"""

import asyncio
import logging
from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from coach import audit, intakes, rasa
from coach.attempts import only_one_at_a_time
from coach.crypto import DataCipher
from coach.db import Database, vacuum
from coach.models import Intake, PendingErasure, utcnow
from coach.settings import Settings

logger = logging.getLogger(__name__)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
# Rasa deletes a conversation on its own after ONTHAAL_CONVERSATION_TTL_HOURS; two weeks covers any outage.
GIVE_UP_AFTER = timedelta(days=14)


def erase_intake(
    db: Session, intake: Intake, cipher: DataCipher, settings: Settings, username: str | None, action: str = "erase"
) -> bool:
    """Delete one intake (committed) and its Rasa conversation; returns whether Rasa confirmed the erasure
    (when not, the erasure is kept for `retry_erasures`)."""
    reference_code = intake.reference
    detail = "" if action == "erase" else _why_expired(intake, settings)
    conversation_id = intakes.erase(db, intake, cipher, username, action, detail)
    db.commit()
    erased = rasa.erase_conversation(settings.rasa_url, settings.rasa_jwt_secret, conversation_id)
    if erased:
        audit.record(db, username, "rasa_erasure", reference_code, "ok")
    elif conversation_id:
        now = utcnow()
        db.add(
            PendingErasure(
                reference=reference_code,
                conversation_enc=cipher.encrypt(conversation_id),
                attempts=1,
                created_at=now,
                next_attempt_at=now + FIRST_RETRY,
            )
        )
        audit.record(db, username, "rasa_erasure", reference_code, "failed, retry planned")
    else:
        audit.record(db, username, "rasa_erasure", reference_code, "failed, no conversation id")
    db.commit()
    return erased


def _why_expired(intake: Intake, settings: Settings) -> str:
    if intake.status == "closed":
        return ""
    return f"open {settings.retention_open_days} days"


def purge_expired(db: Session, cipher: DataCipher, settings: Settings, now: datetime | None = None) -> list[str]:
    """Erase every intake past its retention, then vacuum SQLite; returns their references."""
    gone = []
    for intake in intakes.expired(db, settings.retention_days, settings.retention_open_days, now):
        gone.append(intake.reference)
        erase_intake(db, intake, cipher, settings, None, action="retention_delete")
    if gone:
        logger.info("retention: %d intake(s) deleted", len(gone))
        vacuum(db.get_bind())  # type: ignore[arg-type]
    return gone


def retry_erasures(db: Session, cipher: DataCipher, settings: Settings, now: datetime | None = None) -> tuple[int, int]:
    """Try every due pending tracker erasure again; returns (erased now, still pending)."""
    now = now or utcnow()
    erased = 0
    due = db.scalars(select(PendingErasure).where(PendingErasure.next_attempt_at <= now).order_by(PendingErasure.id))
    for pending in list(due):
        attempts = pending.attempts + 1
        try:
            conversation_id = cipher.decrypt(pending.conversation_enc)
        except ValueError:  # the data key is gone: it can never be tried again
            audit.record(db, None, "rasa_erasure", pending.reference, "abandoned, key lost")
            db.delete(pending)
            db.commit()
            continue
        if rasa.erase_conversation(settings.rasa_url, settings.rasa_jwt_secret, conversation_id):
            erased += 1
            audit.record(db, None, "rasa_erasure", pending.reference, f"ok after {attempts} attempts")
            db.delete(pending)
        elif now - pending.created_at > GIVE_UP_AFTER:
            audit.record(db, None, "rasa_erasure", pending.reference, f"abandoned after {attempts} attempts")
            logger.warning("retention: a tracker erasure was abandoned after %d attempts", attempts)
            db.delete(pending)
        else:
            pending.attempts = attempts
            pending.next_attempt_at = now + min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)
        db.commit()
    remaining = len(db.scalars(select(PendingErasure.id)).all())
    if erased or remaining:
        logger.info("retention: %d tracker erasure(s) done on retry, %d still pending", erased, remaining)
    return erased, remaining


def run_retention(db: Session, cipher: DataCipher, settings: Settings, now: datetime | None = None) -> list[str]:
    """One round of the job: purge what expired, retry failed tracker erasures; returns the purged references."""
    gone = purge_expired(db, cipher, settings, now)
    retry_erasures(db, cipher, settings, now)
    return gone


def run_retention_once(database: Database, cipher: DataCipher, settings: Settings) -> bool:
    """One round, unless another worker or replica is running one (then False: it does the work)."""
    with only_one_at_a_time(database.engine, "retention") as mine:
        if not mine:
            return False
        with database.sessions() as db:
            run_retention(db, cipher, settings)
        return True


async def run_periodically(app: FastAPI, settings: Settings) -> None:
    """The job in every worker; each round runs in one of them (coach/attempts.py `only_one_at_a_time`)."""
    while True:
        try:
            await asyncio.to_thread(run_retention_once, app.state.database, app.state.cipher, settings)
        except Exception as error:  # noqa: BLE001  (the job must keep running; the next round retries)
            logger.warning("retention job failed: %s", type(error).__name__)
        await asyncio.sleep(settings.retention_interval_seconds)
