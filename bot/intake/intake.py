"""Builds the structured intake (schema version 3, docs/architecture.md) from a conversation."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker

from bot.intake import questions as checklist_rules
from bot.intake.reference_data import SKIPPED
from bot.intake.unsure_needs import settle_checklist
from bot.sent_events import INTAKE_ENDS, REMARKS_KEY

SCHEMA_VERSION = 3
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Answer field in the intake -> the slot that holds it.
ANSWERS = {
    "name": "contact_name",
    "contact_method": "contact_method",
    "contact_detail": "contact_detail",
    "contact_time": "contact_time",
    "social_worker": "social_worker",
    "help_with": "help_with",
    "neighbourhood": "neighbourhood",
    "age_band": "age_band",
    "referral": "referral",
    "income": "income",
    "languages_spoken": "languages_spoken",
    "dutch_level": "dutch_level",
    "interpreter": "interpreter",
    "schooling": "schooling",
    "diploma_abroad": "diploma_abroad",
    "work_wish": "work_wish",
    "work_done": "work_done",
    "anything_else": "anything_else",
}
YES_NO_ANSWERS = {"interpreter", "diploma_abroad"}
# Buttons that stand for "no answer to write down" in a free-text question.
NOT_AN_ANSWER = {"work_wish": "dont_know", "work_done": "never", "anything_else": "nothing"}


def _characters(alphabet: str, count: int, seed: bytes | None) -> str:
    """`count` characters of `alphabet`: random, or derived from `seed` (at least 16 unpredictable bytes)."""
    if seed is None:
        return "".join(secrets.choice(alphabet) for _ in range(count))
    number = int.from_bytes(seed, "big")
    characters = []
    for _ in range(count):
        number, index = divmod(number, len(alphabet))
        characters.append(alphabet[index])
    return "".join(characters)


def new_reference(seed: bytes | None = None) -> str:
    """A short reference a person can read out on the phone: no 0/O, 1/I/L confusion. With a `seed` (a keyed
    hash, see bot/delivery/handoff_ids.py) the same seed always gives the same reference."""
    return "ONT-" + _characters(REFERENCE_ALPHABET, 6, seed)


def new_status_code(seed: bytes | None = None) -> str:
    """The second code a person gets with the reference: with both, they can ask what happens now."""
    return _characters("0123456789", 6, seed)


def _answer(field: str, value: Any) -> Any:
    if value in (None, SKIPPED) or NOT_AN_ANSWER.get(field) == value:
        return None
    if field in YES_NO_ANSWERS:
        return value == "yes"
    return value


def staff_remarks(tracker: Tracker) -> list[dict[str, str]]:
    """Remarks the reception staff member sent along with this intake's messages (reception channel metadata)."""
    remarks: list[dict[str, str]] = []
    for event in tracker.events:
        if event.get("event") == "action" and event.get("name") in INTAKE_ENDS:
            remarks = []
        if event.get("event") != "user":
            continue
        metadata = event.get("metadata") or {}
        by = str(metadata.get("onthaal_assisted_by") or "reception")[:100]
        for text in metadata.get(REMARKS_KEY) or []:
            if isinstance(text, str) and text.strip():
                remarks.append({"by": by, "text": text.strip()[:2000]})
    return remarks


def build_intake(tracker: Tracker, reference: str, status_code: str, complete: bool = True) -> dict[str, Any]:
    slots = dict(tracker.slots)
    text_needs = slots.get("text_needs") or []
    return {
        "schema_version": SCHEMA_VERSION,
        "reference": reference,
        "status_code": status_code,
        "conversation_id": tracker.sender_id,
        "language": slots.get("language"),
        "channel": tracker.get_latest_input_channel() or "unknown",
        "submitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": complete,
        "assisted_by": slots.get("assisted_by"),
        "answers": {field: _answer(field, slots.get(slot)) for field, slot in ANSWERS.items()},
        "skipped": [asked.slot for asked in checklist_rules.questions() if slots.get(asked.slot) == SKIPPED],
        "checklist": settle_checklist(checklist_rules.checklist(slots, text_needs), slots),
        "needs": checklist_rules.reported_needs(slots, text_needs),
        "flags": checklist_rules.flags(slots),
        "messages": slots.get("messages") or [],
        "remarks": staff_remarks(tracker),
        "media": slots.get("media") or [],
    }
