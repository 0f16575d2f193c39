"""Intakes stored before migrations existed (schema v1 in plain text) are read as v2, encrypted into the new
layout, and the plain-text table is dropped. Runs at startup; does nothing on a database without them."""

import logging
from datetime import datetime

from sqlalchemy import Engine, inspect, text

from coach import intakes
from coach.crypto import DataCipher
from coach.db import LEGACY_TABLE, Database
from coach.models import UtcDateTime
from coach.schemas import IntakeIn, upgrade_v1

logger = logging.getLogger(__name__)


def _aware(value: object) -> datetime:
    return UtcDateTime().process_result_value(
        value if isinstance(value, datetime) else datetime.fromisoformat(str(value)), None
    )


def import_legacy(database: Database, cipher: DataCipher) -> int:
    engine: Engine = database.engine
    if LEGACY_TABLE not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as connection:
        rows = connection.execute(text(f'SELECT webhook_id, received_at, payload FROM "{LEGACY_TABLE}"')).all()  # noqa: S608
    with database.sessions() as db:
        for webhook_id, received_at, payload in rows:
            intake = upgrade_v1(IntakeIn.model_validate_json(payload))
            if intakes.find(db, intake.reference) is None:
                row = intakes.new_intake(intake, webhook_id, 1, cipher)
                row.received_at = _aware(received_at)
                db.add(row)
        db.commit()
    with engine.begin() as connection:
        connection.execute(text(f'DROP TABLE "{LEGACY_TABLE}"'))
    logger.warning("imported %d intake(s) stored before migrations; the plain-text table is gone", len(rows))
    return len(rows)
