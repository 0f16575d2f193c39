"""Channel state that several Rasa replicas share, in Redis when `ONTHAAL_REDIS_URL` is set (in memory otherwise).

What lives here: WhatsApp's last options per sender, Telegram's payload tokens, the reception desk's replay cache
and the channels' rate buckets (bot/channels/limits.py). The in-memory versions stay the default, so that one
Rasa server needs nothing but the machine; `option_memory()`, `payload_store()`, `replay_memory()` and
`token_buckets()` pick one or the other from the environment.

Nothing personal is in Redis in clear: a key is a keyed hash (HMAC-SHA256) of the sender id, token or address,
never the id itself (a WhatsApp sender id derives from a phone number, a rate key may be an IP address); a value
that holds words (options, payloads, replies) is Fernet-encrypted. Both keys derive (HKDF, their own labels) from
`ONTHAAL_TRACKER_KEYS`, which the Rasa server has anyway: the first encrypts, all decrypt; a rotation changes the
hashes, which only forgets this short-lived state. Every entry expires (Redis EXPIRE) as the memory versions
forget, and the maps are bounded as in memory (the oldest entries go first).

The calls are synchronous and tiny (one round trip each, a Lua script where several steps must be atomic), made
from the channels' async handlers with a short socket timeout. When Redis cannot answer, the channel goes on as if
the state were empty (a number answer passes as text, a rate counts as free) and logs the error's type.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.fernet_keys import raw_fernet_keys

logger = logging.getLogger(__name__)
URL_VARIABLE = "ONTHAAL_REDIS_URL"
KEYS_VARIABLE = "ONTHAAL_TRACKER_KEYS"
PREFIX = "onthaal:channels:"
NAME_INFO = b"onthaal channel state: key names v1"
SEAL_INFO = b"onthaal channel state: seal v1"
SOCKET_TIMEOUT_SECONDS = 0.5

# Stores `value` under KEYS[1] for ARGV[3] ms and notes it in the index KEYS[2] (scored by ARGV[2]); beyond ARGV[4]
# entries the oldest go, with their values. ARGV[1] = value, ARGV[5] = the kind's key prefix, ARGV[6] = the score
# below which index entries have expired already.
_PUT = """
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if excess > 0 then
  for _, old in ipairs(redis.call('ZPOPMIN', KEYS[2], excess)) do
    if old ~= KEYS[1] and string.sub(old, 1, #ARGV[5]) == ARGV[5] then redis.call('DEL', old) end
  end
end
return 1
"""
# A token bucket per key (KEYS), spent together only when each has a whole token. ARGV[1] = now (s); then per key
# its capacity and refill period (s). A bucket left alone for its whole period is full again: it expires then.
_TAKE = """
local now = tonumber(ARGV[1])
local levels = {}
for i, key in ipairs(KEYS) do
  local capacity, seconds = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', key, 'tokens', 'updated')
  local tokens, updated = tonumber(state[1]) or capacity, tonumber(state[2]) or now
  local level = math.min(capacity, tokens + math.max(0, now - updated) * capacity / seconds)
  if level < 1 then return 0 end
  levels[i] = level
end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'updated', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i + 1]) * 1000))
end
return 1
"""

_clients: dict[str, Any] = {}
_guard = threading.Lock()


def redis_url() -> str | None:
    return os.environ.get(URL_VARIABLE, "").strip() or None


def client(url: str) -> Any:
    """This process's Redis client for `url` (a pool; no connection before the first call)."""
    with _guard:
        if url not in _clients:
            import redis

            _clients[url] = redis.Redis.from_url(
                url, socket_timeout=SOCKET_TIMEOUT_SECONDS, socket_connect_timeout=SOCKET_TIMEOUT_SECONDS
            )
        return _clients[url]


