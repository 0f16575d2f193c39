"""The inbox query: filters on the clear columns in SQL, name search by decrypting in memory.

Names are encrypted, so SQL cannot search them. At this scale (a few thousand open intakes at most) the
candidates left after the SQL filters are decrypted one by one and matched in memory; nothing about the name
(not even a keyed hash) is stored in clear. Should the volume grow a hundredfold, a keyed blind index (HMAC of
the normalised name tokens with a separate key) is the next step.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.normalise import fold
from coach.crypto import DataCipher
from coach.models import Intake, User


@dataclass(frozen=True)
class InboxFilters:
    team: str | None = None
    neighbourhood: str | None = None
    language: str | None = None
    status: str | None = None
    need: str | None = None
    urgency: str | None = None  # "urgent" (any flag) or a flag id
    q: str | None = None


def normalise(text: str) -> str:
    """The assistant's own fold (bot/normalise.py), spaces collapsed: "Ionuț" and "ionut" match, and so do a Dari
    name typed with an Arabic or a Persian keyboard, with or without the zero-width non-joiner."""
    return " ".join(fold(text).split())


def visible_to(user: User):  # noqa: ANN201  (an SQL expression)
    if user.role == "reception":
        return Intake.assisted_by == user.username
    return Intake.id.is_not(None)


def search(db: Session, cipher: DataCipher, user: User, filters: InboxFilters, limit: int = 500) -> list[Intake]:
    query = select(Intake).where(visible_to(user))
    if filters.team:
        query = query.where(Intake.team == filters.team)
    if filters.neighbourhood:
        query = query.where(Intake.neighbourhood == filters.neighbourhood)
    if filters.language:
        query = query.where(Intake.language == filters.language)
    if filters.status:
        query = query.where(Intake.status == filters.status)
    if filters.need:
        query = query.where(Intake.need_ids.contains(filters.need))
    if filters.urgency == "urgent":
        query = query.where(Intake.urgency > 0)
    elif filters.urgency:
        query = query.where(Intake.flags.contains(filters.urgency))
    query = query.order_by(Intake.urgency.desc(), Intake.submitted_at.desc(), Intake.id.desc())
    found = list(db.scalars(query))
    # Exact token checks (SQL `contains` is a substring match).
    if filters.need:
        found = [intake for intake in found if filters.need in intake.need_ids.split()]
    if filters.urgency and filters.urgency != "urgent":
        found = [intake for intake in found if filters.urgency in intake.flags.split()]
    if filters.q and filters.q.strip():
        wanted = normalise(filters.q)
        found = [
            intake for intake in found if wanted in normalise(intake.reference) or _name_matches(intake, cipher, wanted)
        ]
    return found[:limit]


def _name_matches(intake: Intake, cipher: DataCipher, wanted: str) -> bool:
    name = cipher.decrypt_json(intake.payload_enc)["answers"].get("name") or ""
    return wanted in normalise(name)
