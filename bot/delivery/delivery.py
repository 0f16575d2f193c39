"""Delivers intakes to the coach service: outbox first, then a signed webhook, retried until acknowledged.

- `enqueue` checks the intake against the schema and writes it to the outbox (`bot/delivery/outbox.py`); an
  invalid intake goes straight to the dead letters instead, with an ERROR log line naming only schema paths.
- The hand-off then makes the first attempt itself, for its own intake only (`deliver_now`), and tells the
  person the reference the intake finally carries.
- A background `Sender` posts the entries whose retry is due, with backoff (1 s doubling to 5 min), and sends
  the coach service a signed status report every minute and after a dead letter. The action server starts it at
  start-up with `start_sender()` (idempotent; `ONTHAAL_OUTBOX_SENDER=off` prevents it);
  `python -m bot.delivery.delivery` runs the same loop on its own. It survives any exception. Several senders
  (action server replicas on one `ONTHAAL_BOT_DATABASE_URL`) may run: each leases the entry it posts
  (`outbox.claim_next`), so no intake is posted by two of them.

What an answer means (`coach_client.outcome_of`): 2xx delivered (retries reuse the webhook id, so the coach
service stores each intake once); 409, the reference belongs to another intake: a new reference under a new
webhook id replaces the row in one statement; any other 4xx except 401/408/429 is permanent: the entry becomes a
dead letter; the rest is retried. Clock, sleep and transport are injectable, so tests run hours in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.fernet import InvalidToken

from bot.delivery import outbox
from bot.delivery.coach_client import (
    MAX_RETRY_SECONDS,
    DeliverySettings,
    Outcome,
    Transport,
    backoff_seconds,
    new_webhook_id,
    outcome_of,
    post_signed,
    report_status,
    sign,
)
from bot.delivery.handoff_ids import HandoffIds, changed_reference, handoff_ids
from bot.delivery.intake_schema import schema_problems

__all__ = [
    "MAX_RETRY_SECONDS",
    "DeliverySettings",
    "Sender",
    "backoff_seconds",
    "deliver_now",
    "enqueue",
    "ids_for",
    "ensure_sender_started",
    "sign",
    "start_sender",
]
logger = logging.getLogger(__name__)
IDLE_POLL_SECONDS = 30.0  # nothing pending: look again now and then (another process may have enqueued)
# The hand-off's own attempt has the entry to itself for this long; after a crash mid-attempt the sender takes it.
HANDOFF_LEASE_SECONDS = 30.0
MAX_REFERENCE_CHANGES = 5  # 409s in a row for one intake: give it back to the backoff


@dataclass(frozen=True)
class Result:
    """How one attempt ended: `reference` and `webhook_id` are the ones the intake carries now (after a 409 they
    are new); None when the entry was not (or no longer) in the outbox."""

    delivered: bool
    reference: str | None
    webhook_id: str | None = None
    dead_lettered: bool = False


def enqueue(intake: dict[str, Any], settings: DeliverySettings | None = None, webhook_id: str | None = None) -> str:
    """Store an intake for delivery (its first attempt is the hand-off's, see `deliver_now`); its webhook id.

    `webhook_id`: the hand-off's own (bot/delivery/handoff_ids.py); when the outbox holds it already (the same
    hand-off repeated on another replica), the entry there stays as it is."""
    settings = settings or DeliverySettings.from_env()
    now = time.time()
    entry = outbox.Entry(
        webhook_id=webhook_id or new_webhook_id(),
        reference=str(intake.get("reference") or ""),  # a missing one is a schema problem, below
        body=outbox.seal(json.dumps(intake, ensure_ascii=False), settings.secret),
        created_at=now,
        attempts=0,
        next_attempt_at=now + HANDOFF_LEASE_SECONDS,
    )
    problems = schema_problems(intake)
    if problems:
        reason = "schema " + " ".join(problems)
        outbox.bury_new(entry, reason, now, settings.outbox_store)
        logger.error("intake %s dead-lettered: %s", entry.webhook_id, reason)
        _nudge_sender(report=True)
        return entry.webhook_id
    outbox.add(entry, settings.outbox_store)
    start_sender()  # normally running since the action server started; a safety net, it costs nothing
    return entry.webhook_id


def ids_for(conversation_id: str, message_id: str | None, settings: DeliverySettings | None = None) -> HandoffIds:
    """The ids of a hand-off, the same when the same message hands off again (bot/delivery/handoff_ids.py)."""
    return handoff_ids((settings or DeliverySettings.from_env()).secret, conversation_id, message_id)


def deliver_now(webhook_id: str, settings: DeliverySettings | None = None) -> Result:
    """The hand-off's own attempt: this intake only, at once; the sender is nudged when it did not get through.
    It never raises: whatever happens, the person gets an answer, and the entry is the sender's job."""
    try:
        result = deliver(webhook_id, time.time(), settings or DeliverySettings.from_env())
    except Exception as error:  # noqa: BLE001 - e.g. the outbox file failing after the post
        logger.error("intake %s: hand-off attempt failed with %s", webhook_id, type(error).__name__)
        result = Result(delivered=False, reference=None)
    if not result.delivered:
        _nudge_sender(report=result.dead_lettered)
    return result


