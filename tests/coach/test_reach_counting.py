"""The week counts behind /coach/bereik: added when an intake arrives and when its status first reaches a
funnel stage, never twice, and untouched by retention and erasure, which leave nothing to recover the intake
from. Plus the assistant's anonymous counters (POST /webhook/counters)."""

import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text

from coach import retention
from coach.models import ConversationCount, Intake, ReachCount, ReachPending
from coach.reach.counting import bucket_of, target_groups
from coach.signing import sign
from tests.coach.conftest import add_user, log_in, post_form

REFERENCE = "ONT-7K3M9Q"
WEEK = date(2026, 11, 23)  # the Monday of the example intake's week (submitted 2026-11-27)


def stored(client, model=ReachCount, measure: str | None = None) -> dict[tuple[str, ...], int]:
    """The rows of `model` (reach_counts, or reach_pending summed per cell)."""
    found: dict[tuple[str, ...], int] = {}
    with client.app.state.database.sessions() as db:
        query = select(model)
        if measure:
            query = query.where(model.measure == measure)
        for row in db.scalars(query):
            key = (str(row.week), row.team, row.language, row.channel, row.measure, row.value)
            found[key] = found.get(key, 0) + row.n
    return found


def cells(client, measure: str | None = None) -> dict[tuple[str, ...], int]:
    """The week counts as the page reads them: stored cells plus the pending ones."""
    found = stored(client, ReachCount, measure)
    for key, n in stored(client, ReachPending, measure).items():
        found[key] = found.get(key, 0) + n
    return found


def funnel(client) -> dict[str, int]:
    return {key[5]: n for key, n in cells(client, "funnel").items()}


def test_an_arriving_intake_adds_one_to_each_of_its_cells(client, post_intake, intake_v3):
    assert post_intake(intake_v3()).status_code == 201
    found = cells(client)
    key = (str(WEEK), "west", "bg", "web")
    for measure, value in [
        ("funnel", "sent"),
        ("received", "complete"),
        ("wijk", "bloemekenswijk"),
        ("age_band", "35_49"),
        ("income", "leefloon"),
        ("referral", "ocmw"),
        ("target_group", "no_income"),  # from the flag
        ("target_group", "bg_sk_ro"),
        ("need", "limited_network:reported"),
        ("need", "housing:not_reported"),
        ("need", "justice:skipped"),
        ("need", "motivation:to_assess"),
        ("group_need", "bg_sk_ro|financial_need"),
    ]:
        assert found[(*key, measure, value)] == 1, (measure, value)
    assert not [key for key in found if key[4] == "target_group" and key[5] in ("fifty_plus", "dari")]
    assert sum(n for key, n in found.items() if key[4] == "need") == 20
    # A retry of the same webhook-id and a colliding reference add nothing.
    post_intake(intake_v3(), webhook_id="msg_test1")
    assert post_intake(intake_v3(), webhook_id="msg_other").status_code == 409
    assert cells(client) == found


def test_target_groups_come_from_the_answers():
    assert target_groups("nl", {"age_band": "under_25", "schooling": "secondary_unfinished"}, []) == [
        "under_25_no_diploma"
    ]
    assert target_groups("nl", {"age_band": "under_25", "schooling": "secondary"}, []) == []
    assert target_groups("prs", {"age_band": "50_plus", "income": "no_income"}, []) == [
        "fifty_plus",
        "no_income",
        "dari",
    ]
    assert target_groups("sk", {}, ["no_income"]) == ["no_income", "bg_sk_ro"]


def test_durations_fall_in_buckets():
    assert bucket_of(0.5) == "b00"
    assert bucket_of(1) == "b01"
    assert bucket_of(23.9) == "b03"
    assert bucket_of(10_000) == "b10"


def test_each_funnel_stage_is_counted_once_per_intake(client, post_intake, intake_v3):
    submitted = (datetime.now(UTC) - timedelta(hours=30)).isoformat()
    assert post_intake(intake_v3(submitted_at=submitted)).status_code == 201
    add_user(client, "an", "coach", "west")
    log_in(client, "an")
    page = f"/coach/intakes/{REFERENCE}"
    assert post_form(client, page, f"{page}/claim").status_code == 303
    for status in ("contacted", "new", "claimed", "contacted", "closed", "new", "closed"):
        assert post_form(client, page, f"{page}/status", {"status": status}).status_code == 303
    assert funnel(client) == {"sent": 1, "taken": 1, "contacted": 1, "closed": 1}
    # 30 hours after it was sent: the 24-48 hour bucket, once for taken and once for contact made.
    assert {key[4:]: n for key, n in cells(client).items() if key[4].endswith("_after")} == {
        ("taken_after", "b04"): 1,
        ("contact_after", "b04"): 1,
    }


