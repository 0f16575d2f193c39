"""The conversation store's side record for the counters: where each conversation is, so that its expiry can be
counted without decrypting it (bot/tracker_store.py calls this inside its own transactions).

Table `tracker_progress`, beside the conversations (same SQLite file or PostgreSQL database): per conversation
`(row_id, question, language, channel, day, consented)`: the store's keyed hash of the conversation id (never the
id), the question open now, the conversation's language and channel, the day (UTC) of its last turn, and whether
consent was given. No answer, no message, no time finer than the day. The record is written only when one of
these changes (a turn on a new day changes the day; most turns change the question), removed at the hand-off and
on erasure, and read, counted as `expired` and deleted when the expiry deletes its conversation.

This process remembers the record it last wrote for each conversation, with the conversation's generation and
number of batches right after that save; the store passes the generation and batches it appends to, so a record
remembered from before another replica's turns is never trusted (it is read again).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.counters.events import Count, Progress, Turn, observe, turn_counts

PROGRESS = sa.Table(
    "tracker_progress",
    sa.MetaData(),
    sa.Column("row_id", sa.String(64), primary_key=True),
    sa.Column("question", sa.String(64), nullable=True),
    sa.Column("language", sa.String(8), nullable=True),
    sa.Column("channel", sa.String(16), nullable=True),
    sa.Column("day", sa.String(10), nullable=False, index=True),
    sa.Column("consented", sa.Boolean, nullable=False, default=False),
)
REMEMBERED = 10_000
SLICE = 1000  # SQLite takes at most 32,766 parameters a statement


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).date().isoformat()


def create_table(engine: sa.engine.Engine) -> None:
    """CREATE TABLE IF NOT EXISTS, under the conversation store's schema lock on PostgreSQL."""
    from bot.tracker_tables import SCHEMA_LOCK_ID

    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK_ID)))
        PROGRESS.metadata.create_all(connection, checkfirst=True)


def _progress(row: sa.Row) -> Progress:
    return Progress(row.question, row.language, row.channel, row.day, bool(row.consented))


class ConversationProgress:
    """The side records of one conversation store, and what this process remembers of them."""

    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._remembered = remembered
        # row id -> (generation, batches, progress): the stored record right after that save (None: no record)
        self._memory: OrderedDict[str, tuple[str, int, Progress | None]] = OrderedDict()
        self._lock = threading.Lock()

    # -- memory ---------------------------------------------------------------------------------------------------

    def _recalled(self, row_id: str, generation: str, batches: int) -> tuple[bool, Progress | None]:
        with self._lock:
            kept = self._memory.get(row_id)
        if kept is None or kept[:2] != (generation, batches):
            return False, None
        return True, kept[2]

    def remember(self, row_id: str, generation: str, batches: int, progress: Progress | None) -> None:
        with self._lock:
            self._memory[row_id] = (generation, batches, progress)
            self._memory.move_to_end(row_id)
            while len(self._memory) > self._remembered:
                self._memory.popitem(last=False)

    def forget(self, row_ids: Sequence[str]) -> None:
        with self._lock:
            for row_id in row_ids:
                self._memory.pop(row_id, None)

    # -- the table -----------------------------------------------------------------------------------------------

    def _load(self, connection: Connection, row_ids: Sequence[str]) -> tuple[str | None, Progress | None]:
        """The record under the first of `row_ids` that has one (the current key's id first), and that id."""
        found = {
            row.row_id: _progress(row)
            for row in connection.execute(sa.select(PROGRESS).where(PROGRESS.c.row_id.in_(row_ids))).all()
        }
        under = next((row_id for row_id in row_ids if row_id in found), None)
        return under, found.get(under) if under else None

    def _write(self, connection: Connection, row_id: str, progress: Progress) -> None:
        values = {
            "question": progress.question,
            "language": progress.language,
            "channel": progress.channel,
            "day": progress.day,
            "consented": progress.consented,
        }
        # One statement, also when two replicas would write the same record at once.
        insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(PROGRESS)
        connection.execute(
            insert.values(row_id=row_id, **values).on_conflict_do_update(index_elements=["row_id"], set_=values)
        )

    def delete(self, connection: Connection, row_ids: Sequence[str]) -> None:
        for start in range(0, len(row_ids), SLICE):
            connection.execute(sa.delete(PROGRESS).where(PROGRESS.c.row_id.in_(row_ids[start : start + SLICE])))

    # -- what the store calls ---------------------------------------------------------------------------------------

    def after_turn(
        self,
        connection: Connection,
        row_ids: Sequence[str],
        tracker,  # noqa: ANN001 - a DialogueStateTracker (events.SlotsAndChannel)
        new_events: Sequence[dict] | None,
        now: float,
        before: tuple[str, int] | None = None,
    ) -> Turn:
        """Record the turn just saved under `row_ids[0]` (in the store's transaction); the counters it adds.

        `new_events`: the events the save added (None: a rewrite whose new events are unknown; then nothing is
        counted, and a conversation without a message from the person, as the hand-off leaves it, has no record).
        `before`: the generation and batches the save appended to, when it was an append of this process's own
        tracker (then the remembered record, if remembered at that state, is current).
        """
        current = row_ids[0]
        recalled, previous = self._recalled(current, *before) if before is not None else (False, None)
        under = current if previous is not None else None
        if not recalled:
            under, previous = self._load(connection, row_ids)
        day = day_of(now)
        if new_events is None:
            if not tracker_has_message(tracker):
                self.delete(connection, row_ids)
                return Turn([], None)
            if previous is None:
                return Turn([], None)
            turn = Turn([], observe(tracker, previous, day))
        else:
            turn = turn_counts(new_events, previous, observe(tracker, previous, day))
        if turn.progress is None:
            if previous is not None:
                self.delete(connection, row_ids)
        elif turn.progress != previous or under != current:
            if under not in (None, current):
                self.delete(connection, [under])  # a record under an older key's id moves to the current one
            self._write(connection, current, turn.progress)
        return turn

    def expire(self, connection: Connection, row_ids: Sequence[str], now: float, ttl_seconds: float) -> list[Count]:
        """The records of conversations the expiry deletes (in its transaction): counted as `expired` at their
        question, on the day of their last recorded turn, and deleted. Records left without a conversation for
        longer than the TTL (a conversation moved to another key's id) go uncounted."""
        counts: list[Count] = []
        for start in range(0, len(row_ids), SLICE):
            some = row_ids[start : start + SLICE]
            for row in connection.execute(sa.select(PROGRESS).where(PROGRESS.c.row_id.in_(some))).all():
                progress = _progress(row)
                if progress.countable:
                    counts.append(
                        Count(progress.day, "expired", progress.question, progress.language, progress.channel)
                    )
            self.delete(connection, some)
        self.forget(row_ids)
        oldest = day_of(now - ttl_seconds - timedelta(days=2).total_seconds())
        from bot.tracker_tables import CONVERSATIONS  # the store's own table; imported here to keep this module light

        has_conversation = sa.exists().where(CONVERSATIONS.c.row_id == PROGRESS.c.row_id)
        connection.execute(sa.delete(PROGRESS).where(PROGRESS.c.day < oldest, ~has_conversation))
        return counts


def tracker_has_message(tracker) -> bool:  # noqa: ANN001 - a DialogueStateTracker
    """Whether the person said anything in the tracker (the hand-off's erasure leaves only the language)."""
    return any(getattr(event, "type_name", None) == "user" for event in tracker.events)
