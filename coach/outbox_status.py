"""The action server's outbox report: its contract, the one stored row, and what admins are shown.

The action server POSTs `{"pending", "dead_letters", "oldest_pending_seconds", "reported_at"}` to
`/api/v1/outbox-status`, signed like an intake (coach/signing.py). Only the newest report is kept. Admins see the
dead letters (intakes the coach service refused for good, which no retry will deliver) and a warning when no
report arrived for `STALE_AFTER`, which means the sender (or the whole action server) has stopped.
"""

from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from coach.models import OutboxReport, utcnow

STALE_AFTER = timedelta(minutes=15)
_ROW_ID = 1
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


class OutboxStatusIn(BaseModel):
    """The signed report of the action server's outbox. Counts and times only."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    pending: Count
    dead_letters: Count
    oldest_pending_seconds: Annotated[float, Field(ge=0, le=10 * 365 * 24 * 3600)] | None
    reported_at: AwareDatetime


class OutboxHealth(BaseModel):
    """The latest report as admins see it; all null (and `stale`) before the first report."""

    pending: int | None
    dead_letters: int | None
    oldest_pending_seconds: float | None
    reported_at: datetime | None
    received_at: datetime | None
    stale: bool = Field(description="no report received for over 15 minutes (or never)")


def store(db: Session, report: OutboxStatusIn, now: datetime | None = None) -> bool:
    """Keep `report` unless a newer one is stored already (a replayed old report must not hide dead letters);
    returns whether it was kept. Not committed."""
    row = db.get(OutboxReport, _ROW_ID)
    if row is not None and row.reported_at > report.reported_at:
        return False
    row = row or OutboxReport(id=_ROW_ID)
    row.pending = report.pending
    row.dead_letters = report.dead_letters
    row.oldest_pending_seconds = report.oldest_pending_seconds
    row.reported_at = report.reported_at
    row.received_at = now or utcnow()
    db.add(row)
    return True


def health(db: Session, now: datetime | None = None) -> OutboxHealth:
    """The stored report and whether it is stale."""
    row = db.get(OutboxReport, _ROW_ID)
    if row is None:
        return OutboxHealth(
            pending=None,
            dead_letters=None,
            oldest_pending_seconds=None,
            reported_at=None,
            received_at=None,
            stale=True,
        )
    return OutboxHealth(
        pending=row.pending,
        dead_letters=row.dead_letters,
        oldest_pending_seconds=row.oldest_pending_seconds,
        reported_at=row.reported_at,
        received_at=row.received_at,
        stale=(now or utcnow()) - row.received_at > STALE_AFTER,
    )
