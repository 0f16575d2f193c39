"""Channel state shared by two Rasa replicas through a real Redis (ONTHAAL_TEST_REDIS_URL): WhatsApp's last options,
Telegram's payload tokens, the reception replay cache and the rate limits set by one replica are seen by the
other; keys are keyed hashes and values are sealed, so no sender id, address or words are in Redis in clear; every
entry expires; with Redis unreachable the channels go on. The in-memory defaults stay when no URL is set."""

from __future__ import annotations

import base64
import secrets
import uuid

import pytest

from bot.channels import channel_state, shared_state
from bot.channels.channel_state import RedisOptionMemory, RedisPayloads, RedisReplayMemory, ReplayMemory
from bot.channels.limits import SENDER_RATE, Admission, Limits
from bot.channels.messaging import OptionMemory, PayloadStore, match_option
from bot.channels.shared_state import SharedState
from tests.bot.shared_backends import REDIS_URL, needs_redis

SENDER = "wa-3f9a0c55e1d2b7a4c6e8f012"
PHONE_DERIVED = "whatsapp:+32470123456"
ADDRESS = "203.0.113.77"
BUTTONS = [{"title": "Ja, Milena", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}]


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture
def replicas():
    """Two SharedStates with their own Redis connections and the Rasa server's key, in a namespace of their own."""
    import redis

    keys = shared_state.raw_fernet_keys(new_key())
    namespace = f"onthaal-test:{uuid.uuid4().hex[:8]}:"
    clients = [redis.Redis.from_url(REDIS_URL) for _ in range(2)]
    yield [SharedState(client, keys, namespace) for client in clients]
    for key in clients[0].scan_iter(f"{namespace}*"):
        clients[0].delete(key)
    for client in clients:
        client.close()


def stored(state: SharedState) -> dict[bytes, bytes]:
    """Every key of the namespace and what it holds, as raw bytes."""
    everything = {}
    for key in state.redis.scan_iter(f"{state.namespace}*"):
        kind = state.redis.type(key)
        if kind == b"string":
            everything[key] = state.redis.get(key)
        elif kind == b"zset":
            everything[key] = b" ".join(state.redis.zrange(key, 0, -1))
        else:
            everything[key] = b" ".join(b"%s=%s" % pair for pair in state.redis.hgetall(key).items())
    return everything


def assert_nothing_in_clear(state: SharedState, *words: str) -> None:
    raw = b" ".join(key + b" " + value for key, value in stored(state).items())
    assert raw, "nothing was stored"
    for word in words:
        assert word.encode() not in raw, word


@needs_redis
def test_whatsapp_options_offered_by_one_replica_are_answered_on_the_other(replicas):
    first, second = (RedisOptionMemory(state, 10_000, 24 * 3600) for state in replicas)
    first.remember(SENDER, BUTTONS)
    assert match_option("1", second.get(SENDER)) == "/affirm"
    assert match_option("nee", second.get(SENDER)) == "/deny"
    assert_nothing_in_clear(replicas[0], SENDER, "Milena", "affirm")
    [key] = [key for key in stored(replicas[0]) if b"whatsapp-options:" in key]
    assert 0 < replicas[0].redis.ttl(key) <= 24 * 3600
    second.remember(SENDER, None)  # a reply without options: the old ones no longer apply, on either replica
    assert first.get(SENDER) is None


@needs_redis
def test_the_options_are_bounded_the_oldest_sender_goes_first(replicas):
    memory = RedisOptionMemory(replicas[0], max_senders=2, ttl_seconds=60)
    for sender in ("wa-one", "wa-two", "wa-three"):
        memory.remember(sender, BUTTONS)
    assert memory.get("wa-one") is None
    assert memory.get("wa-two") == BUTTONS and memory.get("wa-three") == BUTTONS
    assert len([key for key in stored(replicas[0]) if b"whatsapp-options:" in key]) == 2


@needs_redis
def test_a_telegram_payload_token_given_out_by_one_replica_is_read_by_the_other(replicas):
    long_payload = '/inform{"contact_detail":"milena@example.org","neighbourhood":"bloemekenswijk"}'
    first, second = (PayloadStore(shared=RedisPayloads(state, 10_000, 3600)) for state in replicas)
    token = first.callback_data(long_payload)
    assert token.startswith(PayloadStore.PREFIX) and len(token.encode()) <= 64
    assert second.payload_for(token) == long_payload
    assert second.payload_for("/deny") == "/deny"  # short payloads travel as themselves
    assert second.payload_for("~unknown") is None
    assert_nothing_in_clear(replicas[0], "milena", "bloemekenswijk", token)


