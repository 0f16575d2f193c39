"""Per-turn cost of the conversation store: retrieve + save at the 5th and the 30th turn, before and after.

Run: `.venv-bot/bin/python tools/tracker_store_bench.py [--postgres URL] [--conversations 20] [--turns 30]`.

Each simulated conversation does what Rasa does every turn: retrieve the tracker (its last session), add one
turn's events (an `action_listen`, the person's message with a full parse, a form action, slot values, the
active loop, the assistant's answer with buttons; about 3 KB of JSON a turn, so 30 turns are about the 80 KB
that issue 13 measured per conversation), save it. Only retrieve + save are timed, with the real domain's slots
(bot/domain). Printed per store: the median time of turn 5 and of turn 30 over all conversations, and their
ratio. The stores:
- `before`: the whole-blob store as it was (bot/tracker_store.py from git history, SQLite only): each save
  re-encrypts and rewrites the whole conversation, each retrieve decrypts all of it;
- `whole blob`: the same approach on this store's tables (one batch, rewritten each save), also on PostgreSQL;
- `after`: bot/tracker_store.py as it is (each save appends one batch; the next retrieve in the same process
  gets a copy of the saved tracker after one indexed query);
- `after, nothing in memory`: the same when every turn comes to another replica (or after a restart): each
  retrieve reads, decrypts and replays every batch.
The SQLite figures include the file's fsyncs at each commit (rollback journal, as before), so they vary with the
disk and with whatever else the machine is doing; the stores take turns, conversation by conversation.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot import tracker_store  # noqa: E402
from bot.tracker_memory import TrackerMemory  # noqa: E402

INTENTS = [
    "inform",
    "affirm",
    "deny",
    "choose_language",
    "give_consent",
    "stop",
    "help",
    "greet",
    "bye",
    "out_of_scope",
]


class WholeBlobStore(tracker_store.EncryptedTrackerStore):
    """The old approach on the new tables: every save rewrites the whole conversation as one batch."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._memory = TrackerMemory(copies=0)  # every retrieve reads, decrypts and replays the whole conversation

    def _save(self, tracker: DialogueStateTracker) -> None:
        self._save_by_comparison_skipped(tracker)

    def _save_by_comparison_skipped(self, tracker: DialogueStateTracker) -> None:
        row_ids = self._row_ids(tracker.sender_id)
        given = [event.as_dict() for event in tracker.events]
        with self.engine.begin() as connection:
            self._delete(connection, row_ids)
            generation = uuid.uuid4().hex
            connection.execute(
                tracker_store.sa.insert(tracker_store.CONVERSATIONS).values(
                    row_id=row_ids[0],
                    updated_at=int(self._clock()),
                    generation=generation,
                    batches=1,
                    sender=self._fernet.encrypt(tracker.sender_id.encode()),
                )
            )
            batch = self._seal(tracker.sender_id, generation, 0, given)
            connection.execute(
                tracker_store.sa.insert(tracker_store.BATCHES).values(row_id=row_ids[0], seq=0, batch=batch)
            )


