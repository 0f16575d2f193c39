"""The JSON API for logged-in users (session cookie): the inbox and one intake for the case file. Audited."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from coach import audit, inbox, intakes
from coach.deps import CipherDep, DbSession, IntakeApiUser, can_open
from coach.export import export_of
from coach.schemas import NO_NUL, IntakeExport, IntakeSummary

router = APIRouter(
    prefix="/api/v1",
    tags=["coach api"],
    responses={
        401: {"description": "Not logged in (no valid session cookie)"},
        403: {"description": "A role that opens no intake (analyst)"},
    },
)
Filter = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]


@router.get("/intakes", response_model=list[IntakeSummary])
def list_intakes(
    db: DbSession,
    user: IntakeApiUser,
    cipher: CipherDep,
    team: Filter = None,
    neighbourhood: Filter = None,
    language: Filter = None,
    status_filter: Annotated[str | None, Query(alias="status", max_length=16, pattern=NO_NUL)] = None,
    need: Filter = None,
    urgency: Filter = None,
    q: Filter = None,
) -> list[IntakeSummary]:
    """The inbox: most urgent first, then newest. `q` matches the reference or the name; `urgency` is `urgent`
    or a flag id."""
    filters = inbox.InboxFilters(team, neighbourhood, language, status_filter, need, urgency, q)
    found = inbox.search(db, cipher, user, filters)
    audit.record(db, user.username, "list", detail=f"api {len(found)} rows")
    db.commit()
    return [
        IntakeSummary(
            reference=intake.reference,
            language=intake.language,
            neighbourhood=intake.neighbourhood,
            team=intake.team,
            status=intake.status,
            flags=intake.flags.split(),
            need_ids=intake.need_ids.split(),
            complete=intake.complete,
            claimed_by=intake.claimed_by,
            submitted_at=intake.submitted_at,
            received_at=intake.received_at,
        )
        for intake in found
    ]


@router.get(
    "/intakes/{reference_code}",
    response_model=IntakeExport,
    responses={404: {"description": "No such intake (or not visible to this user)"}},
)
def get_intake(reference_code: str, db: DbSession, user: IntakeApiUser, cipher: CipherDep) -> IntakeExport:
    """One intake for the case file, with the coach's observations, notes and translations."""
    intake = intakes.find(db, reference_code[:32])
    if intake is None or not can_open(user, intake.assisted_by):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    exported = export_of(intake, cipher)
    audit.record(db, user.username, "export_json", intake.reference, "api")
    db.commit()
    return exported