def test_closing_straight_away_counts_taken_and_closed_but_no_contact(client, post_intake, intake_v3):
    post_intake(intake_v3())
    add_user(client, "an", "coach", "west")
    log_in(client, "an")
    page = f"/coach/intakes/{REFERENCE}"
    post_form(client, page, f"{page}/status", {"status": "closed"})
    assert funnel(client) == {"sent": 1, "taken": 1, "closed": 1}


def everything_stored(client) -> str:
    engine = client.app.state.database.engine
    with engine.connect() as connection:
        return "\n".join(
            f"{table}: {sorted(map(str, connection.execute(text(f'SELECT * FROM {table}'))))}"  # noqa: S608
            for table in sorted(inspect(engine).get_table_names())
            # Both name the reference by design (who erased what; the tracker erasure still to retry).
            if table not in ("audit_log", "pending_erasures")
        )


def post_five(post_intake, intake_v3, payload: dict) -> list[str]:
    """`payload` and four more intakes with the same answers (other references), so that its cells reach K."""
    assert post_intake(payload, webhook_id="msg_erase_me").status_code == 201
    others = [f"ONT-{letter}K3M9Q" for letter in "ABCD"]
    for reference in others:
        # The same ISO week, another day and time than the one to erase.
        submitted = "2026-11-24T08:30:00+00:00"
        assert post_intake(intake_v3(reference=reference, submitted_at=submitted)).status_code == 201
    return others


def test_erasure_keeps_the_counts_and_leaves_nothing_to_find_the_intake_by(client, post_intake, intake_v3):
    payload = intake_v3()
    post_five(post_intake, intake_v3, payload)
    add_user(client, "beheer", "admin", None)
    log_in(client, "beheer")
    page = f"/coach/intakes/{REFERENCE}"
    post_form(client, page, f"{page}/claim")  # funnel "taken": a cell of one, still waiting
    before = stored(client)
    assert before[(str(WEEK), "west", "bg", "web", "funnel", "sent")] == 5
    taken = (str(WEEK), "west", "bg", "web", "funnel", "taken")
    assert taken not in before and cells(client)[taken] == 1
    answer = post_form(client, page, f"{page}/erase", {"confirm": REFERENCE})
    assert answer.status_code == 303
    assert stored(client) == before  # the released counts survive the erasure, unchanged
    assert stored(client, ReachPending) == {}  # and the erased intake's waiting 1 went with it
    assert taken not in cells(client)
    stored_text = everything_stored(client)
    with client.app.state.database.sessions() as db:
        assert db.scalar(select(Intake.id).where(Intake.reference == REFERENCE)) is None
    for secret in (
        REFERENCE,
        "msg_erase_me",
        payload["conversation_id"],
        payload["answers"]["name"],
        payload["answers"]["contact_detail"],
        "10:15",  # the moment it was sent: only its week is kept
        "2026-11-27",
    ):
        assert secret not in stored_text, secret
    # What is left are week cells: no column that could name or order single intakes.
    columns = {column["name"] for column in inspect(client.app.state.database.engine).get_columns("reach_counts")}
    assert columns == {"id", "week", "team", "language", "channel", "measure", "value", "n"}


def test_a_lone_intake_is_stored_nowhere_but_in_its_own_pending_rows(client, post_intake, intake_v3):
    """One intake in a quiet week: the page counts it, reach_counts holds nothing, and erasing it leaves no trace."""
    post_intake(intake_v3(), webhook_id="msg_erase_me")
    assert stored(client) == {}
    pending = stored(client, ReachPending)
    assert pending[(str(WEEK), "west", "bg", "web", "funnel", "sent")] == 1 and set(pending.values()) == {1}
    add_user(client, "beheer", "admin", None)
    log_in(client, "beheer")
    page = f"/coach/intakes/{REFERENCE}"
    assert post_form(client, page, f"{page}/erase", {"confirm": REFERENCE}).status_code == 303
    assert stored(client) == {} and stored(client, ReachPending) == {}


def test_retention_keeps_the_released_counts(client, post_intake, intake_v3, settings):
    post_five(post_intake, intake_v3, intake_v3())
    before = stored(client)
    assert before and min(before.values()) >= 5
    later = datetime.now(UTC) + timedelta(days=settings.retention_open_days + 1)
    with client.app.state.database.sessions() as db:
        gone = retention.purge_expired(db, client.app.state.cipher, settings, later)
    assert sorted(gone) == sorted([REFERENCE, *(f"ONT-{letter}K3M9Q" for letter in "ABCD")])
    assert stored(client) == before and stored(client, ReachPending) == {}
    assert cells(client) == before


