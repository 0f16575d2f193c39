"""Schema v3 intakes for the outbox tests, built by the real intake builder from a small conversation."""

from __future__ import annotations

from typing import Any

from bot.intake.intake import build_intake
from tests.bot.conftest import make_tracker

PERSONAL = ("Rustov", "0477 00 11 22")  # words that must never appear in a log line or in the outbox file
STATUS_CODE = "482913"


def valid_intake(reference: str, status_code: str = STATUS_CODE) -> dict[str, Any]:
    tracker = make_tracker(
        "/confirm",
        "confirm",
        language="ro",
        consent=True,
        contact_name="Rustov",
        contact_method="phone",
        contact_detail="0477 00 11 22",
        neighbourhood="no_fixed_address",
    )
    return build_intake(tracker, reference, status_code)