@needs_redis
def test_the_reception_replay_cache_answers_a_repeated_message_on_either_replica(replicas):
    first, second = (RedisReplayMemory(state, 1000, 3600) for state in replicas)
    answer = [{"recipient_id": "desk-1", "text": "Dank je, Milena"}]
    first.put(("desk-1", "message-7"), answer)
    assert second.get(("desk-1", "message-7")) == answer
    assert second.get(("desk-1", "message-8")) is None
    assert_nothing_in_clear(replicas[0], "Milena", "desk-1", "message-7")


@needs_redis
def test_the_rate_limits_count_the_messages_of_both_replicas(replicas):
    first, second = (Limits(lambda text: "112" in text, shared=state) for state in replicas)
    for turn in range(SENDER_RATE.messages):
        limits = first if turn % 2 else second
        assert limits.admit(SENDER, "hallo", ADDRESS) is Admission.PASS
    assert first.admit(SENDER, "hallo", ADDRESS) is Admission.TOO_MANY
    assert second.admit(SENDER, "hallo", ADDRESS) is Admission.TOO_MANY
    assert second.admit(SENDER, "help 112", ADDRESS) is Admission.URGENT  # crisis is never refused
    assert first.admit("wa-someone-else", "hallo", ADDRESS) is Admission.PASS  # the address still has room
    assert_nothing_in_clear(replicas[0], SENDER, ADDRESS)
    assert all(0 < replicas[0].redis.pttl(key) <= 60_000 for key in stored(replicas[0]))


@needs_redis
def test_the_factories_choose_redis_by_url_and_memory_without(monkeypatch):
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", new_key())
    monkeypatch.delenv("ONTHAAL_REDIS_URL", raising=False)
    assert isinstance(channel_state.option_memory(), OptionMemory)
    assert channel_state.payload_store().shared is None
    assert isinstance(channel_state.replay_memory(), ReplayMemory)
    monkeypatch.setenv("ONTHAAL_REDIS_URL", REDIS_URL)
    assert isinstance(channel_state.option_memory(), RedisOptionMemory)
    assert isinstance(channel_state.payload_store().shared, RedisPayloads)
    assert isinstance(channel_state.replay_memory(), RedisReplayMemory)


def test_with_redis_unreachable_the_channels_go_on(caplog):
    import redis

    down = SharedState(redis.Redis(host="127.0.0.1", port=9, socket_timeout=0.2), [secrets.token_bytes(32)])
    memory = RedisOptionMemory(down, 10, 60)
    memory.remember(SENDER, BUTTONS)
    assert memory.get(SENDER) is None  # numbers then pass as text
    assert Limits(lambda _: False, shared=down).admit(SENDER, "hallo", ADDRESS) is Admission.PASS
    assert "ConnectionError" in caplog.text and SENDER not in caplog.text


def test_the_web_replay_cache_forgets_an_answer_after_ten_minutes_and_keeps_the_newest():
    now = [0.0]
    memory = ReplayMemory(2, channel_state.WEB_REPLAY_TTL_SECONDS, clock=lambda: now[0])
    answer = [{"recipient_id": "web-1", "text": "Shall we call you Milena?"}]
    memory.put(("web-1", "m-1"), answer)
    now[0] = channel_state.WEB_REPLAY_TTL_SECONDS - 1
    assert memory.get(("web-1", "m-1")) == answer
    now[0] = channel_state.WEB_REPLAY_TTL_SECONDS + 1
    assert memory.get(("web-1", "m-1")) is None
    for number in range(3):
        memory.put(("web-1", f"m-{number}"), answer)
    assert memory.get(("web-1", "m-0")) is None and memory.get(("web-1", "m-2")) == answer


@needs_redis
def test_the_web_replay_cache_is_its_own_and_expires_in_redis(monkeypatch):
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", new_key())
    monkeypatch.setenv("ONTHAAL_REDIS_URL", REDIS_URL)
    web = channel_state.replay_memory("web")
    assert isinstance(web, RedisReplayMemory) and web.ttl_seconds == channel_state.WEB_REPLAY_TTL_SECONDS
    assert web.KIND != channel_state.replay_memory().KIND
