"""Builds the structured intake (schema version 1, schemas/intake-v1.schema.json) from a conversation."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker

from bot.actions.reference_data import NEED_GROUPS, SKIPPED

SCHEMA_VERSION = 1
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Question id in the intake -> the slot that holds its answer.
QUESTIONS = {
    "name": "contact_name",
    "contact_method": "contact_method",
    "contact_detail": "contact_detail",
    "neighbourhood": "neighbourhood",
}


def new_reference() -> str:
    """A short reference a person can read out on the phone: no 0/O, 1/I/L confusion."""
    return "ONT-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _answer(tracker: Tracker, slot: str) -> Any:
    value = tracker.get_slot(slot)
    return None if value == SKIPPED else value


def build_intake(tracker: Tracker, reference: str, complete: bool = True) -> dict[str, Any]:
    answers = {question: _answer(tracker, slot) for question, slot in QUESTIONS.items()}
    skipped = [question for question, slot in QUESTIONS.items() if tracker.get_slot(slot) == SKIPPED]
    needs_answer = tracker.get_slot("needs_answer") or "skipped"
    if needs_answer in ("rather_not_say", "skipped"):
        skipped.append("needs")
    needs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for group in tracker.get_slot("need_groups") or []:
        for need_id in NEED_GROUPS.get(group, ()):
            if need_id not in seen:
                seen.add(need_id)
                needs.append({"id": need_id, "source": "button", "evidence": None})
    return {
        "schema_version": SCHEMA_VERSION,
        "reference": reference,
        "conversation_id": tracker.sender_id,
        "language": tracker.get_slot("language"),
        "channel": tracker.get_latest_input_channel() or "unknown",
        "submitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": complete,
        "answers": answers,
        "skipped": skipped,
        "needs_answer": needs_answer,
        "needs": needs,
    }
