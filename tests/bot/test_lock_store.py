"""The lock store (bot/lock_store.py): in memory by default, Rasa's Redis lock store when ONTHAAL_REDIS_URL is set.

The Redis tests run against a real Redis when ONTHAAL_TEST_REDIS_URL is set (`make bot-tests` starts one).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.utils.endpoints import read_endpoint_config

from bot.lock_store import LockStoreConfigurationError, PseudonymousRedisLockStore, redis_settings

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ONTHAAL_TEST_REDIS_URL", "")
SENDER = "wa-whatsapp:+32470123456"
KEY = Fernet.generate_key().decode()
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="ONTHAAL_TEST_REDIS_URL is not set (make bot-tests starts one)")


@pytest.fixture(autouse=True)
def endpoint_settings(monkeypatch):
    """bot/endpoints.yml names the action server through the environment; reading the file needs them."""
    monkeypatch.setenv("ONTHAAL_ACTION_URL", "http://127.0.0.1:5055/webhook")
    monkeypatch.setenv("ONTHAAL_ACTION_SECRET", "a-shared-secret")


def lock_store_from_endpoints() -> LockStore:
    """What `rasa run --endpoints bot/endpoints.yml` does."""
    return LockStore.create(read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "lock_store"))


def test_without_a_redis_url_the_lock_store_is_in_memory(monkeypatch):
    monkeypatch.delenv("ONTHAAL_REDIS_URL", raising=False)
    assert type(lock_store_from_endpoints()) is InMemoryLockStore


def test_the_redis_url_gives_host_port_password_and_database():
    settings = redis_settings("redis://:p%40ss@10.0.0.7:6380/3")
    assert (settings["host"], settings["port"], settings["db"]) == ("10.0.0.7", 6380, 3)
    assert (settings["username"], settings["password"], settings["use_ssl"]) == (None, "p@ss", False)
    assert settings["key_prefix"] == "onthaal"
    defaults = redis_settings("rediss://user:pw@redis.internal")
    assert (defaults["port"], defaults["db"], defaults["username"], defaults["use_ssl"]) == (6379, 0, "user", True)


@pytest.mark.parametrize(
    "url", ["http://:s3cret@127.0.0.1:6379/0", "redis://:s3cret@", "redis://:s3cret@127.0.0.1:6379/zero"]
)
def test_a_malformed_redis_url_is_refused_without_being_echoed(monkeypatch, url):
    monkeypatch.setenv("ONTHAAL_REDIS_URL", url)
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", KEY)
    with pytest.raises(LockStoreConfigurationError, match="ONTHAAL_REDIS_URL") as error:
        lock_store_from_endpoints()
    assert "s3cret" not in str(error.value)


def test_the_redis_lock_store_needs_the_conversation_keys(monkeypatch):
    monkeypatch.setenv("ONTHAAL_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("ONTHAAL_TRACKER_KEYS", raising=False)
    with pytest.raises(LockStoreConfigurationError, match="ONTHAAL_TRACKER_KEYS"):
        lock_store_from_endpoints()


def replica(monkeypatch) -> PseudonymousRedisLockStore:
    monkeypatch.setenv("ONTHAAL_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("ONTHAAL_TRACKER_KEYS", KEY)
    store = lock_store_from_endpoints()
    assert isinstance(store, RedisLockStore) and store.key_prefix == "onthaal:lock:"
    return store


@needs_redis
def test_two_replicas_handle_one_conversations_messages_one_after_the_other(monkeypatch):
    first, second = replica(monkeypatch), replica(monkeypatch)
    spans: dict[str, tuple[float, float]] = {}
    seen_keys: list[bytes] = []

    async def handle(store: LockStore, conversation: str, name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        async with store.lock(conversation, wait_time_in_seconds=0.02):
            start = time.monotonic()
            seen_keys.extend(first.red.keys("*"))
            await asyncio.sleep(0.3)
            spans[name] = (start, time.monotonic())

    async def messages() -> None:
        await asyncio.gather(
            handle(first, SENDER, "first message", 0),
            handle(second, SENDER, "second message", 0.05),  # arrives while the first is being handled
            handle(second, "web-another-person", "another person", 0.05),
        )

    asyncio.run(messages())
    assert spans["second message"][0] >= spans["first message"][1]  # waited for the first, on another replica
    assert spans["another person"][0] < spans["first message"][1]  # another conversation does not wait
    # The conversation id is not in Redis, only its keyed hash.
    assert seen_keys and all(key.startswith(b"onthaal:lock:") for key in seen_keys)
    assert first.key_prefix.encode() + first.lock_id(SENDER).encode() in seen_keys
    assert not any(b"32470123456" in key or b"web-another" in key for key in seen_keys)
    assert first.red.keys("onthaal:lock:*") == []  # every lock is released


@needs_redis
def test_the_lock_ids_are_the_same_on_every_replica_and_differ_per_conversation(monkeypatch):
    first, second = replica(monkeypatch), replica(monkeypatch)
    assert first.lock_id(SENDER) == second.lock_id(SENDER) != first.lock_id("web-1")
    assert SENDER not in first.lock_id(SENDER) and len(first.lock_id(SENDER)) == 64
