"""Bereik (`/coach/bereik`): counts of the intakes and conversations, for admins and analysts. No intake is
read here: only the week counts of coach/reach/, with small cells suppressed."""

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse

from coach.deps import PageSession
from coach.models import UserSession
from coach.routers.templating import render

router = APIRouter(tags=["coach"], include_in_schema=False)
REACH_ROLES = ("admin", "analyst")


def _reach_only(session: UserSession) -> None:
    if session.user.role not in REACH_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins and analysts")


@router.get("/bereik")
def reach_short_url() -> Response:
    return RedirectResponse("/coach/bereik", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/coach/bereik")
def reach_page(request: Request, session: PageSession) -> Response:
    _reach_only(session)
    return render(request, "reach.html", {}, session=session)