def deliver(
    webhook_id: str,
    now: float,
    settings: DeliverySettings,
    transport: Transport = requests.post,
    claimed: outbox.Entry | None = None,
) -> Result:
    """One attempt for one outbox entry (`claimed`: the one the sender leased), following it through reference
    changes; never raises for the network."""
    for _ in range(MAX_REFERENCE_CHANGES):
        entry, claimed = claimed or outbox.get(webhook_id, settings.outbox_store), None
        if entry is None:
            return Result(delivered=False, reference=None)  # someone else delivered it
        try:
            body = outbox.unseal(entry.body, settings.secret)
            status = post_signed(settings.intakes_url, settings.secret, entry.webhook_id, body, transport)
        except InvalidToken:  # the webhook secret changed since this intake was written: keep it, retry later
            logger.warning("intake %s cannot be decrypted with the current webhook secret", entry.webhook_id)
            return _retry_later(entry, now, settings)
        except Exception as error:  # noqa: BLE001 - one broken attempt must not stop the others
            logger.error("intake %s: attempt failed with %s", entry.webhook_id, type(error).__name__)
            return _retry_later(entry, now, settings)
        outcome = outcome_of(status)
        if outcome is Outcome.DELIVERED:
            outbox.remove(entry.webhook_id, settings.outbox_store)
            logger.info("intake %s delivered", entry.webhook_id)
            return Result(delivered=True, reference=entry.reference, webhook_id=entry.webhook_id)
        if outcome is Outcome.REFUSED:
            outbox.bury(entry.webhook_id, f"status {status}", now, settings.outbox_store)
            logger.error("intake %s dead-lettered: status %s", entry.webhook_id, status)
            return Result(False, entry.reference, entry.webhook_id, dead_lettered=True)
        if outcome is Outcome.RETRY:
            if status is not None:  # no answer at all was logged by post_signed, with the error's type
                logger.warning("intake %s not delivered: status %s, retrying later", entry.webhook_id, status)
            return _retry_later(entry, now, settings)
        webhook_id = _new_reference(entry, body, settings)
        if webhook_id is None:
            return Result(delivered=False, reference=None)
    entry = outbox.get(webhook_id, settings.outbox_store)
    return _retry_later(entry, now, settings) if entry else Result(delivered=False, reference=None)


def _new_reference(entry: outbox.Entry, body: bytes, settings: DeliverySettings) -> str | None:
    """409: the same intake with a new reference, under a new webhook id (the coach service's dedupe must never
    see a second body under one id); the new webhook id, or None when the entry is gone meanwhile."""
    intake = json.loads(body)
    webhook_id, intake["reference"] = changed_reference(settings.secret, entry.webhook_id)
    sealed = outbox.seal(json.dumps(intake, ensure_ascii=False), settings.secret)
    if not outbox.replace(entry.webhook_id, webhook_id, intake["reference"], sealed, settings.outbox_store):
        return None
    logger.warning("intake %s: reference reassigned, now intake %s", entry.webhook_id, webhook_id)
    return webhook_id


def _retry_later(entry: outbox.Entry, now: float, settings: DeliverySettings) -> Result:
    attempts = entry.attempts + 1
    outbox.schedule(entry.webhook_id, attempts, now + settings.backoff_seconds(attempts), settings.outbox_store)
    return Result(delivered=False, reference=entry.reference, webhook_id=entry.webhook_id)


def pending_count(settings: DeliverySettings | None = None) -> int:
    settings = settings or DeliverySettings.from_env()
    return outbox.counts(time.time(), settings.outbox_store)[0]


