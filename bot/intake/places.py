"""Where a person can go: the desk of the team that covers their wijk, and services for tonight or for no income.

Read from config/neighbourhoods.yml (teams) and config/services.yml; what a service is for, the day names and
"to be confirmed" are in the language packs. Values the partnership has not confirmed yet are said as such.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from bot.intake.reference_data import ROOT, _read_yaml, neighbourhoods, text

# Without a wijk (no fixed address, outside Ghent, not said): the team of the city centre receives the person.
DEFAULT_TEAM = "centrum"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=1)
def services_config() -> dict[str, Any]:
    return _read_yaml(ROOT / "config" / "services.yml")


def _value(language: str | None, value: Any, marker: str) -> str:
    if value is None or value == marker:
        return text(language, "place_to_be_confirmed")
    return str(value)


def _hours(language: str | None, hours: Any, marker: str) -> str:
    if not isinstance(hours, list):
        return _value(language, hours, marker)
    slots = []
    for slot in hours:
        days = [text(language, f"day_{day}") for day in slot["days"]] if "days" in slot else []
        slots.append(f"{text(language, 'list_separator').join(days)} {slot['from']}–{slot['to']}".strip())
    return text(language, "list_separator").join(slots)


def _describe(language: str | None, place: dict[str, Any], marker: str, what: str | None = None) -> str:
    lines = [f"📍 {place['name']}" + (f": {what}" if what else "")]
    lines.append(f"{text(language, 'place_address')}: {_value(language, place.get('address'), marker)}")
    lines.append(f"{text(language, 'place_hours')}: {_hours(language, place.get('hours'), marker)}")
    lines.append(f"☎️ {_value(language, place.get('phone'), marker)}")
    return "\n".join(lines)


def team_of(neighbourhood: str | None) -> str:
    config = neighbourhoods()
    for wijk in [*config["neighbourhoods"], *config["special"]]:
        if wijk["id"] == neighbourhood:
            return wijk["team"]
    return DEFAULT_TEAM


def team_place(language: str | None, neighbourhood: str | None) -> str:
    """The desk of the team that covers the person's wijk: name, address, hours, phone."""
    config = neighbourhoods()
    team = config["teams"][team_of(neighbourhood)]
    return _describe(language, team, config.get("to_confirm_marker"))


def services_for(language: str | None, flag: str) -> str:
    """The services for an urgency flag (no_place_to_sleep, no_income), one block each; empty when none."""
    config = services_config()
    marker = config.get("to_confirm_marker")
    blocks = [
        _describe(language, service, marker, text(language, f"service_{service['id']}"))
        for service in config["services"]
        if flag in service.get("for", [])
    ]
    return "\n\n".join(blocks)
