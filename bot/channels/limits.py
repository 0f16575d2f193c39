"""How much the chat channels let through to Rasa, in one place: message length, message rate, messages at once.

Plain Python (no Rasa, no Sanic), shared by the REST, reception, WhatsApp and Telegram channels:
- A message longer than MAX_MESSAGE_CHARS is answered by the channel itself (a kind text asking for a few
  sentences) and never reaches Rasa, so nothing of it is stored.
- Every sender and every client address has a token bucket (SENDER_RATE, ADDRESS_RATE). A message over either
  is refused (429 on the web), unless it has words of crisis: those are never refused. Within CRISIS_RATE they
  still go to Rasa (which answers 112, 1813 and 106 and flags the intake); beyond it (someone flooding with
  crisis words to get past the limit) the channel gives the crisis answer itself.
- At most RASA_SLOTS messages are inside Rasa at once, at most RASA_QUEUE more wait in order; messages with
  words of crisis skip the queue, so a flood cannot make the crisis answer wait.
- Buckets are forgotten once idle for their whole period (they would be full again, so nothing is lost), and
  the oldest are dropped beyond MAX_BUCKETS: memory stays bounded whatever the number of senders.
- With `ONTHAAL_REDIS_URL` set the buckets are shared by every Rasa replica (bot/channels/channel_state.py: keyed
  hashes, expiring when idle for their period); the gate stays per replica (it protects that replica's loop).
"""

from __future__ import annotations

import asyncio
import enum
import ipaddress
import os
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.channels.channel_state import RedisTokenBuckets
from bot.channels.shared_state import SharedState


@dataclass(frozen=True)
class Rate:
    """`messages` at once, refilled evenly over `seconds`."""

    messages: int
    seconds: float


MAX_MESSAGE_CHARS = 2000
SENDER_RATE = Rate(20, 10.0)
ADDRESS_RATE = Rate(60, 10.0)
CRISIS_RATE = Rate(5, 60.0)  # per sender and per address, for messages with words of crisis over the limits
MAX_BUCKETS = 20_000
CRISIS_SCAN_CHARS = 20_000  # how much of an over-long message is read for words of crisis
RASA_SLOTS = 3
RASA_QUEUE = 60
TRUSTED_PROXY_ENV = "ONTHAAL_TRUSTED_PROXY"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Admission(enum.Enum):
    """What a channel does with a message."""

    PASS = "pass"  # noqa: S105 (not a password): to Rasa
    URGENT = "urgent"  # words of crisis: to Rasa, ahead of the queue, whatever the rate
    CRISIS_ANSWER = "crisis_answer"  # words of crisis over every limit: the channel gives the crisis answer itself
    TOO_LONG = "too_long"  # the channel asks for a shorter message itself
    TOO_MANY = "too_many"  # refused: 429


class TokenBuckets:
    """One token bucket per key, in a bounded LRU."""

    def __init__(self, rate: Rate, max_keys: int = MAX_BUCKETS, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, updated)

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, also: tuple[TokenBuckets, str] | None = None) -> bool:
        """Spend a token of `key`'s bucket (and of `also`'s) when each has one; whether they had."""
        if not self.has_room(key) or (also is not None and not also[0].has_room(also[1])):
            return False
        self.spend(key)
        if also is not None:
            also[0].spend(also[1])
        return True

    def has_room(self, key: str) -> bool:
        return self._refilled(key) >= 1

    def spend(self, key: str) -> None:
        self._buckets[key] = (self._refilled(key) - 1, self.clock())
        self._buckets.move_to_end(key)
        self._forget_idle()

    def _refilled(self, key: str) -> float:
        tokens, updated = self._buckets.get(key, (float(self.rate.messages), self.clock()))
        refill = (self.clock() - updated) * self.rate.messages / self.rate.seconds
        return min(float(self.rate.messages), tokens + refill)

    def _forget_idle(self) -> None:
        now = self.clock()
        while self._buckets:
            _, updated = next(iter(self._buckets.values()))
            if len(self._buckets) <= self.max_keys and now - updated < self.rate.seconds:
                break
            self._buckets.popitem(last=False)


