"""The one set of limits and the one gate of this Rasa server, shared by every channel (see bot/channels/limits.py).

Built on first use (the crisis matcher loads its phrases then), never at import.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any

from bot.channels.limits import Admission, Limits, RasaGate
from bot.channels.shared_state import SharedState


@lru_cache(maxsize=1)
def shared_limits() -> Limits:
    from bot.policies.crisis import mentions_crisis  # the crisis policy's own matcher and phrases

    return Limits(mentions_crisis, shared=SharedState.from_environment())


@lru_cache(maxsize=1)
def shared_gate() -> RasaGate:
    return RasaGate()


async def through_the_gate(admission: Admission, handle: Callable[[], Awaitable[Any]]) -> bool:
    """Runs `handle` (the message into Rasa) in its turn; False when the queue is full and it did not run."""
    urgent = admission is Admission.URGENT
    gate = shared_gate()
    if not await gate.enter(urgent):
        return False
    try:
        await handle()
    finally:
        gate.leave(urgent)
    return True
