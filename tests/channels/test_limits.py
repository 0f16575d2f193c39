"""The channels' limits on their own (no Rasa): length, rate per sender and address, crisis never refused,
messages at once, bounded memory, the client address behind a proxy."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.limits import (
    ADDRESS_RATE,
    CRISIS_RATE,
    MAX_MESSAGE_CHARS,
    SENDER_RATE,
    Admission,
    Limits,
    RasaGate,
    Rate,
    TokenBuckets,
    client_address,
    trusted_proxies,
)
from tests.conftest import run_coroutine

CRISIS = "I want to kill myself"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


run = run_coroutine


def limits(clock: Clock | None = None, max_keys: int = 1000) -> Limits:
    # A stand-in for the crisis policy's matcher (tests/bot checks the real one with these limits).
    return Limits(lambda text: CRISIS.lower() in text.lower(), clock=clock or Clock(), max_keys=max_keys)


def test_a_message_up_to_the_limit_passes_and_one_character_more_is_answered_by_the_channel():
    gate = limits()
    assert gate.admit("web-a", "x" * MAX_MESSAGE_CHARS, "10.0.0.1") is Admission.PASS
    assert gate.admit("web-a", "x" * (MAX_MESSAGE_CHARS + 1), "10.0.0.1") is Admission.TOO_LONG


def test_a_sender_over_its_rate_is_refused_until_the_bucket_refills():
    clock = Clock()
    gate = limits(clock)
    verdicts = [gate.admit("web-a", "hello", "10.0.0.1") for _ in range(SENDER_RATE.messages + 1)]
    assert verdicts[:-1] == [Admission.PASS] * SENDER_RATE.messages
    assert verdicts[-1] is Admission.TOO_MANY
    assert gate.admit("web-b", "hello", "10.0.0.1") is Admission.PASS, "another sender at the same address"
    clock.now += SENDER_RATE.seconds / SENDER_RATE.messages
    assert gate.admit("web-a", "hello", "10.0.0.1") is Admission.PASS
    assert gate.admit("web-a", "hello", "10.0.0.1") is Admission.TOO_MANY


def test_an_address_over_its_rate_is_refused_whatever_sender_it_claims():
    gate = limits()
    verdicts = [gate.admit(f"web-{n}", "hello", "10.0.0.1") for n in range(ADDRESS_RATE.messages + 1)]
    assert verdicts.count(Admission.PASS) == ADDRESS_RATE.messages
    assert verdicts[-1] is Admission.TOO_MANY
    assert gate.admit("web-new", "hello", "10.0.0.2") is Admission.PASS


def test_without_an_address_only_the_sender_counts():
    """WhatsApp and Telegram: every request comes from the provider's addresses."""
    gate = limits()
    assert all(gate.admit(f"wa-{n}", "hello") is Admission.PASS for n in range(ADDRESS_RATE.messages * 2))


def test_a_refused_message_spends_nothing():
    gate = limits()
    for n in range(ADDRESS_RATE.messages):
        gate.admit(f"web-{n}", "hello", "10.0.0.9")
    assert gate.admit("web-quiet", "hello", "10.0.0.9") is Admission.TOO_MANY
    verdicts = {gate.admit("web-quiet", "hello", "10.0.0.10") for _ in range(SENDER_RATE.messages)}
    assert verdicts == {Admission.PASS}, "the address refused it: the sender's own bucket is untouched"


def test_words_of_crisis_are_never_refused():
    gate = limits()
    for _ in range(SENDER_RATE.messages):
        gate.admit("web-a", "hello", "10.0.0.1")
    assert gate.admit("web-a", "hello", "10.0.0.1") is Admission.TOO_MANY
    verdicts = [gate.admit("web-a", CRISIS, "10.0.0.1") for _ in range(CRISIS_RATE.messages + 3)]
    assert verdicts[: CRISIS_RATE.messages] == [Admission.URGENT] * CRISIS_RATE.messages, "to Rasa"
    assert set(verdicts[CRISIS_RATE.messages :]) == {Admission.CRISIS_ANSWER}, "a flood of them: answered here"


