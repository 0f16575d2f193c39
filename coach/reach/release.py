"""No stored cell of one: an intake's 1 in a week-count cell goes to reach_counts only once that cell holds at
least K intakes. Until then it waits in reach_pending, tied to the intake, so that retention and erasure take it
with the intake (a cell that never reached K before the intakes behind it were deleted is lost; the page showed
it as "<5" anyway). The page reads reach_counts plus the pending sums (`cells()`), so every figure is exact.

Per cell: when reach_counts has it, add there; else add a pending row, and when the cell's pending sum reaches K,
move that sum to reach_counts and delete the cell's pending rows, all in the caller's transaction. On PostgreSQL
the cells are locked first (a transaction advisory lock per cell, taken in one order, so two workers never wait
on each other in a circle), so that two workers counting the same cell at once release it once, with the whole
sum. SQLite runs one writing transaction at a time anyway.
"""

import hashlib
from typing import Any

from sqlalchemy import Subquery, delete, func, select, text, tuple_, union_all
from sqlalchemy.orm import Session

from coach.models import ReachCount, ReachPending
from coach.reach.upsert import add_counts

K = 5  # the smallest number of intakes a stored cell may hold
KEYS = ("week", "team", "language", "channel", "measure", "value")
LOCK_CLASS = 15  # the first key of the cells' advisory locks (coach/db.py and coach/attempts.py use one bigint)


def _lock_key(cell: tuple[Any, ...]) -> int:
    digest = hashlib.blake2b("\x1f".join(str(part) for part in cell).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def _columns(model: Any) -> tuple[Any, ...]:
    return tuple(getattr(model, column) for column in KEYS)


def add_intake_cells(db: Session, intake_id: int, rows: list[dict[str, Any]]) -> None:
    """Add one intake's `rows` (each the KEYS columns and `n`) to the week counts, as described above."""
    summed: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(row[column] for column in KEYS)
        summed[key] = summed.get(key, 0) + row["n"]
    if not summed:
        return
    if db.get_bind().dialect.name == "postgresql":
        for lock in sorted({_lock_key(key) for key in summed}):
            db.execute(text("SELECT pg_advisory_xact_lock(:class, :key)"), {"class": LOCK_CLASS, "key": lock})
    stored = {
        tuple(found)
        for found in db.execute(select(*_columns(ReachCount)).where(tuple_(*_columns(ReachCount)).in_(list(summed))))
    }
    add_counts(db, ReachCount, KEYS, [_row(key, n) for key, n in summed.items() if key in stored])
    waiting = [key for key in summed if key not in stored]
    if not waiting:
        return
    add_counts(
        db, ReachPending, ("intake_id", *KEYS), [{"intake_id": intake_id, **_row(key, summed[key])} for key in waiting]
    )
    cell = tuple_(*_columns(ReachPending))
    full = db.execute(
        select(*_columns(ReachPending), func.sum(ReachPending.n))
        .where(cell.in_(waiting))
        .group_by(*_columns(ReachPending))
        .having(func.sum(ReachPending.n) >= K)
    ).all()
    if not full:
        return
    add_counts(db, ReachCount, KEYS, [_row(tuple(found[:-1]), int(found[-1])) for found in full])
    db.execute(delete(ReachPending).where(cell.in_([tuple(found[:-1]) for found in full])))


def _row(key: tuple[Any, ...], n: int) -> dict[str, Any]:
    return {**dict(zip(KEYS, key, strict=True)), "n": n}


def cells() -> Subquery:
    """Every count as the page reads it: the rows of reach_counts and the pending rows, which the page's
    queries sum per cell like the others (no inner GROUP BY, so their filters reach both tables' indexes)."""
    stored = select(ReachCount.id, *_columns(ReachCount), ReachCount.n)
    pending = select(ReachPending.id, *_columns(ReachPending), ReachPending.n)
    return union_all(stored, pending).subquery("cells")
