"""The inbox page's rows and choices: Dutch labels for the clear columns of each intake found."""

from typing import Any

from coach import labels, reference
from coach.intakes import deletion_warning
from coach.models import Intake
from coach.schemas import LANGUAGE_CODES
from coach.settings import Settings


def inbox_context(found: list[Intake], settings: Settings) -> dict[str, Any]:
    """The rows of `found` and the choices of the filter form (without the chosen filters)."""
    wijken = reference.neighbourhoods(languages_dir=settings.languages_dir)
    teams = reference.teams()
    needs = reference.needs()
    rows = [
        {
            "reference": intake.reference,
            "submitted_at": intake.submitted_at,
            "language": labels.LANGUAGE_NAMES.get(intake.language, intake.language),
            "wijk": wijken[intake.neighbourhood].name if intake.neighbourhood in wijken else intake.neighbourhood,
            "team": teams.get(intake.team or "", ""),
            "needs_count": intake.needs_count,
            "complete": intake.complete,
            "status": labels.STATUSES.get(intake.status, intake.status),
            "status_id": intake.status,
            "flags": [labels.FLAGS.get(flag, flag) for flag in intake.flags.split()],
            "urgency": intake.urgency,
            "claimed_by": intake.claimed_by,
            "deleted_on": deletion_warning(intake, settings.retention_open_days, settings.retention_warning_days),
        }
        for intake in found
    ]
    return {
        "rows": rows,
        "teams": teams,
        "wijken": wijken,
        "languages": {code: labels.LANGUAGE_NAMES[code] for code in LANGUAGE_CODES},
        "statuses": labels.STATUSES,
        "needs": {need_id: need.label for need_id, need in needs.items()},
        "flags": labels.FLAGS,
    }
