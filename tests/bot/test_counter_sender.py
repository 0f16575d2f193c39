"""Sending the counters (bot/counters/): the Rasa server's buffer writes them to the store, the action server's
sender seals them into signed batches for POST /webhook/counters, retried until taken, counted once.

Against a real HTTP server on 127.0.0.1 that checks the signature and the body (tests/bot/counter_receiver.py).
Every test runs on a SQLite file and, when ONTHAAL_TEST_POSTGRES_URL is set, on a fresh PostgreSQL database.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import requests

from bot.counters import counts
from bot.counters.buffer import CounterBuffer
from bot.counters.events import Count
from bot.counters.sender import CounterSender, start_counter_sender
from bot.delivery.coach_client import DeliverySettings
from tests.bot.coach_doubles import new_secret
from tests.bot.counter_receiver import CounterReceiver, body_problem
from tests.bot.shared_backends import POSTGRES_URL, fresh_postgres_database

DAY = "2026-12-06"
NOW = 1_796_551_200.0


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield tmp_path / "counters.sqlite3"
        counts.dispose_all()
        return
    if not POSTGRES_URL:
        pytest.skip("ONTHAAL_TEST_POSTGRES_URL is not set (make bot-tests starts a PostgreSQL)")
    with fresh_postgres_database() as url:
        yield url
        counts.dispose_all()


@pytest.fixture
def receiver():
    with CounterReceiver(new_secret()) as running:
        yield running


def sender_for(receiver: CounterReceiver, store, clock: Clock | None = None, **options) -> CounterSender:
    settings = DeliverySettings(outbox_path=Path("unused"), coach_url="http://unused", secret=receiver.secret)
    return CounterSender(
        settings=settings, store=store, url=f"{receiver.url}/webhook/counters", clock=clock or Clock(), **options
    )


STOPS = [
    Count(DAY, "started", None, "nl", "web"),
    Count(DAY, "started", None, "nl", "web"),
    Count(DAY, "stopped", "neighbourhood", "nl", "web"),
    Count(DAY, "expired", "age_band", "prs", "whatsapp"),
]


def test_buffered_counts_reach_the_coach_service_signed_and_added_up(store, receiver):
    buffer = CounterBuffer(store, background=False)
    buffer.add(STOPS)
    buffer.add([Count(DAY, "started", None, "nl", "web")])
    assert buffer.flush()
    assert buffer.pending() == []
    assert sender_for(receiver, store).run_once() == 1
    assert receiver.refused == []
    assert dict(receiver.totals) == {
        (DAY, "started", None, "nl", "web"): 3,
        (DAY, "stopped", "neighbourhood", "nl", "web"): 1,
        (DAY, "expired", "age_band", "prs", "whatsapp"): 1,
    }
    assert counts.waiting(store) == [] and counts.batches(store) == []


def test_the_body_is_the_contract_and_nothing_else(store):
    counts.add(STOPS, store)
    assert counts.seal_batch("msg_test", NOW, store)
    [batch] = [counts.claim_next(NOW, NOW + 15, store)]
    document = json.loads(batch.body)
    assert body_problem(batch.body) is None
    assert document == {
        "counts": [
            {"day": DAY, "event": "expired", "question": "age_band", "language": "prs", "channel": "whatsapp", "n": 1},
            {"day": DAY, "event": "started", "question": None, "language": "nl", "channel": "web", "n": 2},
            {"day": DAY, "event": "stopped", "question": "neighbourhood", "language": "nl", "channel": "web", "n": 1},
        ]
    }


def test_a_batch_the_coach_service_did_not_take_is_sent_again_under_the_same_webhook_id(store, receiver):
    clock = Clock()
    sender = sender_for(receiver, store, clock)
    counts.add(STOPS, store)
    receiver.fail_with(503)
    assert sender.run_once() == 0
    [(webhook_id, attempts, retry_at)] = counts.batches(store)
    assert attempts == 1 and retry_at == NOW + 1.0
    counts.add([Count(DAY, "consented", None, "nl", "web")], store)  # meanwhile: waits, no second batch
    assert sender.run_once() == 0 and len(counts.batches(store)) == 1  # not due yet
    clock.now += 1.0
    assert sender.run_once() == 2  # the batch again, then the counts that waited, in a batch of their own
    assert receiver.webhook_ids[:2] == [webhook_id, webhook_id] and len(set(receiver.webhook_ids)) == 2
    assert receiver.by_event() == {"started": 2, "stopped": 1, "expired": 1, "consented": 1}
    assert counts.batches(store) == [] and counts.waiting(store) == []


def test_a_resent_batch_is_counted_once(store, receiver):
    """The coach took the batch, but its answer was lost: the resend has the same webhook id."""
    clock = Clock()
    sender = sender_for(receiver, store, clock)
    counts.add(STOPS, store)
    lost = []

    def answer_lost_once(url, **kwargs):
        response = requests.post(url, **kwargs)  # noqa: S113 - the sender passes its timeout in kwargs
        if not lost:
            lost.append(response.status_code)
            raise requests.ConnectionError("answer lost")
        return response

    sender.transport = answer_lost_once
    assert sender.run_once() == 0 and lost == [204]
    clock.now += 1.0
    assert sender.run_once() == 1
    assert len(receiver.webhook_ids) == 2 and len(set(receiver.webhook_ids)) == 1
    assert receiver.by_event() == {"started": 2, "stopped": 1, "expired": 1}


def test_a_backlog_goes_out_in_batches_the_coach_service_takes(store, receiver):
    """The coach service takes at most 1000 counts a request; a long outage leaves more waiting than that."""
    days = [f"2026-{month:02d}-{day:02d}" for month in range(1, 13) for day in range(1, 29)]
    backlog = [
        Count(day, "expired", question, "nl", "web")
        for day in days
        for question in ("age_band", "home", "money", "health")
    ]
    counts.add(backlog, store)
    sizes = []
    original = receiver.answer

    def answer(path, headers, body):  # noqa: ANN001, ANN202
        sizes.append((len(json.loads(body)["counts"]), len(body)))
        return original(path, headers, body)

    receiver.answer = answer
    assert sender_for(receiver, store).run_once() == 3
    assert [count for count, _ in sizes] == [500, 500, len(backlog) - 1000]
    assert max(size for _, size in sizes) < 128 * 1024
    assert receiver.by_event() == {"expired": len(backlog)} and counts.waiting(store) == []


def test_a_refused_body_is_dropped_and_sending_goes_on(store, receiver):
    sender = sender_for(receiver, store)
    counts.add(STOPS, store)
    receiver.fail_with(422)
    assert sender.run_once() == 0
    assert counts.batches(store) == []
    counts.add([Count(DAY, "consented", None, "en", "reception")], store)
    assert sender.run_once() == 1 and receiver.by_event() == {"consented": 1}


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(store, receiver):
    sender = sender_for(receiver, store)
    sender.settings = DeliverySettings(outbox_path=Path("unused"), coach_url="http://unused", secret=new_secret())
    counts.add(STOPS, store)
    assert sender.run_once() == 0
    assert receiver.refused == [(401, "signature")] and receiver.totals == {}
    assert len(counts.batches(store)) == 1  # kept: a fixed secret makes it pass


def test_no_answer_at_all_keeps_the_batch(store):
    settings = DeliverySettings(outbox_path=Path("unused"), coach_url="http://unused", secret=new_secret())
    from tests.bot.coach_doubles import free_port

    sender = CounterSender(settings=settings, store=store, url=f"http://127.0.0.1:{free_port()}/webhook/counters")
    counts.add(STOPS, store)
    assert sender.run_once() == 0
    [(_, attempts, _)] = counts.batches(store)
    assert attempts == 1


def test_several_senders_send_each_count_once(store, receiver):
    """Action server replicas on one database: every sender seals and claims at once, each count goes once."""
    for _ in range(40):
        counts.add([Count(DAY, "started", None, "nl", "web")], store)
    senders = [sender_for(receiver, store, clock=time.time) for _ in range(4)]
    barrier = threading.Barrier(len(senders))

    def send(sender: CounterSender) -> None:
        barrier.wait()
        for _ in range(3):
            sender.run_once()

    threads = [threading.Thread(target=send, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert receiver.by_event() == {"started": 40}
    assert len(receiver.webhook_ids) == len(set(receiver.webhook_ids))  # nothing posted twice
    assert counts.waiting(store) == [] and counts.batches(store) == []


def test_a_failed_write_keeps_the_counts_for_the_next_flush(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    buffer = CounterBuffer(blocked / "counters.sqlite3", background=False)
    buffer.add(STOPS)
    assert not buffer.flush()
    assert sum(count.n for count in buffer.pending()) == 4


def test_the_buffer_writes_in_the_background(store):
    buffer = CounterBuffer(store, flush_seconds=0.05)
    buffer.add(STOPS)
    deadline = time.monotonic() + 5
    while counts.waiting(store) == [] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sum(count.n for count in counts.waiting(store)) == 4 and buffer.pending() == []


def test_the_sender_thread_is_off_with_the_outbox_sender(monkeypatch):
    monkeypatch.delenv("ONTHAAL_COUNTERS_SENDER", raising=False)
    monkeypatch.setenv("ONTHAAL_OUTBOX_SENDER", "off")
    assert start_counter_sender() is None
    monkeypatch.setenv("ONTHAAL_COUNTERS_SENDER", "off")
    monkeypatch.delenv("ONTHAAL_OUTBOX_SENDER")
    assert start_counter_sender() is None


def test_the_counters_live_beside_the_conversations_unless_told(monkeypatch, tmp_path):
    monkeypatch.delenv("ONTHAAL_BOT_DATABASE_URL", raising=False)
    monkeypatch.delenv("ONTHAAL_COUNTERS_PATH", raising=False)
    monkeypatch.setenv("ONTHAAL_TRACKER_DB", str(tmp_path / "state" / "trackers.sqlite3"))
    assert counts.store_from_environment() == tmp_path / "state" / "counters.sqlite3"
    monkeypatch.setenv("ONTHAAL_COUNTERS_PATH", str(tmp_path / "elsewhere.sqlite3"))
    assert counts.store_from_environment() == tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("ONTHAAL_BOT_DATABASE_URL", "postgresql://u:p@127.0.0.1:1/db")
    assert counts.store_from_environment() == "postgresql://u:p@127.0.0.1:1/db"
