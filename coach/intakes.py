"""Storing, reading, erasing and expiring intakes. Personal content goes through the cipher, both ways."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from coach import audit, reference, status_lookup
from coach.crypto import DataCipher
from coach.models import Intake, utcnow
from coach.schemas import IntakeV2In, IntakeV3In, stored_payload

logger = logging.getLogger(__name__)


def urgency_of(flags: list[str]) -> int:
    """2 when a crisis was mentioned, 1 for any other flag (no place to sleep, no income), else 0."""
    if "crisis" in flags:
        return 2
    return 1 if flags else 0


def team_of(neighbourhood: str | None) -> str | None:
    """The team key config/neighbourhoods.yml gives the wijk (the suggested team), or None."""
    if not neighbourhood:
        return None
    return reference.team_keys().get(neighbourhood)


def new_intake(intake: IntakeV2In, webhook_id: str, schema_version: int, cipher: DataCipher) -> Intake:
    """The row for a validated intake (v1 already read as v2); a v3 intake's status code only as a keyed hash."""
    now = utcnow()
    code_hash = None
    if isinstance(intake, IntakeV3In):
        code_hash = status_lookup.code_hash(cipher, intake.reference, intake.status_code)
    return Intake(
        reference=intake.reference,
        webhook_id=webhook_id,
        schema_version=schema_version,
        language=intake.language,
        channel=intake.channel,
        neighbourhood=intake.answers.neighbourhood,
        team=team_of(intake.answers.neighbourhood),
        assisted_by=intake.assisted_by,
        complete=intake.complete,
        status="new",
        urgency=urgency_of(list(intake.flags)),
        flags=" ".join(intake.flags),
        need_ids=" ".join(need.id for need in intake.needs),
        needs_count=len(intake.needs),
        submitted_at=intake.submitted_at,
        received_at=now,
        updated_at=now,
        payload_enc=cipher.encrypt(stored_payload(intake)),
        status_code_hash=code_hash,
    )


@dataclass
class Decrypted:
    """An intake's encrypted parts, decrypted for one request and never kept."""

    payload: dict[str, Any]
    observed: list[str]
    translations: dict[str, dict[str, Any]]
    notes: list[dict[str, Any]]


def decrypt(intake: Intake, cipher: DataCipher) -> Decrypted:
    return Decrypted(
        payload=cipher.decrypt_json(intake.payload_enc),
        observed=cipher.decrypt_json(intake.assessment_enc, {}).get("observed", []),
        translations=cipher.decrypt_json(intake.translations_enc, {}),
        notes=[
            {"author": note.author, "created_at": note.created_at, "text": cipher.decrypt(note.text_enc)}
            for note in intake.notes
        ],
    )


def find(db: Session, reference_code: str) -> Intake | None:
    return db.scalar(select(Intake).where(Intake.reference == reference_code))


def erase(
    db: Session, intake: Intake, cipher: DataCipher, username: str | None, action: str = "erase", detail: str = ""
) -> str:
    """Delete the intake and its notes (audited); returns its Rasa conversation id for the tracker erasure."""
    try:
        conversation_id = str(cipher.decrypt_json(intake.payload_enc).get("conversation_id") or "")
    except ValueError:  # undecryptable (lost key): the row goes regardless
        conversation_id = ""
    audit.record(db, username, action, intake.reference, detail)
    db.delete(intake)
    return conversation_id


def expired(db: Session, closed_days: int, open_days: int, now: datetime | None = None) -> list[Intake]:
    """Closed intakes closed more than `closed_days` ago, and intakes never closed that arrived more than
    `open_days` ago."""
    now = now or utcnow()
    closed_long_ago = and_(Intake.status == "closed", Intake.closed_at < now - timedelta(days=closed_days))
    never_closed = and_(Intake.status != "closed", Intake.received_at < now - timedelta(days=open_days))
    return list(db.scalars(select(Intake).where(or_(closed_long_ago, never_closed)).order_by(Intake.id)))


def deletion_warning(intake: Intake, open_days: int, warning_days: int, now: datetime | None = None) -> datetime | None:
    """When an intake that was never closed will be deleted, if that is within `warning_days`; else None."""
    if intake.status == "closed":
        return None
    deleted_on = intake.received_at + timedelta(days=open_days)
    return deleted_on if (now or utcnow()) >= deleted_on - timedelta(days=warning_days) else None


@dataclass(frozen=True)
class OwnWords:
    """A piece of the person's own words: a free-text answer or a need's evidence."""

    key: str
    question: str
    text: str
    language: str | None


def own_words(payload: dict[str, Any]) -> list[OwnWords]:
    """Every free text the person typed, keyed so translations can be stored beside it."""
    words = [
        OwnWords(f"m{index}", message["question"], message["text"], message.get("language") or payload["language"])
        for index, message in enumerate(payload.get("messages", []))
    ]
    seen = {word.text for word in words}
    for need in payload.get("needs", []):
        if need.get("evidence") and need["evidence"] not in seen:
            words.append(OwnWords(f"e_{need['id']}", need.get("question") or need["id"], need["evidence"], None))
            seen.add(need["evidence"])
    return [OwnWords(word.key, word.question, word.text, word.language or payload["language"]) for word in words]


def translate(intake: Intake, cipher: DataCipher, translator: Any) -> tuple[int, int]:
    """Translate the person's words into Dutch and store the results with the intake; (translated, total)."""
    payload = cipher.decrypt_json(intake.payload_enc)
    stored = cipher.decrypt_json(intake.translations_enc, {})
    words = [word for word in own_words(payload) if word.language != "nl"]
    for word in words:
        if stored.get(word.key, {}).get("text"):
            continue
        stored[word.key] = {"text": translator.to_dutch(word.text, word.language), "backend": translator.name}
    intake.translations_enc = cipher.encrypt_json(stored)
    return sum(1 for word in words if stored.get(word.key, {}).get("text")), len(words)
