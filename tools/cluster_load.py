"""`make cluster-load`: many people at once on the cluster (tools/cluster.py) and on one replica (tools/stack.py).

The people are the turn benchmark's (`OnthaalPerson` of tools/turn_locust.py): through the widget's channel
(POST /webhooks/rest/webhook) they open the chat, tap their language, consent and answer whatever is asked (a
random answer button; where a question wants their own words, a typed sentence) up to the intake's reference,
then start again (at the latest after MAX_TURNS messages); each conversation comes from its own address
(X-Forwarded-For, believed from 127.0.0.1 only: ONTHAAL_TRUSTED_PROXY), as people behind a reverse proxy would.
Defaults: 200 people, 3-10 s between messages, 5 minutes on each. A turn is an error when it is not 200 or has
no answer (counted by HTTP status: 429 is the channel refusing one too many, bot/channels/limits.py).
Prints p50, p95, turns/s and errors of both as a Markdown table. Not part of `make test`.
"""

from __future__ import annotations

# Importing locust patches the standard library with gevent: before anything imports ssl.
from locust import between  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import gevent

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import turn_locust  # noqa: E402
from tools.cluster import Cluster, free_port  # noqa: E402
from tools.stack import Stack  # noqa: E402

MAX_TURNS = 45  # a conversation stuck on a question starts again


class Person(turn_locust.OnthaalPerson):
    """The benchmark's person, 3-10 s between messages, a new conversation after the reference."""

    wait_time = between(3, 10)
    turns_per_conversation = MAX_TURNS
    new_after_reference = True


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else float("nan")


def load(host: str, users: int, seconds: float) -> dict[str, Any]:
    """`users` people against `host` for `seconds` (after a ramp of 10 % of it): p50, p95, turns/s, errors."""
    environment = Environment(user_classes=[Person], host=host)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(1.0, users / (seconds * 0.1)))
    gevent.sleep(seconds * 0.1)
    first, started = len(turn_locust.TURNS), time.monotonic()
    gevent.sleep(seconds)
    turns, elapsed = turn_locust.TURNS[first:], time.monotonic() - started
    runner.quit()
    times = [turn.ms for turn in turns if turn.ok]
    failed = Counter(turn.status for turn in turns if not turn.ok)
    return {
        "turns": len(turns),
        "turns_per_s": len(turns) / elapsed,
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
        "errors": sum(failed.values()),
        "by_status": ", ".join(f"{status}: {count}" for status, count in sorted(failed.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--only", choices=["cluster", "single"], default=None, help="one of the two runs")
    args = parser.parse_args(argv)
    seconds = args.minutes * 60
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="onthaal-load-") as state:
        if args.only in (None, "cluster"):
            cluster = Cluster(state_dir=Path(state) / "cluster", port=free_port())
            print("Starting the cluster...", flush=True)
            try:
                cluster.start()
                print(f"{args.users} people for {args.minutes:g} min on the cluster...", flush=True)
                results["cluster (2 Rasa, 2 action servers, 2 coach workers, nginx)"] = load(
                    cluster.url, args.users, seconds
                )
            finally:
                cluster.stop()
        if args.only in (None, "single"):
            single = Stack(
                state_dir=Path(state) / "single",
                rasa_port=free_port(),
                actions_port=free_port(),
                coach_port=free_port(),
                extra_env={"ONTHAAL_TRUSTED_PROXY": "127.0.0.1"},
            )
            print("Starting one replica (tools/stack.py)...", flush=True)
            try:
                single.start()
                print(f"{args.users} people for {args.minutes:g} min on one replica...", flush=True)
                results["one replica (tools/stack.py, SQLite)"] = load(single.rasa_url, args.users, seconds)
            finally:
                single.stop()
    print(f"\n{args.users} people, 3-10 s between messages, {args.minutes:g} min each:\n")
    print("| setup | turns | turns/s | p50 | p95 | errors |\n|---|---|---|---|---|---|")
    for name, figures in results.items():
        print(
            f"| {name} | {figures['turns']:.0f} | {figures['turns_per_s']:.1f} | {figures['p50']:,.0f} ms "
            f"| {figures['p95']:,.0f} ms | {figures['errors']:.0f} ({figures['by_status'] or 'none'}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