# --- POST /webhook/counters -----------------------------------------------------------------------------------


def post_counters(client, settings, body, webhook_id: str | None = None, secret: str | None = None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = sign(secret or settings.webhook_secret, webhook_id or f"msg_{uuid.uuid4().hex}", int(time.time()), raw)
    return client.post("/webhook/counters", content=raw, headers={**headers, "content-type": "application/json"})


def conversation_cells(client) -> dict[tuple[str, ...], int]:
    with client.app.state.database.sessions() as db:
        return {
            (str(row.week), row.event, row.question, row.language, row.channel): row.n
            for row in db.scalars(select(ConversationCount))
        }


RO_APP = {"language": "ro", "channel": "whatsapp"}
BATCH = {
    "counts": [
        {"day": "2026-12-01", "event": "started", "question": None, **RO_APP, "n": 3},
        {"day": "2026-12-03", "event": "started", "question": None, **RO_APP, "n": 2},
        {
            "day": "2026-12-03",
            "event": "stopped",
            "question": "income",
            "language": "ro",
            "channel": "whatsapp",
            "n": 1,
        },
        {"day": "2026-12-07", "event": "expired", "question": "age_band", "language": "nl", "channel": "web", "n": 1},
    ]
}


def test_counters_are_added_per_iso_week_and_a_resent_batch_once(client, settings):
    assert post_counters(client, settings, BATCH, webhook_id="msg_batch1").status_code == 204
    expected = {
        ("2026-11-30", "started", "", "ro", "whatsapp"): 5,
        ("2026-11-30", "stopped", "income", "ro", "whatsapp"): 1,
        ("2026-12-07", "expired", "age_band", "nl", "web"): 1,
    }
    assert conversation_cells(client) == expected
    assert post_counters(client, settings, BATCH, webhook_id="msg_batch1").status_code == 204
    assert conversation_cells(client) == expected
    assert post_counters(client, settings, BATCH, webhook_id="msg_batch2").status_code == 204
    assert conversation_cells(client)[("2026-11-30", "started", "", "ro", "whatsapp")] == 10


def test_unsigned_counters_are_refused(client, settings):
    from coach.settings import generate_webhook_secret

    assert post_counters(client, settings, BATCH, secret=generate_webhook_secret()).status_code == 401
    assert client.post("/webhook/counters", json=BATCH).status_code == 401
    assert conversation_cells(client) == {}


def one(**changes):
    count = {"day": "2026-12-01", "event": "stopped", "question": "income", "language": "nl", "channel": "web", "n": 1}
    count.update(changes)
    return {"counts": [count]}


@pytest.mark.parametrize(
    "body",
    [
        {"counts": []},
        {"counts": BATCH["counts"], "conversation_id": "abc"},
        one(conversation_id="abc"),
        one(answer="geen geld"),
        one(day="2026-12-01T10:00:00"),
        one(day="2026-02-30"),
        one(event="typed"),
        one(language="de"),
        one(channel="sms"),
        one(n=0),
        one(n="3"),
        one(question="Waarom?"),
        b"not json",
    ],
    ids=lambda body: str(body)[:60],
)
def test_counters_outside_the_contract_are_422_and_count_nothing(client, settings, body):
    answer = post_counters(client, settings, body)
    assert answer.status_code == 422
    assert "geen geld" not in answer.text
    assert conversation_cells(client) == {}


def test_hand_offs_are_taken_but_never_stored(client, settings):
    """A handed-off conversation is an intake: a cell of one hand-off (week, language, channel) would outlive the
    intake's erasure. The coach service answers 204 (an older assistant still sends them) and stores nothing."""
    body = one(event="handed_off", question=None, language="prs", channel="telegram")
    body["counts"].append({**body["counts"][0], "event": "stopped", "question": "income"})
    assert post_counters(client, settings, body).status_code == 204
    assert conversation_cells(client) == {("2026-11-30", "stopped", "income", "prs", "telegram"): 1}
    assert post_counters(client, settings, one(event="handed_off", question=None)).status_code == 204
    assert conversation_cells(client) == {("2026-11-30", "stopped", "income", "prs", "telegram"): 1}


def test_a_stored_counter_row_holds_its_cell_and_count_and_nothing_else():
    columns = {column.name for column in ConversationCount.__table__.columns}
    assert columns == {"id", "week", "event", "question", "language", "channel", "n"}
