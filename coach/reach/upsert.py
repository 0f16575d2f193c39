"""Adding to count cells in one statement (INSERT ... ON CONFLICT DO UPDATE n = n + excluded.n), so two workers
counting at once never lose an addition, on SQLite and PostgreSQL alike."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def add_counts(db: Session, model: Any, keys: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Add each row's `n` to the cell named by its `keys` columns (created at `n` when new)."""
    if not rows:
        return
    # One cell may come twice in a batch (ON CONFLICT cannot touch a row twice in one statement): sum first.
    summed: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[column] for column in keys)
        if key in summed:
            summed[key]["n"] += row["n"]
        else:
            summed[key] = dict(row)
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(list(summed.values()))
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={"n": model.__table__.c.n + statement.excluded.n}
    )
    db.execute(statement)
