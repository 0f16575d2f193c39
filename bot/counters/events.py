"""What a saved turn means for the counters: plain work on a tracker's slots and the events a save adds.

A conversation's progress (`Progress`) is what the counters may know of it: the question open now, its language
and channel, the day of its last turn, and whether consent was given. `observe` reads it from a tracker after a
turn; `turn_counts` says which counters the turn's new events add (`Count`), given the progress before the turn:
- `started`: the first turn handled once the conversation has a language (a typed first message whose language
  is unsure gets the language buttons first; the contract has no "unknown" language);
- `consented`: consent given, once per conversation (also after "start again");
- `stopped`: the person said stop (`action_stop`), at the question open before that turn;
`expired` is counted by the expiry (bot/counters/progress.py) from the stored progress.
The question is the slot of a question of bot/questions.yml; the language and consent steps are "no question yet"
(None). A hand-off (one of the hand-off responses uttered) counts nothing: it ends the conversation for the
counters, so that it never expires at a question; the intakes received are counted by the coach service, whose
week cells keep no figure under 5, where a hand-off counter of one could tell of an intake erased since.
"Shall we call you ...?", "I understood: ... Is that right?" and the read-back keep the question asked last,
so a person who leaves at the read-back counts at the last question. No database here: tested on plain trackers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Protocol

from bot.intake.questions import questions
from bot.intake.reference_data import LANGUAGES

EVENTS = ("started", "consented", "stopped", "expired")
# Rasa's input channel names (bot/channels/) as the counters name them; any other (the HTTP API) is not counted.
CHANNELS = {"rest": "web", "whatsapp": "whatsapp", "telegram": "telegram", "reception": "reception"}
# Slots the form asks that confirm the answer to the question before them.
CONFIRMING_SLOTS = ("name_confirmed", "need_checked", "needs_confirmed")
STOP_ACTION = "action_stop"
# What bot/actions/handoff.py utters when an intake went to the outbox (utter_handed_over_no_consent sends nothing).
HANDOFF_RESPONSES = frozenset(
    f"{response}{form}"
    for response in ("utter_submitted", "utter_submit_delayed", "utter_handed_over")
    for form in ("", "_come_by")
)


class SlotsAndChannel(Protocol):
    """What `observe` reads of a tracker (Rasa's DialogueStateTracker has both)."""

    def get_slot(self, key: str) -> Any: ...

    def get_latest_input_channel(self) -> str | None: ...


@dataclass(frozen=True)
class Progress:
    """A conversation as the counters know it (the side record of bot/counters/progress.py)."""

    question: str | None
    language: str | None
    channel: str | None
    day: str
    consented: bool = False

    @property
    def countable(self) -> bool:
        """Whether its counters can be sent: the contract knows six languages and four channels, no "unknown"."""
        return self.language in LANGUAGES and self.channel in CHANNELS.values()


@dataclass(frozen=True)
class Count:
    """One counter: `n` conversations had `event` on `day` (at `question`), in `language`, on `channel`."""

    day: str
    event: str
    question: str | None
    language: str
    channel: str
    n: int = 1


@cache
def question_ids() -> frozenset[str]:
    return frozenset(asked.slot for asked in questions())


def observe(tracker: SlotsAndChannel, previous: Progress | None, day: str) -> Progress:
    """The conversation's progress after a turn; the language and channel stay what they were while the tracker
    has none (Rasa's /restart forgets the language slot), and so does the consent."""
    requested = tracker.get_slot("requested_slot")
    if requested in question_ids():
        question = requested
    elif previous is not None and tracker.get_slot("consent") and (requested is None or requested in CONFIRMING_SLOTS):
        question = previous.question
    else:
        question = None
    language = tracker.get_slot("language")
    if language not in LANGUAGES:
        language = previous.language if previous else None
    channel = CHANNELS.get(tracker.get_latest_input_channel() or "") or (previous.channel if previous else None)
    return Progress(question, language, channel, day, consented=bool(previous and previous.consented))


@dataclass(frozen=True)
class Turn:
    """What one save means: the counters to add, and the progress to keep (None: remove the side record)."""

    counts: list[Count]
    progress: Progress | None


def _happened(new_events: Iterable[Mapping[str, Any]]) -> set[str]:
    seen: set[str] = set()
    for event in new_events:
        kind = event.get("event")
        if kind == "user":
            seen.add("message")
        elif kind == "slot" and event.get("name") == "consent" and event.get("value") is True:
            seen.add("consent")
        elif kind == "action" and event.get("name") == STOP_ACTION:
            seen.add("stop")
        elif kind == "bot" and (event.get("metadata") or {}).get("utter_action") in HANDOFF_RESPONSES:
            seen.add("handoff")
    return seen


def _count(progress: Progress, event: str, question: str | None = None) -> list[Count]:
    if not progress.countable:
        return []
    return [Count(progress.day, event, question, progress.language, progress.channel)]


def turn_counts(new_events: Iterable[Mapping[str, Any]], previous: Progress | None, now: Progress) -> Turn:
    """The counters a save adds, from the events it adds (`previous`: the stored progress before it, `now`: what
    `observe` makes of the tracker after it)."""
    happened = _happened(new_events)
    counts: list[Count] = []
    if previous is None or not previous.countable:
        if not ("message" in happened and now.countable):
            # Not started yet (no language): nothing to record until it is.
            return Turn([], None)
        counts += _count(now, "started")
        previous = None
    if "handoff" in happened:
        # The intake went to a coach: the conversation ends here for the counters (whatever follows is new).
        return Turn(counts, None)
    if "stop" in happened:
        # Before this turn the open question was the one the person stopped at (the stop resets every slot).
        at = previous.question if previous is not None else None
        return Turn([*counts, *_count(now, "stopped", at)], None)
    if "consent" in happened and not now.consented:
        counts += _count(now, "consented")
        now = replace(now, consented=True)
    return Turn(counts, now)
