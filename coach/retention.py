"""Retention and erasure: closed intakes go `ONTHAAL_RETENTION_DAYS` (default 180) after closing; one intake
goes on request. Both remove the conversation from Rasa's tracker store too and audit whether that worked.

The job runs inside the service every `ONTHAAL_RETENTION_INTERVAL_SECONDS` (default hourly) and can be run
from cron with `tools/coach_admin.py purge`.
"""

import asyncio
import logging
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy.orm import Session

from coach import audit, intakes, rasa
from coach.crypto import DataCipher
from coach.models import Intake
from coach.settings import Settings

logger = logging.getLogger(__name__)


def erase_intake(
    db: Session, intake: Intake, cipher: DataCipher, settings: Settings, username: str | None, action: str = "erase"
) -> bool:
    """Delete one intake (committed) and its Rasa conversation; returns whether Rasa confirmed the erasure."""
    reference_code = intake.reference
    conversation_id = intakes.erase(db, intake, cipher, username, action)
    db.commit()
    erased = rasa.erase_conversation(settings.rasa_url, settings.rasa_auth_token, conversation_id)
    audit.record(db, username, "rasa_erasure", reference_code, "ok" if erased else "failed")
    db.commit()
    return erased


def purge_expired(db: Session, cipher: DataCipher, settings: Settings, now: datetime | None = None) -> list[str]:
    """Erase every closed intake past its retention; returns their references."""
    gone = []
    for intake in intakes.expired(db, settings.retention_days, now):
        gone.append(intake.reference)
        erase_intake(db, intake, cipher, settings, None, action="retention_delete")
    if gone:
        logger.info("retention: %d intake(s) deleted", len(gone))
    return gone


async def run_periodically(app: FastAPI, settings: Settings) -> None:
    while True:
        try:
            with app.state.database.sessions() as db:
                await asyncio.to_thread(purge_expired, db, app.state.cipher, settings)
        except Exception as error:  # noqa: BLE001  (the job must keep running; the next round retries)
            logger.warning("retention job failed: %s", type(error).__name__)
        await asyncio.sleep(settings.retention_interval_seconds)