class UncachedStore(tracker_store.EncryptedTrackerStore):
    """This store when each turn comes to another replica: every retrieve reads, decrypts and replays the batches."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._memory = TrackerMemory(copies=0)


def old_store_class() -> type:
    """bot/tracker_store.py as it was before this store appended batches (the last version with one blob a row)."""
    commits = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--format=%H", "--", "bot/tracker_store.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for commit in commits:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:bot/tracker_store.py"], capture_output=True, text=True
        ).stdout
        if "CREATE TABLE IF NOT EXISTS trackers" in source:
            path = Path(tempfile.mkdtemp()) / "old_tracker_store.py"
            path.write_text(source)
            spec = importlib.util.spec_from_file_location("old_tracker_store", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module.EncryptedSQLiteTrackerStore
    raise SystemExit("no whole-blob version of bot/tracker_store.py in git history")


def turn_events(turn: int, slot_names: list[str]) -> list[Event]:
    text = f"Ik slaap sinds vorige week bij een vriend in de buurt van het station, bericht {turn}"
    ranking = [{"name": name, "confidence": round(0.9 / (rank + 1), 4)} for rank, name in enumerate(INTENTS)]
    parse = {
        "text": text,
        "intent": ranking[0],
        "entities": [
            {"entity": "place", "value": "station", "start": 60, "end": 67, "extractor": "RegexEntityExtractor"}
        ],
        "intent_ranking": ranking,
        "message_id": uuid.uuid4().hex,
        "metadata": {"language_detected": {"language": "nl", "confidence": 0.97, "script": "Latn"}},
    }
    buttons = [
        {"title": f"Antwoord {choice} op vraag {turn}", "payload": f'/inform{{"choice": {choice}}}'}
        for choice in range(5)
    ]
    slots = [slot_names[(turn * 3 + offset) % len(slot_names)] for offset in range(3)]
    return [
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
        UserUttered(text, parse, input_channel="rest", message_id=parse["message_id"]),
        ActionExecuted("intake_form", policy="RulePolicy", confidence=1.0),
        *[SlotSet(slot, f"antwoord {turn}") for slot in slots],
        ActiveLoop("intake_form"),
        SlotSet("requested_slot", slots[-1]),
        BotUttered(
            "Dank je. Waar slaap je vannacht? Kies een antwoord hieronder of typ het in je eigen woorden.",
            {"buttons": buttons, "elements": None, "quick_replies": None, "attachment": None, "image": None},
            {"utter_action": f"utter_ask_{slots[-1]}", "language": "nl"},
        ),
    ]


def converse(
    loop: asyncio.AbstractEventLoop, store: Any, turns: int, slot_names: list[str]
) -> list[tuple[float, float]]:
    """One conversation of `turns` turns; the milliseconds of the retrieve and of the save of each turn."""
    sender = f"bench-{uuid.uuid4().hex}"
    tracker = loop.run_until_complete(store.get_or_create_tracker(sender))
    for event in [ActionExecuted("action_session_start"), SessionStarted(), *turn_events(0, slot_names)]:
        tracker.update(event)
    loop.run_until_complete(store.save(tracker))
    elapsed = []
    for turn in range(1, turns + 1):
        started = time.perf_counter()
        tracker = loop.run_until_complete(store.retrieve(sender))
        retrieved = time.perf_counter()
        for event in turn_events(turn, slot_names):
            tracker.update(event)
        saving = time.perf_counter()
        loop.run_until_complete(store.save(tracker))
        elapsed.append(((retrieved - started) * 1000, (time.perf_counter() - saving) * 1000))
    # The store's own erasure, so that nothing of the benchmark stays in the database.
    loop.run_until_complete(store.save(DialogueStateTracker(sender, [])))
    return elapsed


def measure(stores: list[tuple[str, Any]], conversations: int, turns: int, slot_names: list[str]) -> dict:
    """Per store, the per-turn times of every conversation; the stores take turns, so that load hits all alike."""
    loop = asyncio.new_event_loop()
    times: dict[str, list[list[float]]] = {name: [] for name, _ in stores}
    try:
        for _ in range(conversations):
            for name, store in stores:
                times[name].append(converse(loop, store, turns, slot_names))
    finally:
        loop.close()
    return times


def turn_size(turn: int, slot_names: list[str]) -> int:
    """The JSON size of a conversation after `turn` turns."""
    tracker = DialogueStateTracker("size", [])
    for event in [ActionExecuted("action_session_start"), SessionStarted()]:
        tracker.update(event)
    for number in range(turn + 1):
        for event in turn_events(number, slot_names):
            tracker.update(event)
    return len(tracker_store.json.dumps(tracker.as_dialogue().as_dict()))


def report(times: dict[str, list[list[tuple[float, float]]]], checkpoints: list[int]) -> None:
    first, last = checkpoints

    def median(conversations: list, turn: int, part: slice) -> float:
        return statistics.median(sum(conversation[turn - 1][part]) for conversation in conversations)

    for name, conversations in times.items():
        early, late = median(conversations, first, slice(0, 2)), median(conversations, last, slice(0, 2))
        parts = [
            f"{median(conversations, turn, slice(0, 1)):.2f} + {median(conversations, turn, slice(1, 2)):.2f}"
            for turn in checkpoints
        ]
        print(
            f"  {name:<26} turn {first}: {early:6.2f} ms   turn {last}: {late:6.2f} ms   "
            f"ratio {late / early:4.2f}   (retrieve + save: {parts[0]} | {parts[1]})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL (postgresql://...) to measure there too")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--early", type=int, default=5)
    arguments = parser.parse_args()
    checkpoints = [arguments.early, arguments.turns]
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    slot_names = sorted(
        slot.name for slot in domain.slots if slot.type_name == "text" and slot.name != "requested_slot"
    )
    key = Fernet.generate_key().decode()
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))

    print(
        f"retrieve + save per turn, median of {arguments.conversations} conversations; a conversation is "
        f"{turn_size(first := checkpoints[0], slot_names) / 1000:.1f} KB of JSON at turn {first}, "
        f"{turn_size(checkpoints[1], slot_names) / 1000:.1f} KB at turn {checkpoints[1]}"
    )
    print("SQLite:")
    sqlite_stores = [
        ("before (git history)", old_store_class()(domain=domain, db=workdir / "before.sqlite3", keys=key)),
        ("whole blob, new tables", WholeBlobStore(domain=domain, db=workdir / "blob.sqlite3", keys=key)),
        (
            "after (appended batches)",
            tracker_store.EncryptedTrackerStore(domain=domain, db=workdir / "after.sqlite3", keys=key),
        ),
        ("after, nothing in memory", UncachedStore(domain=domain, db=workdir / "uncached.sqlite3", keys=key)),
    ]
    report(measure(sqlite_stores, arguments.conversations, arguments.turns, slot_names), checkpoints)
    if arguments.postgres:
        print("PostgreSQL:")
        postgres_stores = [
            ("whole blob", WholeBlobStore(domain=domain, database_url=arguments.postgres, keys=key)),
            (
                "after (appended batches)",
                tracker_store.EncryptedTrackerStore(domain=domain, database_url=arguments.postgres, keys=key),
            ),
            ("after, nothing in memory", UncachedStore(domain=domain, database_url=arguments.postgres, keys=key)),
        ]
        report(measure(postgres_stores, arguments.conversations, arguments.turns, slot_names), checkpoints)


if __name__ == "__main__":
    main()
