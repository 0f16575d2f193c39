"""Channel state that several Rasa replicas share, in Redis when `ONTHAAL_REDIS_URL` is set: the Redis plumbing.

The state itself (WhatsApp's last options, Telegram's payload tokens, the reception replay cache, the rate
buckets) and the choice between Redis and memory are in bot/channels/channel_state.py; this module connects,
names keys and seals values.

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
