"""The assistant's anonymous conversation counters (`POST /webhook/counters`, docs/architecture.md): per day,
event, question, language and channel a number, added to per-ISO-week cells. Nothing else is accepted: no
conversation id, no answer, no time finer than the day; and the day itself is kept only as its week.

`handed_off` is accepted (an assistant of before 0008 sent it; today's does not count hand-offs) but never stored:
a handed-off conversation is an intake, and a cell of 1 to 4 of them (week, language, channel) would outlive the
erasure of that intake. The page takes "intake sent" from the intakes' own week counts, which keep no cell under K
(coach/reach/release.py). The other events are conversations that never became an intake (or not yet)."""

from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coach.models import ConversationCount, CounterBatch, utcnow
from coach.reach.upsert import add_counts
from coach.reach.weeks import week_of_day
from coach.schemas import LanguageCode

STORED_EVENTS = ("started", "consented", "stopped", "expired")
Event = Literal["started", "consented", "stopped", "expired", "handed_off"]
Channel = Literal["web", "whatsapp", "telegram", "reception"]
KEYS = ("week", "event", "question", "language", "channel")
# A resent batch within this time is recognised by its webhook-id; the sender gives up long before.
KEEP_BATCH_IDS = timedelta(days=30)


class CountIn(BaseModel):
    """One counter: `n` conversations of `language` on `channel` had `event` on `day` (at `question`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    day: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    event: Event
    question: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")] | None
    language: LanguageCode
    channel: Channel
    n: Annotated[int, Field(ge=1, le=1_000_000)]


class CountersIn(BaseModel):
    """The body of POST /webhook/counters."""

    model_config = ConfigDict(extra="forbid", strict=True, title="Onthaal conversation counters")

    counts: Annotated[list[CountIn], Field(min_length=1, max_length=1000)]


def parse_day(value: str) -> date:
    """The counter's day; ValueError for a date that does not exist (2026-02-30)."""
    return date.fromisoformat(value)


def store(db: Session, webhook_id: str, counters: CountersIn) -> bool:
    """Add a batch to the week cells unless its webhook-id was taken before; True when added. Not committed."""
    if db.scalar(select(CounterBatch.webhook_id).where(CounterBatch.webhook_id == webhook_id)) is not None:
        return False
    now = utcnow()
    db.execute(delete(CounterBatch).where(CounterBatch.received_at < now - KEEP_BATCH_IDS))
    db.add(CounterBatch(webhook_id=webhook_id, received_at=now))
    rows = [
        {
            "week": week_of_day(parse_day(count.day)),
            "event": count.event,
            "question": count.question or "",
            "language": count.language,
            "channel": count.channel,
            "n": count.n,
        }
        for count in counters.counts
        if count.event in STORED_EVENTS
    ]
    db.flush()  # the batch id first: a concurrent resend fails here, before anything is added
    add_counts(db, ConversationCount, KEYS, rows)
    return True
