"""The places a person can be sent to are complete: every team's desk (config/neighbourhoods.yml) and every
service for tonight (config/services.yml) has an address, opening hours and a phone number, real or marked as
still to be confirmed by the partnership."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
BELGIAN_PHONE = re.compile(r"^0\d(?: ?\d){7,8}$")
GHENT_ADDRESS = re.compile(r"^\S.*, 90\d\d Gent$")  # "Street 1, 9000 Gent"; Ghent's postcodes are 9000-9052


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config" / name).read_text("utf-8"))


NEIGHBOURHOODS = load("neighbourhoods.yml")
SERVICES = load("services.yml")


def problems(place: dict[str, Any], marker: str) -> list[str]:
    """What is missing or malformed in one place (a team's desk or a service); empty when it is complete."""
    found = []
    unknown = [field for field in ("address", "hours", "phone") if place.get(field) == marker]
    if unknown and place.get("to_confirm") is not True:
        found.append(f"{unknown} still to be confirmed but to_confirm is not true")
    if place.get("to_confirm") not in (True, False):
        found.append("to_confirm must be true or false")
    if "address" not in unknown and not GHENT_ADDRESS.match(str(place.get("address", ""))):
        found.append(f"address {place.get('address')!r} is not 'street number, postcode Gent'")
    if "phone" not in unknown and not BELGIAN_PHONE.match(str(place.get("phone", ""))):
        found.append(f"phone {place.get('phone')!r} is not a Belgian number")
    if "hours" not in unknown:
        slots = place.get("hours")
        if not isinstance(slots, list) or not slots:
            found.append("hours is neither a list of opening slots nor the marker")
        for slot in slots if isinstance(slots, list) else []:
            if not (isinstance(slot, dict) and set(slot) == {"days", "from", "to"}):
                found.append(f"slot {slot!r} needs exactly days, from, to")
            elif not (
                slot["days"] and set(slot["days"]) <= DAYS and TIME.match(slot["from"]) and TIME.match(slot["to"])
            ):
                found.append(f"slot {slot!r}: day codes {sorted(DAYS)} and 24-hour HH:MM times")
    return found


def test_the_marker_says_who_must_confirm():
    for config in (NEIGHBOURHOODS, SERVICES):
        assert config["to_confirm_marker"] == "[te bevestigen door het partnerschap]"


@pytest.mark.parametrize("key", sorted(NEIGHBOURHOODS["teams"]))
def test_every_team_has_a_name_an_address_hours_and_a_phone(key):
    team = NEIGHBOURHOODS["teams"][key]
    assert isinstance(team.get("name"), str) and team["name"].strip()
    assert problems(team, NEIGHBOURHOODS["to_confirm_marker"]) == []


def test_every_wijk_and_special_answer_goes_to_a_team_that_exists():
    used = {item["team"] for item in NEIGHBOURHOODS["neighbourhoods"] + NEIGHBOURHOODS["special"]}
    assert used == set(NEIGHBOURHOODS["teams"])


def test_tonight_there_is_a_night_shelter_the_caw_and_the_ocmw():
    assert [service["id"] for service in SERVICES["services"]] == ["night_shelter", "caw", "ocmw_social_service"]


@pytest.mark.parametrize("service", SERVICES["services"], ids=lambda service: service["id"])
def test_every_service_has_a_name_an_address_hours_and_a_phone(service):
    assert set(service) == {"id", "name", "for", "address", "hours", "phone", "to_confirm"}
    assert isinstance(service["name"], str) and service["name"].strip()
    assert problems(service, SERVICES["to_confirm_marker"]) == []


def test_every_service_is_marked_to_be_confirmed_until_the_partnership_has_checked_it():
    assert all(service["to_confirm"] is True for service in SERVICES["services"])


def test_services_are_shown_for_urgency_flags_the_questions_raise():
    questions = yaml.safe_load((ROOT / "bot" / "questions.yml").read_text("utf-8"))["questions"]
    flags = {flag for question in questions for flag in question.get("flags", {}).values()}
    shown_for = {flag for service in SERVICES["services"] for flag in service["for"]}
    assert shown_for == {"no_place_to_sleep", "no_income"} and shown_for <= flags


@pytest.mark.parametrize(
    ("place", "complaint"),
    [
        ({"address": "M", "hours": "M", "phone": "M"}, "to_confirm is not true"),
        ({"address": "Somewhere", "hours": "M", "phone": "M", "to_confirm": True}, "address"),
        ({"address": "M", "hours": "M", "phone": "call us", "to_confirm": True}, "phone"),
        ({"address": "M", "hours": [], "phone": "M", "to_confirm": True}, "hours is neither"),
        (
            {"address": "M", "hours": [{"days": ["mo"], "from": "9", "to": "12:00"}], "phone": "M", "to_confirm": True},
            "day codes",
        ),
    ],
)
def test_an_incomplete_place_is_noticed(place, complaint):
    assert any(complaint in problem for problem in problems(place, "M"))


def test_a_complete_place_passes():
    place = {
        "address": "Voorbeeldstraat 1, 9000 Gent",
        "hours": [
            {"days": ["mon", "tue"], "from": "09:00", "to": "12:00"},
            {"days": ["sun"], "from": "21:00", "to": "08:00"},
        ],
        "phone": "09 210 10 10",
        "to_confirm": False,
    }
    assert problems(place, "M") == []
