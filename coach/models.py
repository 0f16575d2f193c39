"""Table models. Only the coach service reads them; responses go through `coach.schemas`.

Personal data lives only in the `*_enc` columns (Fernet tokens, coach/crypto.py). The clear columns are the
ones the inbox filters on and carry nothing a person said: reference, language, wijk id, team, status, flags,
need ids and timestamps.
"""

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base

STATUSES = ("new", "claimed", "contacted", "closed")
ROLES = ("coach", "reception", "admin", "analyst")  # an analyst opens /coach/bereik only, no intake


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and gives them back aware, also on SQLite (which forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(Base):
    """A coach, reception staff member, admin or analyst. `team` is a team key of config/neighbourhoods.yml."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    team: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UserSession(Base):
    """A login. The cookie holds a random token; only its SHA-256 is stored, with the form (CSRF) token."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    user: Mapped[User] = relationship(lazy="joined")


class Intake(Base):
    """One intake. `payload_enc` is the validated body as intake schema v2 (v1 bodies are mapped), encrypted."""

    __tablename__ = "intakes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    webhook_id: Mapped[str] = mapped_column(String(255), unique=True)
    schema_version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    neighbourhood: Mapped[str | None] = mapped_column(String(64), index=True)
    team: Mapped[str | None] = mapped_column(String(32), index=True)
    assisted_by: Mapped[str | None] = mapped_column(String(64))
    complete: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    urgency: Mapped[int] = mapped_column(Integer, default=0, index=True)  # 2 crisis, 1 other flag, 0 none
    flags: Mapped[str] = mapped_column(String(128), default="")  # space-separated flag ids
    need_ids: Mapped[str] = mapped_column(String(512), default="")  # space-separated, reported needs
    needs_count: Mapped[int] = mapped_column(Integer)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    payload_enc: Mapped[str] = mapped_column(Text)
    # A v3 intake's status code, only as a keyed hash (coach/status_lookup.py); null for v1 and v2 intakes.
    status_code_hash: Mapped[str | None] = mapped_column(String(64))
    # {"observed": [need ids the coach ticked]} and {message index: {"text": ..., "backend": ...}}, encrypted.
    assessment_enc: Mapped[str | None] = mapped_column(Text)
    translations_enc: Mapped[str | None] = mapped_column(Text)
    # The funnel stages already added to the week counts (coach/reach/counting.py): "taken contacted closed".
    stages_counted: Mapped[str] = mapped_column(String(32), default="", server_default="")
    notes: Mapped[list["Note"]] = relationship(
        back_populates="intake", cascade="all, delete-orphan", passive_deletes=True, order_by="Note.id"
    )


class Note(Base):
    """A coach's note on an intake; the text is encrypted."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    text_enc: Mapped[str] = mapped_column(Text)
    intake: Mapped[Intake] = relationship(back_populates="notes")


class AuditEntry(Base):
    """Who did what kind of thing to which intake, when. Never content: `detail` holds codes such as `status=closed`."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    reference: Mapped[str | None] = mapped_column(String(16), index=True)
    detail: Mapped[str | None] = mapped_column(String(128))


class OutboxReport(Base):
    """The action server's latest outbox report (one row, id 1): counts and times only, never an intake."""

    __tablename__ = "outbox_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pending: Mapped[int] = mapped_column(Integer)
    dead_letters: Mapped[int] = mapped_column(Integer)
    oldest_pending_seconds: Mapped[float | None] = mapped_column(Float)
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the sender's clock
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)  # ours: staleness is measured on this one


class PendingErasure(Base):
    """A Rasa tracker erasure that failed (Rasa down, refused, timed out), retried by the retention job.

    The conversation id is kept only encrypted (a WhatsApp id comes from a phone number); the reference is the
    deleted intake's, for the audit entry that says whether the erasure finally succeeded."""

    __tablename__ = "pending_erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16))
    conversation_enc: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class FailedAttempt(Base):
    """One failed login or wrong status code, counted by the limiters (coach/attempts.py) for every worker.

    `key_hash` is a keyed hash (coach/crypto.py) of what is limited (username and IP, IP, reference), never the
    value itself; `at` is seconds since the epoch. Rows older than the limiter's window are deleted as it writes."""

    __tablename__ = "failed_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[float] = mapped_column(Float, index=True)

    __table_args__ = (Index("ix_failed_attempts_kind_key", "kind", "key_hash"),)


class ReachCount(Base):
    """How many intakes of one ISO week (Monday `week`), team, language and channel had `value` for `measure`
    (coach/reach/counting.py). Counts only: no intake id, reference or time finer than the week, so the
    counts survive retention and erasure and lead back to nobody. '' stands for "none" (no team). Only cells of
    `coach.reach.release.K` (5) intakes or more; smaller ones wait in reach_pending."""

    __tablename__ = "reach_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)
    team: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    measure: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("week", "team", "language", "channel", "measure", "value", name="uq_reach_cell"),
        Index("ix_reach_counts_measure_week", "measure", "week"),
    )


class ReachPending(Base):
    """One intake's 1 in a week-count cell that holds fewer than `coach.reach.counting.K` intakes so far. It
    waits here, tied to the intake (deleted with it by retention and erasure), until the cell reaches K; then
    the cell's sum moves to reach_counts and these rows go. So reach_counts never holds a cell of 1 to K-1."""

    __tablename__ = "reach_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    week: Mapped[date] = mapped_column(Date)
    team: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    measure: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint(
            "intake_id", "week", "team", "language", "channel", "measure", "value", name="uq_reach_pending"
        ),
        Index("ix_reach_pending_cell", "measure", "week", "team", "language", "channel", "value"),
    )


class ConversationCount(Base):
    """The assistant's anonymous counters (POST /webhook/counters) per ISO week: conversations started,
    consented, stopped or expired at `question` ('' when none), handed off; by language and channel."""

    __tablename__ = "conversation_counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[date] = mapped_column(Date, index=True)
    event: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("week", "event", "question", "language", "channel", name="uq_conversation_cell"),
    )


class CounterBatch(Base):
    """The webhook-id of every counter batch taken, so that a resent batch is not counted twice; kept
    `coach.reach.counters.KEEP_BATCH_IDS` long (the sender gives up long before)."""

    __tablename__ = "counter_batches"

    webhook_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