class Limits:
    """The length and rate decisions for one server; `mentions_crisis` is the crisis policy's matcher."""

    def __init__(
        self,
        mentions_crisis: Callable[[str], bool],
        clock: Callable[[], float] | None = None,
        max_keys: int = MAX_BUCKETS,
        shared: SharedState | None = None,
    ) -> None:
        self.mentions_crisis = mentions_crisis

        def buckets(rate: Rate, kind: str) -> Any:
            if shared is not None:  # every Rasa replica counts in the same buckets, on the wall clock
                return RedisTokenBuckets(rate, shared, kind, clock or time.time)
            return TokenBuckets(rate, max_keys, clock or time.monotonic)

        self.senders = buckets(SENDER_RATE, "rate-sender")
        self.addresses = buckets(ADDRESS_RATE, "rate-address")
        self.crisis_senders = buckets(CRISIS_RATE, "rate-crisis-sender")
        self.crisis_addresses = buckets(CRISIS_RATE, "rate-crisis-address")

    def admit(self, sender: str, text: str, address: str | None = None) -> Admission:
        """Counts the message against the sender's (and, when given, the address's) rate and says what to do.

        `address` is None for WhatsApp and Telegram: their requests come from the provider, shared by everyone.
        """
        urgent = self.mentions_crisis(text[:CRISIS_SCAN_CHARS])
        if self._take(self.senders, self.addresses, sender, address):
            if len(text) > MAX_MESSAGE_CHARS:
                return Admission.CRISIS_ANSWER if urgent else Admission.TOO_LONG
            return Admission.URGENT if urgent else Admission.PASS
        if not urgent:
            return Admission.TOO_MANY
        if len(text) <= MAX_MESSAGE_CHARS and self._take(self.crisis_senders, self.crisis_addresses, sender, address):
            return Admission.URGENT
        return Admission.CRISIS_ANSWER

    @staticmethod
    def _take(senders: Any, addresses: Any, sender: str, address: str | None) -> bool:
        return senders.take(sender, None if address is None else (addresses, address))


class RasaGate:
    """At most `slots` messages inside Rasa at once, at most `queue` more waiting in order; urgent ones never wait.

    Rasa reads each message on its one event loop, so many messages at once only make every answer slower,
    the crisis answer included; waiting here keeps the loop free for the urgent ones.
    """

    def __init__(self, slots: int = RASA_SLOTS, queue: int = RASA_QUEUE) -> None:
        self.slots = slots
        self.queue = queue
        self.busy = 0
        self._waiting: deque[asyncio.Future[None]] = deque()

    async def enter(self, urgent: bool = False) -> bool:
        """Whether the message may go in (the caller then calls `leave`); False: the queue is full."""
        if urgent:
            return True
        if self.busy < self.slots and not self._waiting:
            self.busy += 1
            return True
        if len(self._waiting) >= self.queue:
            return False
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await turn  # `leave` hands its slot over: `busy` stays counted
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.leave(urgent=False)  # the slot was handed over just as the request went away
            elif turn in self._waiting:
                self._waiting.remove(turn)
            raise
        return True

    def leave(self, urgent: bool = False) -> None:
        if urgent:
            return
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.busy -= 1


def trusted_proxies(setting: str | None = None) -> tuple[Network, ...]:
    """ONTHAAL_TRUSTED_PROXY: comma-separated addresses or networks of the proxies in front of Rasa (empty: none)."""
    setting = os.environ.get(TRUSTED_PROXY_ENV, "") if setting is None else setting
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip())


def _is_trusted(address: str, proxies: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str:
    """The socket's peer, or, when the peer is a trusted proxy, the last X-Forwarded-For hop it did not add itself.

    Only hops appended by trusted proxies are believed: anything further left was written by the client.
    """
    if not proxies or not _is_trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer
