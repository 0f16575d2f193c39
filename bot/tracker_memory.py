"""What one Rasa process remembers of the conversations it handled, so that a turn need not read them whole.

For each conversation: the tracker it last read or saved (a weak reference, and its first and last stored
events), so that the next save of that very tracker is recognised as an append without comparing events; and,
for the most recent conversations, a copy of that tracker, so that the next `retrieve` can skip reading,
decrypting and replaying every batch. Both are valid only while the stored conversation is unchanged: its
generation and number of batches, which the store checks against the database (another replica may have
written). Nothing here is ever written anywhere. Worker threads of several conversations share it (a lock).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_events import copy_tracker, starts_another_session

# How many conversations' last tracker this process remembers (a few hundred bytes each), and for how many of the
# most recent it keeps a copy of that tracker (its events: about 0.1 MB at the 30th turn, measured with
# tracemalloc; 500 copies stay under about 50 MB).
KNOWN_CONVERSATIONS = 10_000
CACHED_TRACKERS = 500


@dataclass
class Known:
    """The stored state of a conversation as this process last saw it, and the tracker it saw it in."""

    generation: str
    batches: int
    tracker: weakref.ref = field(repr=False)
    length: int
    first: Any = field(repr=False)
    last: Any = field(repr=False)

    def holds(self, tracker: DialogueStateTracker) -> bool:
        """Whether `tracker` is that tracker, its stored events untouched, perhaps with more after them."""
        events = tracker.events
        return (
            self.tracker() is tracker
            and len(events) >= self.length > 0
            and events[0] is self.first
            and events[self.length - 1] is self.last
        )


class TrackerMemory:
    """Known states by row id, least recently used forgotten first (see the module)."""

    def __init__(self, conversations: int = KNOWN_CONVERSATIONS, copies: int = CACHED_TRACKERS) -> None:
        self._conversations = conversations
        self._copies = copies
        self._known: OrderedDict[str, Known] = OrderedDict()
        self._latest: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._lock = threading.Lock()

    def remember(
        self, row_id: str, generation: str, batches: int, tracker: DialogueStateTracker, keep_copy: bool = True
    ) -> None:
        """`tracker` is what is stored now, from its first event on; `keep_copy`: for the next `retrieve`.

        A tracker in which another session starts is not what `retrieve` (the last session) gives: no copy.
        """
        events = tracker.events
        if not events:
            self.forget(row_id)
            return
        known = Known(generation, batches, weakref.ref(tracker), len(events), events[0], events[-1])
        latest = copy_tracker(tracker) if keep_copy and not starts_another_session(tracker) else None
        with self._lock:
            self._known[row_id] = known
            self._known.move_to_end(row_id)
            while len(self._known) > self._conversations:
                oldest, _ = self._known.popitem(last=False)
                self._latest.pop(oldest, None)
            if latest is not None:
                self._latest[row_id] = latest
                self._latest.move_to_end(row_id)
                while len(self._latest) > self._copies:
                    self._latest.popitem(last=False)
            elif keep_copy:
                self._latest.pop(row_id, None)

    def forget(self, row_id: str) -> None:
        with self._lock:
            self._known.pop(row_id, None)
            self._latest.pop(row_id, None)

    def appendable(self, row_id: str, tracker: DialogueStateTracker) -> Known | None:
        """The known state, if `tracker` is the tracker it was seen in (then what it has more is new)."""
        with self._lock:
            known = self._known.get(row_id)
        return known if known is not None and known.holds(tracker) else None

    def with_copy(self, row_id: str) -> Known | None:
        """The known state, if a copy of its tracker is kept."""
        with self._lock:
            return self._known.get(row_id) if row_id in self._latest else None

    def copy(self, row_id: str, known: Known) -> DialogueStateTracker | None:
        """A new copy of the kept tracker, if it is still the one of `known`; remembered as the one to append to."""
        with self._lock:
            latest = self._latest.get(row_id) if self._known.get(row_id) is known else None
        if latest is None:
            return None
        tracker = copy_tracker(latest)
        self.remember(row_id, known.generation, known.batches, tracker, keep_copy=False)
        return tracker
