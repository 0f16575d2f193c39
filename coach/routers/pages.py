"""The coach view, in Dutch: the list of intakes and one intake with its needs and the support they call for.

There is no login yet: run the service on 127.0.0.1 only, until the issue on coach accounts and roles lands.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request, Response, status
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from coach import labels, reference
from coach.deps import DbSession, SettingsDep
from coach.models import Intake
from coach.schemas import IntakePublic, NeedPublic

router = APIRouter(prefix="/coach", tags=["coach"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

# Personal data: keep it out of caches, search engines and other sites' referrer logs.
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


@lru_cache
def _brussels() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Brussels")
    except ZoneInfoNotFoundError:
        return None


def local_time(moment: datetime) -> str:
    """`27-11-2026 11:15` in Ghent's time (UTC if the machine has no time zone data)."""
    zone = _brussels()
    return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M") if zone else moment.strftime("%d-%m-%Y %H:%M UTC")


templates.env.filters["local_time"] = local_time


@dataclass(frozen=True)
class NeedView:
    label: str
    known_by_observation: bool
    source: str
    evidence: str | None
    support: tuple[str, ...]


def _public(intake: Intake) -> IntakePublic:
    return IntakePublic.model_validate({**json.loads(intake.payload), "received_at": intake.received_at})


def _need_views(needs: list[NeedPublic]) -> list[NeedView]:
    checklist = reference.needs()
    views = []
    for need in needs:
        known = checklist.get(need.id)
        views.append(
            NeedView(
                label=known.label if known else need.id,
                known_by_observation=bool(known and known.known == "observed"),
                source=labels.NEED_SOURCES.get(need.source, need.source),
                evidence=need.evidence,
                support=known.support if known else (),
            )
        )
    return views


def _wijk_name(wijken: dict[str, reference.Neighbourhood], neighbourhood: str | None) -> str | None:
    known = wijken.get(neighbourhood or "")
    return known.name if known else neighbourhood


def _render(request: Request, name: str, context: dict[str, object], status_code: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=PRIVATE_HEADERS)


@router.get("", include_in_schema=False)
def intake_list(request: Request, db: DbSession, settings: SettingsDep) -> Response:
    intakes = db.scalars(select(Intake).order_by(Intake.submitted_at.desc(), Intake.id.desc())).all()
    wijken = reference.neighbourhoods(languages_dir=settings.languages_dir)
    rows = [
        {
            "reference": intake.reference,
            "submitted_at": intake.submitted_at,
            "language": labels.LANGUAGE_NAMES.get(intake.language, intake.language),
            "wijk": _wijk_name(wijken, intake.neighbourhood),
            "needs_count": intake.needs_count,
            "complete": intake.complete,
        }
        for intake in intakes
    ]
    return _render(request, "intake_list.html", {"rows": rows})


@router.get("/intakes/{reference_code}", include_in_schema=False)
def intake_detail(reference_code: str, request: Request, db: DbSession, settings: SettingsDep) -> Response:
    intake = db.scalar(select(Intake).where(Intake.reference == reference_code))
    if intake is None:
        return _render(request, "not_found.html", {"reference": reference_code}, status_code=status.HTTP_404_NOT_FOUND)
    public = _public(intake)
    wijken = reference.neighbourhoods(languages_dir=settings.languages_dir)
    answers = public.answers
    context = {
        "intake": public,
        "language": labels.LANGUAGE_NAMES.get(public.language, public.language),
        "contact_method": labels.CONTACT_METHODS.get(answers.contact_method or "", answers.contact_method),
        "wijk": wijken.get(answers.neighbourhood or ""),
        "skipped": [labels.QUESTIONS.get(question, question) for question in public.skipped],
        "needs_answer": labels.NEEDS_ANSWERS.get(public.needs_answer, public.needs_answer),
        "needs": _need_views(public.needs),
    }
    return _render(request, "intake_detail.html", context)
