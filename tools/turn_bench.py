"""How fast a turn is: Onthaal against a plain `rasa init` assistant, measured in the same run with locust.

Run: `make bench` (after the widget bench) or `.venv/bin/python tools/turn_bench.py [--load-seconds 180]`.
Starts Onthaal's three servers (tools/stack.py) on free ports with a throw-away state directory, and the plain
assistant of `rasa init --no-prompt` (TED policy; trained once by this script and kept in var/bench/plain,
git-ignored) with `rasa run` on 127.0.0.1 and its REST channel. Simulated people (tools/turn_locust.py) drive both:
  (a) one person, no pause between messages: p50 and p95 of a turn. The channel lets one sender send 20
      messages in 10 s (bot/channels/limits.py), so this person starts a new conversation every 18 messages;
  (b) 50 people, 3-10 s between messages, for --load-seconds: turns/s, p50, p95, errors;
  (c) one person, 0.6 s between messages (under the channel's limit), --conversations conversations of 33
      messages: the median time of the messages around the 5th (3rd to 7th) and around the 30th (28th to 32nd).
      Like with like: only button taps count on both sides (a typed sentence also runs the NLU classifiers),
      and the median is over every tap in the window of every conversation, not one message each.
Prints each figure next to the plain assistant's with the ratio, writes results/turn_bench.json, and exits 1 when
a target is missed: (a) p50 at most half the plain p50; (b) p95 at most 300 ms with no errors; (c) the 30th turn
at most 10% slower than the 5th.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Importing locust patches the standard library with gevent: before anything imports ssl (tools.stack).
import gevent
from locust import between, constant
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import turn_locust  # noqa: E402
from tools.stack import BOT_PYTHON, Stack, _wait_for  # noqa: E402

PLAIN_DIR = ROOT / "var" / "bench" / "plain"
RESULTS = ROOT / "results" / "turn_bench.json"
RASA = BOT_PYTHON.parent / "rasa"
SINGLE_TURNS_PER_CONVERSATION = 18
GROWTH_TURNS = 33
GROWTH_WINDOW = 2  # (c): messages 5 +- 2 against 30 +- 2
GROWTH_PAUSE_S = 0.6
WARM_UP_TURNS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plain_model() -> Path:
    """The `rasa init` assistant's model, trained on first use."""
    models = sorted((PLAIN_DIR / "models").glob("*.tar.gz"))
    if not models:
        shutil.rmtree(PLAIN_DIR, ignore_errors=True)
        PLAIN_DIR.mkdir(parents=True)
        print("Training the plain `rasa init` assistant once (var/bench/plain) ...", flush=True)
        subprocess.run(  # noqa: S603 (fixed command)
            [str(RASA), "init", "--no-prompt", "--init-dir", str(PLAIN_DIR)],
            cwd=PLAIN_DIR,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        models = sorted((PLAIN_DIR / "models").glob("*.tar.gz"))
    return models[-1]


def start_plain(port: int, log: Path) -> subprocess.Popen:
    model = plain_model()
    command = [str(RASA), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port)]
    command += ["--credentials", str(PLAIN_DIR / "credentials.yml")]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 (fixed command)
            command,
            cwd=PLAIN_DIR,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _wait_for(f"http://127.0.0.1:{port}/", process, "plain Rasa server", 240)
    return process


def run_people(
    person: type[turn_locust.Person],
    host: str,
    users: int,
    wait_time: Any,
    turns_per_conversation: int,
    seconds: float | None = None,
    turns: int | None = None,
) -> tuple[list[turn_locust.Turn], float]:
    """Run `users` people against `host` for `seconds` (or until `turns` turns); their turns and the time taken."""
    people = type(
        person.__name__, (person,), {"wait_time": wait_time, "turns_per_conversation": turns_per_conversation}
    )
    environment = Environment(user_classes=[people], host=host)
    runner = environment.create_local_runner()
    first = len(turn_locust.TURNS)
    started = time.monotonic()
    runner.start(users, spawn_rate=max(1, users / 10))
    while True:
        gevent.sleep(0.2)
        done = len(turn_locust.TURNS) - first
        if (seconds is not None and time.monotonic() - started >= seconds) or (turns is not None and done >= turns):
            break
    runner.quit()
    elapsed = time.monotonic() - started
    return turn_locust.TURNS[first:], elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(turns: list[turn_locust.Turn], seconds: float) -> dict[str, float]:
    times = [turn.ms for turn in turns if turn.ok]
    return {
        "turns": len(turns),
        "turns_per_s": round(len(times) / seconds, 2),
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "errors": sum(not turn.ok for turn in turns),
    }


def growth(turns: list[turn_locust.Turn]) -> dict[str, float]:
    """The median time of the button taps around the 5th and around the 30th message of the conversations."""

    def around(index: int) -> list[float]:
        window = range(index - GROWTH_WINDOW, index + GROWTH_WINDOW + 1)
        # The plain assistant has no buttons: every message of it is typed, so all count there.
        like = [turn for turn in turns if turn.index in window and turn.ok]
        return [turn.ms for turn in like if not turn.typed or turn.kind == "plain"]

    fifth, thirtieth = around(5), around(30)
    return {
        "conversations": sum(turn.index == GROWTH_TURNS for turn in turns),
        "turn_5_samples": len(fifth),
        "turn_30_samples": len(thirtieth),
        "turn_5_ms": round(statistics.median(fifth), 1) if fifth else float("nan"),
        "turn_30_ms": round(statistics.median(thirtieth), 1) if thirtieth else float("nan"),
        "errors": sum(not turn.ok for turn in turns),
    }


