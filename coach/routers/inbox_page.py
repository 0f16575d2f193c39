"""The inbox (`/coach`): intakes with filters, most urgent first. Every listing is audited (a row count only).
An analyst, who opens no intake, is sent on to /coach/bereik."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from coach import audit, inbox
from coach.deps import INTAKE_ROLES, CipherDep, DbSession, PageSession, SettingsDep
from coach.routers.page_common import FilterValue, blank, outbox_for
from coach.routers.templating import render
from coach.schemas import NO_NUL
from coach.views.inbox import inbox_context

router = APIRouter(prefix="/coach", tags=["coach"], include_in_schema=False)


@router.get("")
def intake_list(
    request: Request,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    settings: SettingsDep,
    team: FilterValue = None,
    wijk: FilterValue = None,
    taal: FilterValue = None,
    status_filter: Annotated[str | None, Query(alias="status", max_length=16, pattern=NO_NUL)] = None,
    nood: FilterValue = None,
    urgentie: FilterValue = None,
    q: FilterValue = None,
) -> Response:
    user = session.user
    if user.role not in INTAKE_ROLES:
        # An analyst opens no intake: the counts are their page.
        return RedirectResponse("/coach/bereik", status_code=status.HTTP_303_SEE_OTHER)
    # A coach lands on their own team's intakes; "alle" (or any explicit choice) overrides.
    chosen_team = user.team if team is None and user.role == "coach" else team
    filters = inbox.InboxFilters(
        team=None if chosen_team in (None, "", "alle") else chosen_team,
        neighbourhood=blank(wijk),
        language=blank(taal),
        status=blank(status_filter),
        need=blank(nood),
        urgency=blank(urgentie),
        q=blank(q),
    )
    found = inbox.search(db, cipher, user, filters)
    audit.record(db, user.username, "list", detail=f"{len(found)} rows")
    db.commit()
    context = {
        **inbox_context(found, settings),
        "filters": {
            "team": chosen_team or "alle",
            "wijk": wijk or "",
            "taal": taal or "",
            "status": status_filter or "",
            "nood": nood or "",
            "urgentie": urgentie or "",
            "q": q or "",
        },
        "outbox": outbox_for(db, session),
    }
    return render(request, "intake_list.html", context, session=session)
