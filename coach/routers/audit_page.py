"""The audit log (`/coach/audit`), for admins: the newest 500 entries, or those of one reference."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlalchemy import select

from coach.deps import DbSession, PageSession
from coach.models import AuditEntry
from coach.routers.page_common import outbox_for
from coach.routers.templating import render
from coach.schemas import NO_NUL

router = APIRouter(prefix="/coach", tags=["coach"], include_in_schema=False)


@router.get("/audit")
def audit_log(
    request: Request,
    db: DbSession,
    session: PageSession,
    ref: Annotated[str | None, Query(max_length=16, pattern=NO_NUL)] = None,
) -> Response:
    if session.user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins read the audit log")
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
    if ref:
        query = query.where(AuditEntry.reference == ref)
    entries = list(db.scalars(query))
    context = {"entries": entries, "ref": ref or "", "outbox": outbox_for(db, session)}
    return render(request, "audit.html", context, session=session)