def measure(person: type[turn_locust.Person], host: str, args: argparse.Namespace) -> dict[str, Any]:
    name = person.kind
    print(f"[{name}] warm-up", flush=True)
    run_people(person, host, 1, constant(0), SINGLE_TURNS_PER_CONVERSATION, turns=WARM_UP_TURNS)
    print(f"[{name}] (a) one person, no pause, {args.single_seconds:.0f} s", flush=True)
    single = latency(*run_people(person, host, 1, constant(0), SINGLE_TURNS_PER_CONVERSATION, args.single_seconds))
    print(f"[{name}] (c) {args.conversations} conversations of {GROWTH_TURNS} messages", flush=True)
    wanted = args.conversations * GROWTH_TURNS
    grown = growth(run_people(person, host, 1, constant(GROWTH_PAUSE_S), GROWTH_TURNS, turns=wanted)[0])
    print(f"[{name}] (b) {args.users} people, 3-10 s pauses, {args.load_seconds:.0f} s", flush=True)
    load = latency(*run_people(person, host, args.users, between(3, 10), 40, args.load_seconds))
    return {"single": single, "load": load, "growth": grown}


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "-"


def report(onthaal: dict[str, Any], plain: dict[str, Any]) -> list[str]:
    """Prints the table; returns the targets missed."""
    rows = [
        ("(a) 1 person p50 ms", onthaal["single"]["p50_ms"], plain["single"]["p50_ms"]),
        ("(a) 1 person p95 ms", onthaal["single"]["p95_ms"], plain["single"]["p95_ms"]),
        ("(b) load turns/s", onthaal["load"]["turns_per_s"], plain["load"]["turns_per_s"]),
        ("(b) load p50 ms", onthaal["load"]["p50_ms"], plain["load"]["p50_ms"]),
        ("(b) load p95 ms", onthaal["load"]["p95_ms"], plain["load"]["p95_ms"]),
        ("(b) load errors", onthaal["load"]["errors"], plain["load"]["errors"]),
        ("(c) 5th turn ms", onthaal["growth"]["turn_5_ms"], plain["growth"]["turn_5_ms"]),
        ("(c) 30th turn ms", onthaal["growth"]["turn_30_ms"], plain["growth"]["turn_30_ms"]),
    ]
    print(f"\n{'figure':<22}{'onthaal':>10}{'plain':>10}{'ratio':>8}")
    for label, ours, theirs in rows:
        print(f"{label:<22}{ours:>10}{theirs:>10}{ratio(ours, theirs):>8}")
    growth_ratio = onthaal["growth"]["turn_30_ms"] / onthaal["growth"]["turn_5_ms"]
    print(
        f"(c) 30th / 5th turn: onthaal {growth_ratio:.2f}, plain "
        f"{plain['growth']['turn_30_ms'] / plain['growth']['turn_5_ms']:.2f}"
    )
    missed = []
    if not onthaal["single"]["p50_ms"] <= 0.5 * plain["single"]["p50_ms"]:
        missed.append("(a) p50 at most half the plain assistant's")
    if not (onthaal["load"]["p95_ms"] <= 300 and onthaal["load"]["errors"] == 0):
        missed.append("(b) p95 at most 300 ms with no errors")
    if not growth_ratio <= 1.10:
        missed.append("(c) 30th turn at most 10% slower than the 5th")
    return missed


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--single-seconds", type=float, default=60, help="(a): how long one person talks")
    parser.add_argument("--users", type=int, default=50, help="(b): how many people at once")
    parser.add_argument("--load-seconds", type=float, default=180, help="(b): how long they talk")
    parser.add_argument("--conversations", type=int, default=6, help="(c): conversations of 33 messages")
    parser.add_argument("--only", choices=["onthaal", "plain"], help="measure one assistant (no ratios)")
    parser.add_argument("--keep-logs", type=Path, help="copy the servers' logs here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    results: dict[str, Any] = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "settings": vars(args),
    }
    with tempfile.TemporaryDirectory(prefix="onthaal-turn-bench-") as state:
        state_dir = Path(state)
        if args.only != "plain":
            ports = {"rasa_port": free_port(), "actions_port": free_port(), "coach_port": free_port()}
            stack = Stack(state_dir, **ports, extra_env={"ONTHAAL_TRUSTED_PROXY": "127.0.0.1"})
            print("Starting Onthaal ...", flush=True)
            stack.start()
            try:
                results["onthaal"] = measure(turn_locust.OnthaalPerson, stack.rasa_url, args)
            finally:
                stack.stop()
        if args.only != "onthaal":
            port = free_port()
            print("Starting the plain assistant ...", flush=True)
            plain = start_plain(port, state_dir / "plain.log")
            try:
                results["plain"] = measure(turn_locust.PlainPerson, f"http://127.0.0.1:{port}", args)
            finally:
                plain.terminate()
                plain.wait(timeout=30)
        if args.keep_logs:
            shutil.copytree(state_dir, args.keep_logs, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.sqlite3*"))
    RESULTS.parent.mkdir(exist_ok=True)
    print(json.dumps({k: v for k, v in results.items() if k != "settings"}, indent=1))
    if "onthaal" not in results or "plain" not in results:
        RESULTS.with_name(f"turn_bench_{args.only}.json").write_text(json.dumps(results, indent=1, default=str))
        return 0
    missed = report(results["onthaal"], results["plain"])
    results["targets_missed"] = missed
    RESULTS.write_text(json.dumps(results, indent=1, default=str))
    for target in missed:
        print(f"Target missed: {target}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
