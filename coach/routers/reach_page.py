"""Bereik (`/coach/bereik`): counts of the intakes and conversations, for admins and analysts, with every
table as CSV (`/coach/bereik/<table>.csv`). No intake is read here: only the week counts of coach/reach/,
with small figures suppressed the same way on the page, in its charts and in the CSV files."""

import csv
import io
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from coach import labels, reference
from coach.deps import DbSession, PageSession, SettingsDep
from coach.models import UserSession, utcnow
from coach.reach import report
from coach.reach.counting import CHANNELS
from coach.reach.weeks import week_of, week_of_day
from coach.routers.templating import PRIVATE_HEADERS, render
from coach.schemas import LANGUAGE_CODES, NO_NUL
from coach.views.reach import page_context

router = APIRouter(tags=["coach"], include_in_schema=False)
REACH_ROLES = ("admin", "analyst")
DEFAULT_WEEKS = 26
LONGEST_PERIOD = timedelta(weeks=5 * 53)
LONGEST_WEEKLY = timedelta(weeks=52)
Choice = Annotated[str | None, Query(max_length=32, pattern=NO_NUL)]


def _reach_only(session: UserSession) -> None:
    if session.user.role not in REACH_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins and analysts")


def _filters(
    van: date | None = None,
    tot: date | None = None,
    per: Choice = None,
    team: Choice = None,
    taal: Choice = None,
    kanaal: Choice = None,
) -> report.Filters:
    """The page's filters from its query (`van`, `tot`, `per`, `team`, `taal`, `kanaal`), for the page and its CSV
    files alike; 422 for a period or choice out of range."""
    end = week_of_day(tot) if tot else week_of(utcnow())
    start = week_of_day(van) if van else end - timedelta(weeks=DEFAULT_WEEKS - 1)
    if start > end or end - start > LONGEST_PERIOD:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "period out of range")
    teams = reference.teams()
    if team not in (None, "", "alle", "geen", *teams):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown team")
    if taal not in (None, "", *LANGUAGE_CODES) or kanaal not in (None, "", *CHANNELS):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown language or channel")
    chosen_team = None if team in (None, "", "alle") else ("" if team == "geen" else team)
    return report.Filters(
        start=start,
        end=end,
        # More than a year of weeks is unreadable as bars and slow to suppress: months then.
        by_month=per == "maand" or end - start > LONGEST_WEEKLY,
        team=chosen_team,
        language=taal or None,
        channel=kanaal or None,
    )


ReachFilters = Annotated[report.Filters, Depends(_filters)]


@router.get("/bereik")
def reach_short_url() -> Response:
    return RedirectResponse("/coach/bereik", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/coach/bereik")
def reach_page(
    request: Request,
    db: DbSession,
    session: PageSession,
    settings: SettingsDep,
    filters: ReachFilters,
) -> Response:
    _reach_only(session)
    built = report.build(db, filters, settings.languages_dir)
    query = request.url.query
    context = {
        **page_context(built),
        "filters": {
            "van": filters.start.isoformat(),
            "tot": (filters.end + timedelta(days=6)).isoformat(),
            "per": "maand" if filters.by_month else "week",
            "team": "alle" if filters.team is None else filters.team or "geen",
            "taal": filters.language or "",
            "kanaal": filters.channel or "",
        },
        "teams": reference.teams(),
        "languages": {code: labels.LANGUAGE_NAMES[code] for code in LANGUAGE_CODES},
        "channels": labels.CHANNELS,
        "csv_query": f"?{query}" if query else "",
    }
    return render(request, "reach.html", context, session=session)


@router.get("/coach/bereik/{table_id}.csv")
def reach_csv(
    table_id: str,
    db: DbSession,
    session: PageSession,
    settings: SettingsDep,
    filters: ReachFilters,
) -> Response:
    """One table of the page as CSV (semicolon-separated, as Excel in Belgium opens it), suppressed alike."""
    _reach_only(session)
    built = report.build(db, filters, settings.languages_dir)
    found = [table for table in built.tables if table.id == table_id]
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such table")
    table = found[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    has_total = any(row.total is not None for row in table.rows)
    writer.writerow([table.row_header, *table.columns, *(["Totaal"] if has_total else [])])
    for row in [*table.rows, *([table.total_row] if table.total_row else [])]:
        totals = [row.total.text if row.total else ""] if has_total else []
        writer.writerow([row.label, *(cell.text for cell in row.cells), *totals])
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so that Excel reads the accents as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'attachment; filename="bereik-{table.id}.csv"'},
    )