class Sender:
    """Delivers the due outbox entries until the coach service acknowledges them, and reports on the outbox.

    `clock` (seconds), `sleep` and `transport` are injectable; the settings are fixed when the sender is made,
    so a sender started by the action server keeps them whatever the environment says later.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] | None = None,
        settings: DeliverySettings | None = None,
        transport: Transport = requests.post,
    ) -> None:
        self.clock = clock
        self.settings = settings or DeliverySettings.from_env()
        self.transport = transport
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.sleep = sleep or self._interruptible_sleep
        self._report_requested = True  # a report at start-up: admins see the sender is back
        self._next_report_at = 0.0

    def _interruptible_sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def run_once(self) -> set[str]:
        """Deliver every entry whose retry is due now; the webhook ids that were acknowledged."""
        now = self.clock()
        delivered = set()
        taken: set[str] = set()
        lease_until = now + self.settings.claim_seconds
        # One entry at a time, leased: another sender (another action server) takes the next one meanwhile.
        while (entry := outbox.claim_next(now, lease_until, self.settings.outbox_store)) is not None:
            if entry.webhook_id in taken:  # rescheduled into this same instant (a zero backoff): next pass
                outbox.schedule(entry.webhook_id, entry.attempts, entry.next_attempt_at, self.settings.outbox_store)
                break
            taken.add(entry.webhook_id)
            result = deliver(entry.webhook_id, now, self.settings, self.transport, claimed=entry)
            if result.delivered and result.webhook_id:
                delivered.add(result.webhook_id)
            self._report_requested |= result.dead_lettered
        return delivered

    def report_if_due(self) -> None:
        now = self.clock()
        interval = self.settings.report_interval_seconds
        if interval <= 0 or not (self._report_requested or now >= self._next_report_at):
            return
        self._report_requested = False
        self._next_report_at = now + interval
        report_status(self.settings, outbox.counts(now, self.settings.outbox_store), now, self.transport)

    def seconds_until_next(self) -> float:
        """How long to wait for the next due retry or report (IDLE_POLL_SECONDS when nothing is pending)."""
        now = self.clock()
        next_at = outbox.next_attempt_at(self.settings.outbox_store)
        wait = IDLE_POLL_SECONDS if next_at is None else min(max(next_at - now, 0.0), self.settings.max_retry_seconds)
        if self.settings.report_interval_seconds > 0:
            wait = min(wait, max(self._next_report_at - now, 0.0))
        return wait

    def run_forever(self, until: Callable[[], bool] | None = None) -> None:
        """Loop until `stop()` (or `until()` is true). No exception ends it: it is logged by type, and the next
        pass comes after a backoff."""
        failures = 0
        while not self._stop.is_set() and not (until and until()):
            try:
                self.run_once()
                self.report_if_due()
                wait = self.seconds_until_next()
                failures = 0
            except Exception as error:  # noqa: BLE001 - the sender must outlive anything a pass runs into
                failures += 1
                logger.error("outbox sender pass failed: %s", type(error).__name__)
                wait = self.settings.backoff_seconds(failures)
            if wait > 0:
                self.sleep(wait)

    def nudge(self, report: bool = False) -> None:
        """Look again now instead of at the next due time (and report now, after a dead letter)."""
        self._report_requested |= report
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()


_sender: Sender | None = None
_sender_thread: threading.Thread | None = None
_sender_guard = threading.Lock()


def start_sender() -> Sender | None:
    """Start the background sender thread of this process, once (again only if it is gone); cheap to call.
    Called by the action server at start-up; not with ONTHAAL_OUTBOX_SENDER=off."""
    global _sender, _sender_thread
    settings = DeliverySettings.from_env()
    if settings.sender == "off":
        return None
    with _sender_guard:
        if _sender is None or _sender_thread is None or not _sender_thread.is_alive():
            _sender = Sender(settings=settings)
            _sender_thread = threading.Thread(target=_sender.run_forever, name="outbox-sender", daemon=True)
            _sender_thread.start()
        return _sender


ensure_sender_started = start_sender  # the name the action server used first


def _nudge_sender(report: bool = False) -> None:
    if _sender is not None:
        _sender.nudge(report=report)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.delivery.delivery", description=__doc__.splitlines()[0])
    parser.add_argument("--dead-letters", action="store_true", help="list the dead letters (id, reason, time)")
    parser.add_argument("--requeue", metavar="WEBHOOK_ID", help="put a dead letter back in the outbox")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = DeliverySettings.from_env()
    if arguments.dead_letters:
        for webhook_id, reason, dead_at in outbox.dead_letters(settings.outbox_store):
            print(webhook_id, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(dead_at)), reason)
        return
    if arguments.requeue:
        if not outbox.requeue(arguments.requeue, time.time(), settings.outbox_store):
            raise SystemExit(f"no dead letter {arguments.requeue}")
        return
    where = settings.outbox_path if isinstance(settings.outbox_store, Path) else "the shared database"
    logger.info("outbox sender running on %s", where)
    Sender(settings=settings).run_forever()


if __name__ == "__main__":
    main()
