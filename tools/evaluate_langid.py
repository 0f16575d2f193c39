"""Language detection alone (bot.nlu.langid.detect, no Rasa model) on the development sets, per language.

    .venv-bot/bin/python tools/evaluate_langid.py [--sets probe dev_intents dev_needs dev_short training] [--misses]

For every language: correct / abstained / wrong on messages of three words or more and of one or two words, for
each set and over all of them. The sets (all development data; the held-out tests/nlu/ is refused):
- probe: tests/nlu_components/probe_langid/<code>.yml, chat messages written for language detection (issue 14);
- probe_check: tests/nlu_components/probe_langid_check/<code>.yml, a second probe written after the rules were
  tuned on the first and never tuned on (see its README.md);
- dev_intents, dev_needs, dev_short: the development sets of the intents and the needs (tests/nlu_components/);
- training: the training examples, bot/data/nlu/<code>.yml (not in the default list: the marker words were
  partly written from them, so they are no fair measure, only a check that nothing broke).
`--misses` prints the wrong answers (and `--abstained` the abstentions) of three words or more with their text.
The detector is not trained, so this gives the same language codes as `make eval-dev` without loading a model.
Exits 1 with `--strict` when any set has a wrong answer on three words or more.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import yaml  # noqa: E402

from tools.evaluate import HELD_OUT_DIR, LidCounts, load_intent_examples, word_count  # noqa: E402
from tools.need_scores import LANGUAGES, load_need_set  # noqa: E402

COMPONENTS = ROOT / "tests" / "nlu_components"
SETS = {
    "probe": COMPONENTS / "probe_langid",
    "probe_check": COMPONENTS / "probe_langid_check",
    "dev_intents": COMPONENTS / "dev_intents",
    "dev_needs": COMPONENTS / "dev_needs",
    "dev_short": COMPONENTS / "dev_short",
    "training": ROOT / "bot" / "data" / "nlu",
}
DEFAULT_SETS = ("probe", "probe_check", "dev_intents", "dev_needs", "dev_short")


def load_probe(path: Path) -> list[str]:
    """`messages: [text, ...]` of a probe file ([] when it does not exist)."""
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(text) for text in data.get("messages") or []]


def load_texts(set_name: str, code: str) -> list[str]:
    folder = SETS[set_name]
    path = folder / f"{code}.yml"
    if set_name in ("probe", "probe_check"):
        return load_probe(path)
    if set_name in ("dev_intents", "training"):
        return [text for text, _ in load_intent_examples(path)] if path.exists() else []
    return [item.text for item in load_need_set(path) or []]


def evaluate(set_names: list[str], detect) -> tuple[dict[tuple[str, str, str], LidCounts], list[tuple]]:
    """Counts per (set, language, "long"/"short") and the misses as (set, gold, predicted, text)."""
    counts: dict[tuple[str, str, str], LidCounts] = {}
    misses = []
    for set_name in set_names:
        for code in LANGUAGES:
            for text in load_texts(set_name, code):
                size = "long" if word_count(text) >= 3 else "short"
                predicted = detect(text).code
                counts.setdefault((set_name, code, size), LidCounts()).add(predicted, code)
                if size == "long" and predicted != code:
                    misses.append((set_name, code, predicted, text))
    return counts, misses


def render(set_names: list[str], counts: dict[tuple[str, str, str], LidCounts]) -> str:
    lines = ["Language detection, correct/abstained/wrong (>=3 words | 1-2 words)", ""]
    header = f"{'set':<12}" + "".join(f"{code + ' >=3':>15}{code + ' 1-2':>12}" for code in LANGUAGES)
    header += f"{'all >=3':>15}{'all 1-2':>12}"
    lines += [header, "-" * len(header)]
    for set_name in [*set_names, "all"]:
        row = f"{set_name:<12}"
        names = set_names if set_name == "all" else [set_name]
        totals = {"long": LidCounts(), "short": LidCounts()}
        for code in [*LANGUAGES, None]:
            for size, width in (("long", 15), ("short", 12)):
                cell = LidCounts()
                for name in names:
                    for language in LANGUAGES if code is None else [code]:
                        part = counts.get((name, language, size), LidCounts())
                        cell.correct += part.correct
                        cell.abstained += part.abstained
                        cell.wrong += part.wrong
                if code is not None:
                    total = totals[size]
                    total.correct += cell.correct
                    total.abstained += cell.abstained
                    total.wrong += cell.wrong
                row += f"{_cell(cell):>{width}}"
        lines.append(row)
    return "\n".join(lines)


def _cell(counts: LidCounts) -> str:
    return f"{counts.correct}/{counts.abstained}/{counts.wrong}" if counts.total else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(DEFAULT_SETS))
    parser.add_argument("--misses", action="store_true", help="print the wrong answers on three words or more")
    parser.add_argument("--abstained", action="store_true", help="print the abstentions on three words or more")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any wrong answer on three words or more")
    args = parser.parse_args(argv)
    if any(SETS[name].resolve().is_relative_to(HELD_OUT_DIR.resolve()) for name in args.sets):
        print("refused: held-out sets (tests/nlu/) are not read here", file=sys.stderr)
        return 2

    from bot.nlu.langid import detect

    counts, misses = evaluate(args.sets, detect)
    print(render(args.sets, counts))
    shown = [m for m in misses if (m[2] is None and args.abstained) or (m[2] is not None and args.misses)]
    for set_name, gold, predicted, text in shown:
        print(f"{set_name:<12}{gold:>4} -> {predicted or '-':<5}{text}")
    wrong = sum(1 for _, _, predicted, _ in misses if predicted is not None)
    return 1 if args.strict and wrong else 0


if __name__ == "__main__":
    sys.exit(main())