def test_words_of_crisis_within_the_limits_skip_the_queue():
    assert limits().admit("web-a", f"please help, {CRISIS}", "10.0.0.1") is Admission.URGENT


def test_a_long_message_with_words_of_crisis_gets_the_crisis_answer_from_the_channel():
    long = "I cannot go on. " * 200 + CRISIS
    assert len(long) > MAX_MESSAGE_CHARS
    assert limits().admit("web-a", long, "10.0.0.1") is Admission.CRISIS_ANSWER


def test_idle_buckets_are_forgotten_and_memory_stays_bounded():
    clock = Clock()
    buckets = TokenBuckets(Rate(2, 10.0), max_keys=100, clock=clock)
    for n in range(1000):
        buckets.spend(f"web-{n}")
    assert len(buckets) == 100
    clock.now += 10.0
    buckets.spend("web-late")
    assert len(buckets) == 1, "idle for a whole period: full again, so forgetting them changes nothing"


def test_a_forgotten_bucket_would_have_been_full():
    clock = Clock()
    buckets = TokenBuckets(Rate(2, 10.0), clock=clock)
    buckets.spend("web-a")
    buckets.spend("web-a")
    assert not buckets.has_room("web-a")
    clock.now += 5.0
    assert buckets.has_room("web-a")


def test_the_gate_lets_a_few_in_queues_the_rest_in_order_and_urgent_messages_skip_it():
    run(_gate_in_order())


async def _gate_in_order() -> None:
    gate = RasaGate(slots=2, queue=2)
    assert await gate.enter() and await gate.enter()
    order: list[str] = []

    async def wait(name: str) -> None:
        assert await gate.enter()
        order.append(name)

    first = asyncio.create_task(wait("first"))
    second = asyncio.create_task(wait("second"))
    await asyncio.sleep(0)
    assert not await gate.enter(), "the queue is full"
    assert await asyncio.wait_for(gate.enter(urgent=True), 0.1), "urgent: in at once"
    gate.leave(urgent=True)
    gate.leave()
    await first
    assert order == ["first"]
    gate.leave()
    await second
    assert order == ["first", "second"]
    gate.leave()
    gate.leave()
    assert gate.busy == 0


def test_a_request_that_goes_away_while_waiting_gives_its_turn_back():
    run(_gate_cancelled())


async def _gate_cancelled() -> None:
    gate = RasaGate(slots=1, queue=5)
    assert await gate.enter()
    gone = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    gate.leave()
    assert gate.busy == 0
    assert await gate.enter()


def test_a_request_that_goes_away_just_as_its_turn_comes_passes_the_turn_on():
    run(_gate_handed_over_then_cancelled())


async def _gate_handed_over_then_cancelled() -> None:
    gate = RasaGate(slots=1, queue=5)
    assert await gate.enter()
    gone = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    gate.leave()  # hands the slot to `gone`...
    gone.cancel()  # ...which is cancelled before it runs again
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert gate.busy == 0
    assert await gate.enter()


@pytest.mark.parametrize(
    ("peer", "forwarded", "setting", "expected"),
    [
        ("203.0.113.7", "198.51.100.1", "", "203.0.113.7"),  # no proxy configured: the header is the client's
        ("203.0.113.7", "198.51.100.1", "127.0.0.1", "203.0.113.7"),  # not from the proxy: ignored
        ("127.0.0.1", "198.51.100.1", "127.0.0.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "127.0.0.1", "198.51.100.1"),  # the client wrote the left part
        ("10.1.2.3", "198.51.100.1, 10.0.0.5", "10.0.0.0/8", "198.51.100.1"),  # two proxies of ours
        ("127.0.0.1", "", "127.0.0.1", "127.0.0.1"),
        ("::1", "2001:db8::1", "::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_from_x_forwarded_for_only_behind_a_trusted_proxy(
    peer, forwarded, setting, expected
):
    assert client_address(peer, forwarded, trusted_proxies(setting)) == expected


def test_the_trusted_proxy_setting_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("ONTHAAL_TRUSTED_PROXY", "127.0.0.1, 10.0.0.0/8")
    assert [str(network) for network in trusted_proxies()] == ["127.0.0.1/32", "10.0.0.0/8"]
