"""Each intake added to the week counts: once when it arrives (webhook), and once per funnel stage when its
status first reaches it (taken, contact made, closed), with the time since it was sent as a histogram bucket.

Every count lands in the week of the intake's `submitted_at` (the cohort: "of the intakes sent in these
weeks, how many were taken, and how fast"). Nothing here names the intake; `Intake.stages_counted` (on the
intake row, deleted with it) only remembers which stages were already added, so going back and forth between
statuses never counts one twice. A cell is stored only once K intakes are in it; until then each intake's 1
waits in reach_pending, deleted with the intake (coach/reach/release.py).
"""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from coach.models import Intake
from coach.reach.release import add_intake_cells
from coach.reach.weeks import week_of
from coach.schemas import IntakeV2In

CHANNELS = ("web", "whatsapp", "telegram", "reception")
UNKNOWN = "unknown"
# The target groups of the call for interest, in the order the page shows them.
TARGET_GROUPS = ("under_25_no_diploma", "fifty_plus", "no_income", "bg_sk_ro", "dari", "single_parent")
NO_DIPLOMA = ("none", "primary", "secondary_unfinished")
# A checklist state as /coach/bereik counts it: never asked is "to assess" (te beoordelen) for the coach.
NEED_STATES = {"reported": "reported", "not_reported": "not_reported", "skipped": "skipped", "not_asked": "to_assess"}
# Upper edges in hours of the duration buckets (sent -> taken, sent -> contact made); the last one is open.
BUCKET_EDGES_HOURS = (1, 4, 8, 24, 48, 72, 120, 168, 336, 720)
STAGES = {"claimed": ("taken",), "contacted": ("taken", "contacted"), "closed": ("taken", "closed")}
DURATION_OF = {"taken": "taken_after", "contacted": "contact_after"}


def channel_of(channel: str, assisted_by: str | None) -> str:
    """web, whatsapp, telegram or reception (the desk, also when its chat ran over the web channel)."""
    if assisted_by or channel == "reception":
        return "reception"
    return channel if channel in CHANNELS else "web"


def target_groups(language: str, answers: dict[str, Any], flags: list[str]) -> list[str]:
    """The call's target groups this intake belongs to, from its answers. Single parents: the intake has no
    answer that says so yet (bot/questions.yml), so that group stays empty until one is added."""
    groups = []
    if answers.get("age_band") == "under_25" and answers.get("schooling") in NO_DIPLOMA:
        groups.append("under_25_no_diploma")
    if answers.get("age_band") == "50_plus":
        groups.append("fifty_plus")
    if answers.get("income") == "no_income" or "no_income" in flags:
        groups.append("no_income")
    if language in ("bg", "sk", "ro"):
        groups.append("bg_sk_ro")
    if language == "prs":
        groups.append("dari")
    if answers.get("single_parent") is True:  # not asked yet; counted as soon as an intake carries it
        groups.append("single_parent")
    return groups


def bucket_of(hours: float) -> str:
    """The duration bucket of `hours`: the index of the first edge it stays under (`b00`..`b10`)."""
    for index, edge in enumerate(BUCKET_EDGES_HOURS):
        if hours < edge:
            return f"b{index:02d}"
    return f"b{len(BUCKET_EDGES_HOURS):02d}"


def intake_cells(intake: IntakeV2In, team: str | None) -> list[tuple[str, str]]:
    """The (measure, value) cells one arriving intake adds 1 to."""
    return answer_cells(
        intake.language, intake.complete, intake.answers.model_dump(), intake.checklist.model_dump(), intake.flags
    )


def answer_cells(
    language: str, complete: bool, answers: dict[str, Any], checklist: dict[str, str], flags: Any
) -> list[tuple[str, str]]:
    """The cells of an intake from its language, completeness, answers, checklist and flags (also used by
    tools/bereik_bench.py to fill a database the way real intakes would)."""
    groups = target_groups(language, answers, list(flags))
    cells = [
        ("funnel", "sent"),
        ("received", "complete" if complete else "incomplete"),
        ("wijk", answers.get("neighbourhood") or UNKNOWN),
        ("age_band", answers.get("age_band") or UNKNOWN),
        ("income", answers.get("income") or UNKNOWN),
        ("referral", answers.get("referral") or UNKNOWN),
    ]
    cells += [("target_group", group) for group in groups]
    for need_id, state in checklist.items():
        counted = NEED_STATES.get(state, "to_assess")
        cells.append(("need", f"{need_id}:{counted}"))
        if counted == "reported":  # the page shows only reported needs per target group
            cells += [("group_need", f"{group}|{need_id}") for group in groups]
    return cells


def status_cells(done: set[str], new_status: str, hours: float) -> tuple[list[tuple[str, str]], list[str]]:
    """The cells a status change adds (funnel stages reached for the first time, their duration buckets), and
    those stages."""
    reached = [stage for stage in STAGES.get(new_status, ()) if stage not in done]
    cells = [("funnel", stage) for stage in reached]
    cells += [(DURATION_OF[stage], bucket_of(hours)) for stage in reached if stage in DURATION_OF]
    return cells, reached


def _row(row: Intake, measure: str, value: str) -> dict[str, Any]:
    return {
        "week": week_of(row.submitted_at),
        "team": row.team or "",
        "language": row.language,
        "channel": channel_of(row.channel, row.assisted_by),
        "measure": measure,
        "value": value,
        "n": 1,
    }


def count_intake(db: Session, intake: IntakeV2In, row: Intake) -> None:
    """Add an arriving intake to the week counts (in the same transaction as the intake itself)."""
    add_intake_cells(db, row.id, [_row(row, measure, value) for measure, value in intake_cells(intake, row.team)])


def count_status(db: Session, row: Intake, new_status: str, now: datetime) -> None:
    """Add the funnel stages `new_status` reaches for the first time, with the hours since the intake was sent."""
    done = set(row.stages_counted.split())
    hours = max((now - row.submitted_at).total_seconds() / 3600, 0.0)
    cells, reached = status_cells(done, new_status, hours)
    if not reached:
        return
    add_intake_cells(db, row.id, [_row(row, measure, value) for measure, value in cells])
    row.stages_counted = " ".join(sorted(done | set(reached)))
