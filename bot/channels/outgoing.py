"""Sends the WhatsApp and Telegram replies: now when the provider takes them, else again later, in order.

Each connector owns one `ReplySender`, given a `deliver(recipient, reply)` coroutine (one provider call) and a
`retryable(error)` test. A reply that fails for a passing reason (network error, timeout, 5xx, 408, 429) is kept
in the encrypted reply queue (bot/channels/reply_queue.py) and sent again by a retrier task in the Rasa server's
event loop: 2 s after the failure, then doubling to at most 60 s between attempts, for
`ONTHAAL_REPLY_RETRY_SECONDS` (300) after the first attempt; then it is dropped. Any other failure (a 4xx such
as a blocked chat or a wrong number) is final: the reply is dropped at once. While a conversation has replies
waiting, a new reply for it waits behind them, so a person never reads the answer before the question.

A dropped reply is logged with the channel, the reason, the attempts and a count, never the text, the number or
the chat id. The retrier starts with the server (`start()` from the connector's `after_server_start` listener),
picks up what an earlier run left in the queue file, and survives any exception. Delivery is at least once: a
provider that takes a reply but answers too late gets it again.

Settings: `ONTHAAL_REPLY_QUEUE_PATH` (default `replies.sqlite3` next to `ONTHAAL_TRACKER_DB`, so
`var/replies.sqlite3`), or `ONTHAAL_BOT_DATABASE_URL` (the queue on the shared PostgreSQL, for several Rasa
servers), `ONTHAAL_REPLY_RETRY_SECONDS` (default 300), keys from `ONTHAAL_TRACKER_KEYS`. Several retriers may share
a queue: each holds the reply it is sending (`ReplyQueue.claim_first`), so no reply is sent twice by them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import weakref
from collections.abc import Awaitable, Callable
from contextlib import suppress
from enum import Enum
from pathlib import Path
from typing import Any

from bot import shared_database
from bot.channels.reply_queue import QueuedReply, ReplyQueue, ReplyQueueError, decode_keys

logger = logging.getLogger(__name__)

PATH_VARIABLE = "ONTHAAL_REPLY_QUEUE_PATH"
RETRY_VARIABLE = "ONTHAAL_REPLY_RETRY_SECONDS"
KEYS_VARIABLE = "ONTHAAL_TRACKER_KEYS"
DEFAULT_TRACKER_DB = Path(__file__).resolve().parents[2] / "var" / "trackers.sqlite3"
DEFAULT_RETRY_SECONDS = 300.0
FIRST_RETRY_SECONDS = 2.0
MAX_RETRY_SECONDS = 60.0
SEND_TIMEOUT_SECONDS = 10.0  # one provider call; the person's webhook request waits for it
IDLE_SECONDS = 60.0  # the retrier is woken when a reply is queued; this is a safety net
PARALLEL_CONVERSATIONS = 8  # conversations retried at once (a hanging provider costs a timeout each)

Deliver = Callable[[str, dict[str, Any]], Awaitable[Any]]
Retryable = Callable[[BaseException], bool]


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # a passing failure: send again later
    REFUSED = "refused"  # a final failure: drop


def backoff_seconds(attempts: int, first: float = FIRST_RETRY_SECONDS, most: float = MAX_RETRY_SECONDS) -> float:
    """Wait after the `attempts`-th failed attempt: 2, 4, 8, ... seconds, at most 60."""
    return min(first * 2 ** max(attempts - 1, 0), most)


def queue_path_from_environment() -> Path:
    configured = os.environ.get(PATH_VARIABLE)
    if configured:
        return Path(configured)
    return Path(os.environ.get("ONTHAAL_TRACKER_DB") or DEFAULT_TRACKER_DB).parent / "replies.sqlite3"


def retry_seconds_from_environment() -> float:
    setting = os.environ.get(RETRY_VARIABLE) or str(DEFAULT_RETRY_SECONDS)
    try:
        seconds = float(setting)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise ReplyQueueError(f"{RETRY_VARIABLE} must be a number of seconds, 0 or more.")
    return seconds


def queue_from_environment() -> ReplyQueue:
    """The reply queue of this Rasa server: on the shared database when `ONTHAAL_BOT_DATABASE_URL` is set, else in
    its SQLite file (nothing is touched before the first reply that waits)."""
    keys = decode_keys(os.environ.get(KEYS_VARIABLE))
    url = shared_database.database_url()
    if url:
        from bot.channels.reply_queue_postgres import PostgresReplyQueue

        return PostgresReplyQueue(url, keys)
    return ReplyQueue(queue_path_from_environment(), keys)


def describe(error: BaseException) -> str:
    """What a log line may say of a failure: its type and HTTP status, never its message (it may quote the text)."""
    status = getattr(error, "status", None)
    return f"{type(error).__name__} {status}" if isinstance(status, int) else type(error).__name__


class ReplySender:
    """One channel's replies: sent now, or queued and retried in order per conversation (see the module)."""

    def __init__(
        self,
        channel: str,
        deliver: Deliver,
        retryable: Retryable,
        queue: ReplyQueue,
        retry_seconds: float = DEFAULT_RETRY_SECONDS,
        *,
        clock: Callable[[], float] = time.time,
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
        send_timeout_seconds: float = SEND_TIMEOUT_SECONDS,
    ) -> None:
        self.channel = channel
        self.deliver = deliver
        self.retryable = retryable
        self.queue = queue
        self.retry_seconds = retry_seconds
        self.clock = clock
        self.first_retry_seconds = first_retry_seconds
        self.send_timeout_seconds = send_timeout_seconds
        self.dropped = 0
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def _lock(self, conversation: str) -> asyncio.Lock:
        """One sender at a time per conversation: the retrier and a new reply never overtake each other."""
        lock = self._locks.get(conversation)
        if lock is None:
            lock = self._locks[conversation] = asyncio.Lock()
        return lock

    async def send(self, recipient: str, reply: dict[str, Any]) -> None:
        """Send `reply` now, or queue it (behind the conversation's waiting replies, or after a passing failure).
        Never raises: a reply that is lost must not lose the conversation."""
        try:
            conversation = self.queue.conversation(self.channel, recipient)
            async with self._lock(conversation):
                now = self.clock()
                if await asyncio.to_thread(self.queue.is_waiting, conversation):
                    await self._enqueue(recipient, reply, now, attempts=0, next_attempt_at=now)
                    return
                outcome, failure = await self._attempt(recipient, reply)
                if outcome is Outcome.RETRY:
                    next_attempt_at = now + backoff_seconds(1, self.first_retry_seconds)
                    await self._enqueue(recipient, reply, now, attempts=1, next_attempt_at=next_attempt_at)
                    logger.warning("%s reply not sent (%s): queued to be sent again", self.channel, failure)
                elif outcome is Outcome.REFUSED:
                    self._log_dropped(f"refused ({failure})", attempts=1, age=0.0)
        except Exception as error:  # noqa: BLE001 (a failed reply must not lose the conversation)
            logger.error("%s reply not sent and not queued: %s", self.channel, type(error).__name__)

    async def _enqueue(
        self, recipient: str, reply: dict[str, Any], now: float, attempts: int, next_attempt_at: float
    ) -> None:
        drop_at = now + self.retry_seconds
        await asyncio.to_thread(
            self.queue.add,
            self.channel,
            recipient,
            reply,
            created_at=now,
            drop_at=drop_at,
            attempts=attempts,
            next_attempt_at=min(next_attempt_at, drop_at),
        )
        if self._wake is not None:
            self._wake.set()

    async def _attempt(self, recipient: str, reply: dict[str, Any]) -> tuple[Outcome, str]:
        try:
            await asyncio.wait_for(self.deliver(recipient, reply), self.send_timeout_seconds)
        except Exception as error:  # noqa: BLE001 (every failure is either passing or final)
            passing = isinstance(error, TimeoutError | ConnectionError) or self.retryable(error)
            return (Outcome.RETRY if passing else Outcome.REFUSED), describe(error)
        return Outcome.SENT, ""

    def _log_dropped(self, reason: str, attempts: int, age: float) -> None:
        self.dropped += 1
        logger.warning(
            "%s reply dropped: %s, after %d attempt(s) in %.0f s (%d dropped since start)",
            self.channel,
            reason,
            attempts,
            age,
            self.dropped,
        )

    async def retry_due(self) -> None:
        """One pass: every conversation whose first waiting reply is due is sent on as far as the provider takes it."""
        conversations = await asyncio.to_thread(self.queue.due_conversations, self.channel, self.clock())
        parallel = asyncio.Semaphore(PARALLEL_CONVERSATIONS)

        async def drain(conversation: str) -> None:
            async with parallel, self._lock(conversation):
                await self._drain(conversation)

        results = await asyncio.gather(*(drain(conversation) for conversation in conversations), return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                logger.error("%s reply retrier: %s", self.channel, type(result).__name__)

    async def _claim_first(self, conversation: str) -> QueuedReply | None:
        """The conversation's first reply when it is due, held for this retrier while it is being sent."""
        now = self.clock()
        claim_until = now + 3 * self.send_timeout_seconds  # an attempt ends within one timeout: ample
        return await asyncio.to_thread(self.queue.claim_first, conversation, now, claim_until)

    async def _drain(self, conversation: str) -> None:
        while (entry := await self._claim_first(conversation)) is not None:
            now = self.clock()
            if entry.reply is None or entry.recipient is None:
                await self._drop(entry, "no configured key opens it", now)
                continue
            if now >= entry.drop_at:
                await self._drop(entry, f"not delivered within {self.retry_seconds:.0f} s", now)
                continue
            outcome, failure = await self._attempt(entry.recipient, entry.reply)
            if outcome is Outcome.SENT:
                await asyncio.to_thread(self.queue.remove, entry.id)
            elif outcome is Outcome.REFUSED:
                await self._drop(entry, f"refused ({failure})", now, attempts=entry.attempts + 1)
            else:
                attempts = entry.attempts + 1
                next_attempt_at = min(self.clock() + backoff_seconds(attempts, self.first_retry_seconds), entry.drop_at)
                await asyncio.to_thread(self.queue.reschedule, entry.id, attempts, next_attempt_at)
                return

    async def _drop(self, entry: QueuedReply, reason: str, now: float, attempts: int | None = None) -> None:
        await asyncio.to_thread(self.queue.remove, entry.id)
        self._log_dropped(reason, attempts=entry.attempts if attempts is None else attempts, age=now - entry.created_at)

    async def run_forever(self) -> None:
        """Retry whatever is due, sleep until the next is due (or a reply is queued); any exception is logged."""
        while True:
            self._wake = self._wake or asyncio.Event()
            self._wake.clear()
            try:
                await self.retry_due()
                due = await asyncio.to_thread(self.queue.next_due_at, self.channel)
                wait = IDLE_SECONDS if due is None else min(max(due - self.clock(), 0.05), IDLE_SECONDS)
            except Exception as error:  # noqa: BLE001 (the retrier outlives any failure, e.g. a damaged file)
                logger.error("%s reply retrier: %s", self.channel, type(error).__name__)
                wait = self.first_retry_seconds
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def start(self) -> None:
        """Start the retrier in the running event loop, once."""
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self.run_forever(), name=f"{self.channel}-replies")

    def run_with(self, blueprint: Any) -> None:
        """Retry while the server of this Sanic blueprint runs: start once it has started (sending on what an
        earlier run left waiting), stop before it stops."""

        async def start_replies(*_: Any) -> None:
            self.start()

        async def stop_replies(*_: Any) -> None:
            await self.stop()

        blueprint.listener("after_server_start")(start_replies)
        blueprint.listener("before_server_stop")(stop_replies)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
