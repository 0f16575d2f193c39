"""No stored cell of one (issue 15, Privacy): reach_counts only ever holds cells of K = 5 intakes or more; below
that each intake's 1 waits in reach_pending and goes with the intake. Checked against a plain model of the rule
over a random run of intakes, stage changes, erasures and retention, and with workers counting at once."""

import random
import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from coach import retention
from coach.models import Intake, ReachCount, ReachPending
from coach.reach import counting, release
from coach.reach.counting import answer_cells, channel_of, status_cells
from coach.reach.release import K
from coach.reach.weeks import week_of

LANGUAGES = ("bg", "prs", "ro")
CHANNELS = ("rest", "whatsapp")


def rows_of(db, model) -> Counter:
    found: Counter = Counter()
    for row in db.scalars(select(model)):
        found[(row.week, row.team, row.language, row.channel, row.measure, row.value)] += row.n
    return found


def figures(db) -> Counter:
    """Every cell as /coach/bereik reads it (coach/reach/release.py cells(), summed per cell)."""
    cells = release.cells()
    keys = [cells.c[column] for column in release.KEYS]
    return Counter(
        {tuple(found[:-1]): found[-1] for found in db.execute(select(*keys, func.sum(cells.c.n)).group_by(*keys))}
    )


class Model:
    """The rule written out plainly: per cell, the released count and the intakes still waiting in it."""

    def __init__(self) -> None:
        self.released: Counter = Counter()
        self.waiting: dict[tuple, set[str]] = defaultdict(set)

    def add(self, reference: str, cells: list[tuple]) -> None:
        for cell in cells:
            if self.released[cell]:
                self.released[cell] += 1
                continue
            self.waiting[cell].add(reference)
            if len(self.waiting[cell]) >= K:
                self.released[cell] = len(self.waiting.pop(cell))

    def delete(self, reference: str) -> None:
        for cell in list(self.waiting):
            self.waiting[cell].discard(reference)
            if not self.waiting[cell]:
                del self.waiting[cell]

    def pending(self) -> Counter:
        return Counter({cell: len(references) for cell, references in self.waiting.items()})


def check(client, model: Model, present: dict[str, list[tuple]]) -> None:
    with client.app.state.database.sessions() as db:
        stored = rows_of(db, ReachCount)
        assert not [n for n in stored.values() if 0 < n < K]  # no stored cell of 1 to K-1
        assert stored == +model.released
        assert rows_of(db, ReachPending) == model.pending()
        # The page's figures: the released cells plus a plain recount of what the intakes still present add.
        recount = Counter(model.released)
        for reference, cells in present.items():
            for cell in cells:
                if cell in model.waiting and reference in model.waiting[cell]:
                    recount[cell] += 1
        assert figures(db) == +recount
        # The pending rows name only intakes that still exist.
        assert (
            db.scalar(
                select(func.count()).select_from(ReachPending).where(~ReachPending.intake_id.in_(select(Intake.id)))
            )
            == 0
        )


def test_a_random_run_keeps_the_rule(client, post_intake, intake_v3, settings):
    generator = random.Random(15)
    model = Model()
    present: dict[str, list[tuple]] = {}  # reference -> the cells it added
    old_week = datetime.now(UTC) - timedelta(days=settings.retention_open_days + 30)
    this_week = datetime.now(UTC) - timedelta(hours=2)
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    for index in range(36):
        reference = f"ONT-{alphabet[index // 10]}{alphabet[index % 10]}Q7M9"
        submitted = (old_week if index % 3 == 0 else this_week).isoformat()
        payload = intake_v3(reference=reference, submitted_at=submitted, language=generator.choice(LANGUAGES))
        payload["channel"] = generator.choice(CHANNELS)
        payload["complete"] = generator.random() < 0.7
        assert post_intake(payload).status_code == 201
        with client.app.state.database.sessions() as db:
            row = db.scalar(select(Intake).where(Intake.reference == reference))
            key = (week_of(row.submitted_at), row.team or "", row.language, channel_of(row.channel, row.assisted_by))
            cells = [
                (*key, *cell)
                for cell in answer_cells(
                    row.language, row.complete, payload["answers"], payload["checklist"], payload["flags"]
                )
            ]
            model.add(reference, cells)
            present[reference] = cells
            # Stage changes on a random earlier intake, through the function the intake page calls.
            other = generator.choice(sorted(present))
            target = db.scalar(select(Intake).where(Intake.reference == other))
            new_status = generator.choice(["claimed", "contacted", "closed", "new"])
            hours = max((datetime.now(UTC) - target.submitted_at).total_seconds() / 3600, 0.0)
            added, _ = status_cells(set(target.stages_counted.split()), new_status, hours)
            target.status = new_status
            counting.count_status(db, target, new_status, datetime.now(UTC))
            db.commit()
            added_cells = [(*present[other][0][:4], *cell) for cell in added]
            model.add(other, added_cells)
            present[other] = present[other] + added_cells
            # Now and then an erasure.
            if generator.random() < 0.15 and len(present) > 3:
                gone = generator.choice(sorted(present))
                retention.erase_intake(
                    db,
                    db.scalar(select(Intake).where(Intake.reference == gone)),
                    client.app.state.cipher,
                    settings,
                    None,
                )
                model.delete(gone)
                del present[gone]
        check(client, model, present)
    # Retention takes the old week's intakes (they arrived long ago as far as it knows).
    with client.app.state.database.sessions() as db:
        for row in db.scalars(select(Intake).where(Intake.submitted_at < this_week - timedelta(days=7))):
            row.received_at, row.status = old_week, "new"
        db.commit()
        gone = retention.purge_expired(db, client.app.state.cipher, settings, datetime.now(UTC))
    assert gone
    for reference in gone:
        model.delete(reference)
        del present[reference]
    check(client, model, present)
    assert model.released and model.waiting  # the run crossed K in some cells and not in others


