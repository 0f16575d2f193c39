"""What the coach page routers share: form and query field types, opening an intake, saving a change."""

from typing import Annotated

from fastapi import Form, HTTPException, Query, Response, status
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from coach import audit, intakes, outbox_status
from coach.deps import can_open
from coach.models import Intake, UserSession, utcnow
from coach.schemas import NO_NUL

CsrfField = Annotated[str, Form(max_length=128)]
FilterValue = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]


def back_to(reference_code: str) -> RedirectResponse:
    return RedirectResponse(f"/coach/intakes/{reference_code}", status_code=status.HTTP_303_SEE_OTHER)


def saved(db: Session, session: UserSession, intake: Intake, action: str, detail: str = "") -> Response:
    """A coach changed the intake: stamp it, write the audit entry (never content), commit, show it again."""
    intake.updated_at = utcnow()
    audit.record(db, session.user.username, action, intake.reference, detail)
    db.commit()
    return back_to(intake.reference)


def open_intake(db: Session, session: UserSession, reference_code: str) -> Intake:
    intake = intakes.find(db, reference_code)
    if intake is None or not can_open(session.user, intake.assisted_by):
        # Same answer for "does not exist" and "not yours": no probing of references.
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return intake


def outbox_for(db: Session, session: UserSession) -> outbox_status.OutboxHealth | None:
    """The action server's delivery report, for admins only (coaches cannot act on it)."""
    return outbox_status.health(db) if session.user.role == "admin" else None


def coach_only(session: UserSession) -> None:
    if session.user.role not in ("coach", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only coaches")


def blank(value: str | None) -> str | None:
    return value if value else None