def _derive(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


class SharedState:
    """One Redis connection and the keys that hide what is stored (see the module docstring)."""

    def __init__(self, redis_client: Any, keys: list[bytes], namespace: str = PREFIX) -> None:
        self.redis = redis_client
        self.namespace = namespace
        self._name_key = _derive(keys[0], NAME_INFO)
        self._cipher = MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key, SEAL_INFO))) for key in keys])
        self._put = redis_client.register_script(_PUT)
        self._take = redis_client.register_script(_TAKE)

    @classmethod
    def from_environment(cls) -> SharedState | None:
        url = redis_url()
        return cls(client(url), raw_fernet_keys(os.environ.get(KEYS_VARIABLE))) if url else None

    def key(self, kind: str, identity: str) -> str:
        digest = hmac.new(self._name_key, f"{kind}\n{identity}".encode(), hashlib.sha256).hexdigest()[:32]
        return f"{self.namespace}{kind}:{digest}"

    def put(self, kind: str, identity: str, value: Any, ttl_seconds: float, max_entries: int) -> None:
        sealed = self._cipher.encrypt(json.dumps(value).encode())
        index = f"{self.namespace}{kind}"
        milliseconds = max(int(ttl_seconds * 1000), 1)
        key = self.key(kind, identity)
        now = time.time()
        args = [sealed, now, milliseconds, max_entries, f"{self.namespace}{kind}:", now - ttl_seconds]
        self._put(keys=[key, index], args=args)

    def get(self, kind: str, identity: str) -> Any:
        sealed = self.redis.get(self.key(kind, identity))
        if sealed is None:
            return None
        try:
            return json.loads(self._cipher.decrypt(sealed))
        except InvalidToken:  # written under keys no longer configured
            return None

    def forget(self, kind: str, identity: str) -> None:
        key = self.key(kind, identity)
        self.redis.pipeline().delete(key).zrem(f"{self.namespace}{kind}", key).execute()

    def take(self, buckets: list[tuple[str, str, int, float]], now: float) -> bool:
        """Spend a token of each (kind, identity, capacity, seconds) bucket, all or none; whether they had one."""
        keys = [self.key(kind, identity) for kind, identity, _, _ in buckets]
        args: list[Any] = [now]
        for _, _, capacity, seconds in buckets:
            args += [capacity, seconds]
        return bool(self._take(keys=keys, args=args))


def soft(default: Any, action: str) -> Any:
    """A decorator: when Redis fails, log the error's type and return `default` (see the module docstring)."""

    def wrap(method: Any) -> Any:
        @functools.wraps(method)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            import redis

            try:
                return method(*args, **kwargs)
            except redis.RedisError as error:
                logger.error("channel state in Redis: %s failed (%s)", action, type(error).__name__)
                return default

        return guarded

    return wrap


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
    """The reception desk's answers by (sender, message id), shared: a repeated message id is answered once."""

    KIND = "reception-replies"

    def __init__(self, state: SharedState, max_entries: int, ttl_seconds: float) -> None:
        self.state = state
        self.max_entries = max_entries
        self.ttl_seconds = ttl_seconds

    @staticmethod
    def _identity(key: tuple[str, str]) -> str:
        return json.dumps(list(key))

    @soft(None, "reading a reception answer")
    def get(self, key: tuple[str, str]) -> list[dict[str, Any]] | None:
        return self.state.get(self.KIND, self._identity(key))

    @soft(None, "storing a reception answer")
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


def replay_memory() -> Any:
    """The reception desk's replay cache, shared in Redis when ONTHAAL_REDIS_URL is set."""
    state = SharedState.from_environment()
    if state is None:
        return ReplayMemory(REPLAY_ANSWERS)
    return RedisReplayMemory(state, REPLAY_ANSWERS, REPLAY_TTL_SECONDS)


class ReplayMemory:
    """The reception desk's answers by (sender, message id) in this process's memory, the newest `max_entries`."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._answered: OrderedDict[tuple[str, str], list[dict[str, Any]]] = OrderedDict()

    def get(self, key: tuple[str, str]) -> list[dict[str, Any]] | None:
        return self._answered.get(key)

    def put(self, key: tuple[str, str], messages: list[dict[str, Any]]) -> None:
        self._answered[key] = messages
        while len(self._answered) > self.max_entries:
            self._answered.popitem(last=False)
