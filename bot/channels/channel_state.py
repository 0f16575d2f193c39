"""What the chat channels remember between messages, in this process's memory or, when `ONTHAAL_REDIS_URL` is
set, shared by every Rasa replica in Redis (bot/channels/shared_state.py: keyed-hash keys, sealed values).

- WhatsApp's last options per sender (so that "2" answers the second), memory version `messaging.OptionMemory`;
- Telegram's payload tokens (callback data over 64 bytes), memory version inside `messaging.PayloadStore`;
- the reception desk's answers by message id (a repeated request is answered once), memory version `ReplayMemory`;
- the rate buckets of bot/channels/limits.py, memory version `limits.TokenBuckets`.

`option_memory()`, `payload_store()` and `replay_memory()` pick from the environment; the memory versions stay the
default, so that one Rasa server needs nothing but the machine.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from bot.channels.shared_state import SharedState, soft


class RedisOptionMemory:
    """bot/channels/messaging.py's OptionMemory, shared: the options last offered to each WhatsApp sender."""

    KIND = "whatsapp-options"

    def __init__(self, state: SharedState, max_senders: int, ttl_seconds: float) -> None:
        self.state = state
        self.max_senders = max_senders
        self.ttl_seconds = ttl_seconds

    @soft(None, "remembering options")
    def remember(self, sender: str, buttons: Sequence[dict[str, Any]] | None) -> None:
        if not buttons:
            self.state.forget(self.KIND, sender)
            return
        stored = [dict(button) for button in buttons]
        self.state.put(self.KIND, sender, stored, self.ttl_seconds, self.max_senders)

    @soft(None, "reading options")
    def get(self, sender: str) -> list[dict[str, Any]] | None:
        return self.state.get(self.KIND, sender)


class RedisPayloads:
    """The token -> payload map behind bot/channels/messaging.py's PayloadStore, shared between replicas."""

    KIND = "telegram-payloads"

    def __init__(self, state: SharedState, max_entries: int, ttl_seconds: float) -> None:
        self.state = state
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds

    @soft(None, "storing a payload token")
    def put(self, token: str, payload: str) -> None:
        self.state.put(self.KIND, token, payload, self.ttl_seconds, self.max_entries)

    @soft(None, "reading a payload token")
    def get(self, token: str) -> str | None:
        return self.state.get(self.KIND, token)


class RedisReplayMemory:
    """A channel's answers by (sender, message id), shared: a repeated message id is answered once."""

    def __init__(
        self, state: SharedState, max_entries: int, ttl_seconds: float, kind: str = "reception-replies"
    ) -> None:
        self.KIND = kind
        self.state = state
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds

    @staticmethod
    def _identity(key: tuple[str, str]) -> str:
        return json.dumps(list(key))

    @soft(None, "reading a replayed answer")
    def get(self, key: tuple[str, str]) -> list[dict[str, Any]] | None:
        return self.state.get(self.KIND, self._identity(key))

    @soft(None, "storing an answer for replay")
    def put(self, key: tuple[str, str], messages: list[dict[str, Any]]) -> None:
        self.state.put(self.KIND, self._identity(key), messages, self.ttl_seconds, self.max_entries)


class RedisTokenBuckets:
    """bot/channels/limits.py's TokenBuckets, shared: one bucket per key, in Redis, on the wall clock."""

    def __init__(self, rate: Any, state: SharedState, kind: str, clock: Callable[[], float] = time.time) -> None:
        self.rate = rate
        self.state = state
        self.kind = kind
        self.clock = clock

    @soft(True, "counting a message")  # Redis down: the message counts as free rather than refused
    def take(self, key: str, also: tuple[RedisTokenBuckets, str] | None = None) -> bool:
        buckets = [(self.kind, key, self.rate.messages, self.rate.seconds)]
        if also is not None:
            other, other_key = also
            buckets.append((other.kind, other_key, other.rate.messages, other.rate.seconds))
        return self.state.take(buckets, self.clock())


# The bounds and lifetimes of the shared maps (the memory versions' own, where they have one).
OPTION_SENDERS = 10_000
OPTION_TTL_SECONDS = 24 * 3600.0
PAYLOAD_TOKENS = 10_000
PAYLOAD_TTL_SECONDS = 30 * 24 * 3600.0  # in memory until a restart; in Redis a month, for old buttons
REPLAY_ANSWERS = 1000
REPLAY_TTL_SECONDS = 24 * 3600.0  # a desk's retry of one message comes within seconds; a day is ample
# The widget resends a message whose answer it never got (offline on a bus, a proxy's 502) within minutes; its
# answers may carry the read-back, so they are kept no longer than that.
WEB_REPLAY_ANSWERS = 10_000
WEB_REPLAY_TTL_SECONDS = 10 * 60.0


def option_memory() -> Any:
    """WhatsApp's last options: shared in Redis when ONTHAAL_REDIS_URL is set, else this process's memory."""
    from bot.channels.messaging import OptionMemory

    state = SharedState.from_environment()
    if state is None:
        return OptionMemory(OPTION_SENDERS, OPTION_TTL_SECONDS)
    return RedisOptionMemory(state, OPTION_SENDERS, OPTION_TTL_SECONDS)


def payload_store() -> Any:
    """Telegram's payload tokens, shared in Redis when ONTHAAL_REDIS_URL is set."""
    from bot.channels.messaging import PayloadStore

    state = SharedState.from_environment()
    shared = None if state is None else RedisPayloads(state, PAYLOAD_TOKENS, PAYLOAD_TTL_SECONDS)
    return PayloadStore(PAYLOAD_TOKENS, shared=shared)


def replay_memory(channel: str = "reception") -> Any:
    """A channel's replay cache (the reception desk's, or the widget's: `web`), shared in Redis when
    ONTHAAL_REDIS_URL is set, else this process's memory."""
    size, ttl = (
        (WEB_REPLAY_ANSWERS, WEB_REPLAY_TTL_SECONDS) if channel == "web" else (REPLAY_ANSWERS, REPLAY_TTL_SECONDS)
    )
    state = SharedState.from_environment()
    if state is None:
        return ReplayMemory(size, ttl)
    return RedisReplayMemory(
        state, size, ttl, kind="reception-replies" if channel == "reception" else f"{channel}-replies"
    )


class ReplayMemory:
    """A channel's answers by (sender, message id) in this process's memory: the newest `max_entries`, each for
    `ttl_seconds`."""

    def __init__(
        self, max_entries: int, ttl_seconds: float = REPLAY_TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._answered: OrderedDict[tuple[str, str], tuple[float, list[dict[str, Any]]]] = OrderedDict()

    def get(self, key: tuple[str, str]) -> list[dict[str, Any]] | None:
        entry = self._answered.get(key)
        if entry is None:
            return None
        if self.clock() - entry[0] > self.ttl_seconds:
            del self._answered[key]
            return None
        return entry[1]

    def put(self, key: tuple[str, str], messages: list[dict[str, Any]]) -> None:
        self._answered[key] = (self.clock(), messages)
        self._answered.move_to_end(key)
        while len(self._answered) > self.max_entries:
            self._answered.popitem(last=False)