def test_workers_counting_one_cell_at_once_release_it_once_with_the_whole_sum(client, post_intake, intake_v3):
    """Eight coaches take eight intakes of one quiet cell at the same moment, each in its own transaction."""
    now = datetime.now(UTC).isoformat()
    alphabet = "23456789"
    references = [f"ONT-{letter}W7K3M" for letter in alphabet]
    for reference in references:
        assert post_intake(intake_v3(reference=reference, submitted_at=now)).status_code == 201
    database = client.app.state.database
    barrier = threading.Barrier(len(references))
    errors: list[BaseException] = []

    def take(reference: str) -> None:
        try:
            with database.sessions() as db:
                row = db.scalar(select(Intake).where(Intake.reference == reference))
                barrier.wait(timeout=20)
                row.status = "claimed"
                counting.count_status(db, row, "claimed", datetime.now(UTC))
                db.commit()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=take, args=(reference,)) for reference in references]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with database.sessions() as db:
        taken = {key: n for key, n in rows_of(db, ReachCount).items() if key[4:] == ("funnel", "taken")}
        assert list(taken.values()) == [len(references)]  # released once, every worker's 1 in it
        assert not [key for key in rows_of(db, ReachPending) if key[4:] == ("funnel", "taken")]
        assert (
            db.scalar(
                select(func.count())
                .select_from(ReachCount)
                .where(ReachCount.measure == "funnel", ReachCount.value == "taken")
            )
            == 1
        )


def test_the_migration_drops_stored_cells_under_five(database_url):
    """0007: cells of 1 to 4 stored before it name no intake to wait with, so they go; the others stay."""
    from sqlalchemy import insert

    from coach.db import build_engine, migrate

    engine = build_engine(database_url)
    try:
        migrate(engine, "0006")
        cell = {"week": datetime(2026, 11, 23).date(), "team": "west", "language": "bg", "channel": "web"}
        with engine.begin() as connection:
            connection.execute(
                insert(ReachCount),
                [
                    {**cell, "measure": "funnel", "value": "sent", "n": 1},
                    {**cell, "measure": "funnel", "value": "taken", "n": 4},
                    {**cell, "measure": "received", "value": "complete", "n": 5},
                    {**cell, "measure": "received", "value": "incomplete", "n": 12},
                ],
            )
        migrate(engine)
        with engine.connect() as connection:
            left = {(row.value, row.n) for row in connection.execute(select(ReachCount.value, ReachCount.n))}
            assert left == {("complete", 5), ("incomplete", 12)}
            assert connection.execute(select(func.count()).select_from(ReachPending)).scalar() == 0
    finally:
        engine.dispose()


def test_the_migration_drops_the_stored_hand_off_counters(database_url):
    """0008: a stored hand-off counter can be a cell of one intake that outlives its erasure; the others stay."""
    from sqlalchemy import insert

    from coach.db import build_engine, migrate
    from coach.models import ConversationCount

    engine = build_engine(database_url)
    try:
        migrate(engine, "0007")
        cell = {"week": datetime(2026, 11, 23).date(), "question": "", "language": "bg", "channel": "web"}
        with engine.begin() as connection:
            connection.execute(
                insert(ConversationCount),
                [{**cell, "event": "handed_off", "n": 1}, {**cell, "event": "started", "n": 3}],
            )
        migrate(engine)
        with engine.connect() as connection:
            left = {
                (row.event, row.n) for row in connection.execute(select(ConversationCount.event, ConversationCount.n))
            }
            assert left == {("started", 3)}
    finally:
        engine.dispose()
