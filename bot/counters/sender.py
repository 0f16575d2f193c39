"""Sends the counters to the coach service: `POST {coach}/webhook/counters`, signed like the intake webhook.

The action server runs it beside the outbox sender (`start_counter_sender`, at start-up; not with
`ONTHAAL_COUNTERS_SENDER=off`, which follows `ONTHAAL_OUTBOX_SENDER` when unset). Every
`ONTHAAL_COUNTERS_SEND_SECONDS` (default 60) it seals the waiting counts into one batch under a new webhook id
(bot/counters/counts.py) and posts the due batch. 2xx: the batch is gone. 400, 413 or 422: the coach service will
never take this body; it is dropped, with a warning naming the status only. Anything else (no answer, 5xx, 401,
404 while the coach service does not know the endpoint yet): retried under the same webhook id, after 1 s
doubling to 5 min, so the coach service counts it once; meanwhile new counts add up in the store, not in more
batches. Several senders (action server replicas on one database) share the work through `claim_next`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from bot.counters import counts
from bot.delivery.coach_client import (
    CLAIM_SECONDS,
    TIMEOUT_SECONDS,
    DeliverySettings,
    Transport,
    new_webhook_id,
    signed_headers,
)

logger = logging.getLogger(__name__)
SEND_VARIABLE = "ONTHAAL_COUNTERS_SEND_SECONDS"
SENDER_VARIABLE = "ONTHAAL_COUNTERS_SENDER"
DEFAULT_SEND_SECONDS = 60.0
REFUSED = {400, 413, 422}
MAX_BATCHES_A_PASS = 20


URL_VARIABLE = "ONTHAAL_COUNTERS_URL"


def counters_url(settings: DeliverySettings) -> str:
    """`ONTHAAL_COUNTERS_URL` when set (a test's receiver), else the coach service's `/webhook/counters`."""
    return os.environ.get(URL_VARIABLE, "").strip() or f"{settings.coach_url}/webhook/counters"


@dataclass
class CounterSender:
    """Seals and posts counter batches (see the module); clock, sleep and transport injectable for tests."""

    settings: DeliverySettings
    store: counts.Store
    url: str
    send_seconds: float = DEFAULT_SEND_SECONDS
    transport: Transport = requests.post
    clock: Callable[[], float] = time.time
    _stop: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def from_env(cls) -> CounterSender:
        try:
            seconds = float(os.environ.get(SEND_VARIABLE) or DEFAULT_SEND_SECONDS)
        except ValueError:
            seconds = DEFAULT_SEND_SECONDS
        settings = DeliverySettings.from_env()
        return cls(
            settings=settings,
            store=counts.store_from_environment(),
            url=counters_url(settings),
            send_seconds=seconds if seconds > 0 else DEFAULT_SEND_SECONDS,
        )

    def post(self, batch: counts.Batch) -> int | None:
        """The coach service's status code for the batch, or None when no answer came."""
        try:
            headers = signed_headers(self.settings.secret, batch.webhook_id, batch.body)
            response = self.transport(self.url, data=batch.body, headers=headers, timeout=TIMEOUT_SECONDS)
        except (requests.RequestException, ValueError) as error:  # ValueError: no usable secret
            logger.warning("counters %s: no answer from the coach service (%s)", batch.webhook_id, type(error).__name__)
            return None
        return response.status_code

    def run_once(self) -> int:
        """Seal the waiting counts into a batch (if none is on its way) and post the due batch, again while the
        coach service takes them (a backlog goes out batch after batch); how many batches it took."""
        delivered = 0
        for _ in range(MAX_BATCHES_A_PASS):
            now = self.clock()
            counts.seal_batch(new_webhook_id(), now, self.store)
            batch = counts.claim_next(now, now + CLAIM_SECONDS, self.store)
            if batch is None:
                break
            status = self.post(batch)
            if status is not None and 200 <= status < 300:
                counts.remove(batch.webhook_id, self.store)
                delivered += 1
            elif status in REFUSED:
                counts.remove(batch.webhook_id, self.store)
                logger.warning("counters %s refused with status %s: dropped", batch.webhook_id, status)
            else:
                attempts = batch.attempts + 1
                counts.schedule(
                    batch.webhook_id, attempts, self.clock() + self.settings.backoff_seconds(attempts), self.store
                )
                if status is not None:
                    logger.warning("counters %s: status %s, retried later", batch.webhook_id, status)
                break
        return delivered

    def seconds_until_next(self) -> float:
        """The next send, or the next due retry if that comes first."""
        now = self.clock()
        due = [at for _, _, at in counts.batches(self.store)]
        return max(min([self.send_seconds, *(at - now for at in due)]), 0.5)

    def run_forever(self) -> None:
        """Loop until `stop()`; no exception ends it (logged by type)."""
        while not self._stop.is_set():
            try:
                self.run_once()
                wait = self.seconds_until_next()
            except Exception as error:  # noqa: BLE001 - the sender must outlive anything a pass runs into
                logger.error("counter sender pass failed: %s", type(error).__name__)
                wait = self.send_seconds
            self._stop.wait(wait)

    def stop(self) -> None:
        self._stop.set()


_sender: CounterSender | None = None
_thread: threading.Thread | None = None
_guard = threading.Lock()


def start_counter_sender() -> CounterSender | None:
    """Start this process's counter sender thread, once (again only if it is gone)."""
    global _sender, _thread
    setting = os.environ.get(SENDER_VARIABLE) or os.environ.get("ONTHAAL_OUTBOX_SENDER") or "thread"
    if setting == "off":
        return None
    with _guard:
        if _sender is None or _thread is None or not _thread.is_alive():
            _sender = CounterSender.from_env()
            _thread = threading.Thread(target=_sender.run_forever, name="counter-sender", daemon=True)
            _thread.start()
        return _sender
