"""Plain work on Rasa trackers and their serialized events, for the conversation store (bot/tracker_store.py).

Which events a save adds to what is stored, where the last session starts, whether a tracker holds anything
worth keeping, turning stored events back into Rasa events quickly, and copying a tracker without replaying it.
No database and no encryption here: these are tested on plain trackers.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Sequence
from itertools import islice

from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches import APPLIED_EVENTS_KEY, carry_applied_events

SESSION_START = "action_session_start"


def holds_content(tracker: DialogueStateTracker) -> bool:
    """Whether the tracker holds anything said or answered: a message either way, or a slot value."""
    return any(
        isinstance(event, UserUttered | BotUttered) or (isinstance(event, SlotSet) and event.value is not None)
        for event in tracker.events
    )


def last_session_start(events: Sequence[dict]) -> int:
    """Where the last conversation session begins (Rasa splits sessions at each `action_session_start`)."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "action" and events[index].get("name") == SESSION_START:
            return index
    return 0


def appended_events(stored: Sequence[dict], given: Sequence[dict]) -> list[dict] | None:
    """The events `given` adds after `stored` (whole, or from its last session on); None when not an append."""
    normalised = json.loads(json.dumps(list(given)))
    for start in dict.fromkeys([last_session_start(stored), 0]):
        known = len(stored) - start
        if len(normalised) >= known and normalised[:known] == list(stored[start:]):
            return list(given[known:])
    return None


@functools.cache
def _event_classes() -> dict[str, type[Event]]:
    """Rasa's event classes by type name, as `Event.resolve_by_type` finds them (the first match wins)."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def events_from_dicts(dicts: Iterable[dict]) -> list[Event]:
    """`rasa.shared.core.events.deserialise_events`, without its search through every Event subclass per event.

    (That search took about half of a retrieve: 150 us an event, 300 events at the 30th turn.)
    """
    classes = _event_classes()
    events = []
    for parameters in dicts:
        cls = classes.get(parameters.get("event"))
        event = cls._from_parameters(parameters) if cls is not None else Event.from_parameters(parameters)
        if event is not None:
            events.append(event)
    return events


def starts_another_session(tracker: DialogueStateTracker) -> bool:
    """Whether a session starts in the tracker after its first event (then `retrieve` gives less than it)."""
    return any(
        isinstance(event, ActionExecuted) and event.action_name == SESSION_START
        for event in islice(tracker.events, 1, None)
    )


def copy_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A tracker in the same state without replaying its events: its own containers, the same Event objects.

    Rasa never changes an event once it is in a tracker (it appends new ones); every container that changes
    (the events, the slots, the latest action, the active loop) is copied.
    """
    copied = copy.copy(tracker)
    copied.events = copy.copy(tracker.events)
    copied.slots = copy.copy(tracker.slots)
    for name, slot in tracker.slots.items():
        copied.slots[name] = copy.copy(slot)
    copied.latest_action = copy.copy(tracker.latest_action)
    copied.active_loop = copy.copy(tracker.active_loop)
    copied.__dict__.pop(APPLIED_EVENTS_KEY, None)  # copy.copy shared it: folded on the original's events
    carry_applied_events(tracker, copied)
    return copied
