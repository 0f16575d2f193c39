"""Several action servers on one outbox: every intake reaches the coach exactly once, whichever sender posts it,
and an entry a crashed sender held is taken over when its lease runs out. On a shared SQLite file and, with
ONTHAAL_TEST_POSTGRES_URL, on PostgreSQL (`FOR UPDATE SKIP LOCKED`)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests

from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings
from bot.intake.intake import new_reference
from tests.bot.coach_doubles import new_secret, scripted_coach
from tests.bot.intakes import PERSONAL, valid_intake
from tests.bot.shared_backends import POSTGRES_URL, fresh_postgres_database

INTAKES = "/api/v1/intakes"
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path):
    with scripted_coach() as coach:
        common = {"outbox_path": tmp_path / "outbox.sqlite3", "coach_url": coach.url, "secret": new_secret()}
        common["report_interval_seconds"] = 0
        if request.param == "sqlite":
            yield DeliverySettings(**common), coach
            return
        with fresh_postgres_database() as url:
            yield DeliverySettings(**common, database_url=url), coach


def slow(transport_delay: float):
    """requests.post, a little slower: two senders then overlap on every entry."""

    def post(url: str, **kwargs) -> requests.Response:
        time.sleep(transport_delay)
        return requests.post(url, **kwargs)  # noqa: S113 (kwargs holds the sender's timeout)

    return post


def test_two_senders_post_every_intake_exactly_once(settings):
    settings, coach = settings
    webhook_ids = [delivery.enqueue(valid_intake(new_reference()), settings) for _ in range(30)]
    later = time.time() + delivery.HANDOFF_LEASE_SECONDS + 1  # past the hand-offs' own lease: all due
    senders = [delivery.Sender(clock=lambda: later, settings=settings, transport=slow(0.02)) for _ in range(2)]
    start = threading.Barrier(2)
    delivered: list[set[str]] = [set(), set()]

    def run(index: int) -> None:
        start.wait()
        delivered[index] = senders[index].run_once()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    posted = Counter(request.headers["webhook-id"] for request in coach.to(INTAKES))
    assert sorted(posted) == sorted(webhook_ids)
    assert set(posted.values()) == {1}  # nobody got an intake twice
    assert delivered[0] | delivered[1] == set(webhook_ids) and not delivered[0] & delivered[1]
    assert delivered[0] and delivered[1]  # both took part
    assert outbox.counts(later, settings.outbox_store)[:2] == (0, 0)


def test_an_entry_a_crashed_sender_held_is_taken_over_after_its_lease(settings):
    settings, coach = settings
    webhook_id = delivery.enqueue(valid_intake(new_reference()), settings)
    now = time.time() + delivery.HANDOFF_LEASE_SECONDS + 1
    taken = outbox.claim_next(now, now + settings.claim_seconds, settings.outbox_store)
    assert taken is not None and taken.webhook_id == webhook_id  # ... and that sender dies before posting
    assert outbox.claim_next(now, now + settings.claim_seconds, settings.outbox_store) is None

    other = delivery.Sender(clock=lambda: now + 1, settings=settings)
    assert other.run_once() == set()  # still leased
    assert coach.to(INTAKES) == []
    expired = delivery.Sender(clock=lambda: now + settings.claim_seconds + 1, settings=settings)
    assert expired.run_once() == {webhook_id}
    assert [request.headers["webhook-id"] for request in coach.to(INTAKES)] == [webhook_id]


def test_a_refused_intake_becomes_a_dead_letter_and_can_be_requeued(settings):
    settings, coach = settings
    coach.script[INTAKES] = [422]
    webhook_id = delivery.enqueue(valid_intake(new_reference()), settings)
    result = delivery.deliver(webhook_id, time.time(), settings)
    assert result.dead_lettered
    [(dead_id, reason, _)] = outbox.dead_letters(settings.outbox_store)
    assert (dead_id, reason) == (webhook_id, "status 422")
    assert outbox.requeue(webhook_id, time.time(), settings.outbox_store)
    assert delivery.Sender(clock=lambda: time.time() + 1, settings=settings).run_once() == {webhook_id}
    assert outbox.counts(time.time(), settings.outbox_store)[:2] == (0, 0)


@pytest.mark.skipif(not POSTGRES_URL, reason="ONTHAAL_TEST_POSTGRES_URL is not set")
def test_the_shared_outbox_holds_no_words_in_clear(tmp_path):
    import psycopg2

    with scripted_coach() as coach, fresh_postgres_database() as url:
        settings = DeliverySettings(tmp_path / "unused.sqlite3", coach.url, new_secret(), database_url=url)
        delivery.enqueue(valid_intake(new_reference()), settings)
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT body FROM outbox")
            [(body,)] = cursor.fetchall()
        assert body.startswith(outbox.ENCRYPTED_PREFIX)
        assert not any(word in body for word in PERSONAL)
        assert not (tmp_path / "unused.sqlite3").exists()  # nothing went to the file
