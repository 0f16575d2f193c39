"""`make eval-intents-since`: intents now against the model of an earlier commit, on a held-out intent set, one run.

"Intents stay at or above today's" (issue 14) compares two models. The earlier one is trained from its own commit
in a git worktree (var/since/<commit>/, kept, so a second run does not train it again) with the bot environment,
and each model parses the set with the code of its own commit (its custom components). Both are scored here on:

- all messages of the set (tests/nlu/fresh_intents/ by default: held-out, written blind for issue 14);
- the unseen ones: those in neither model's training data (a blind writer's "hallo" and "ja" are in both).

Prints per language the number of messages and each model's macro-F1 and accuracy, nothing else: no message and
no confusion of a held-out set is ever printed (they must stay unseen).

    .venv-bot/bin/python tools/intents_since.py c0c1413
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.evaluate import load_intent_examples, message_key  # noqa: E402

LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
DEFAULT_SET = ROOT / "tests" / "nlu" / "fresh_intents"
MODEL = Path("bot") / "models" / "onthaal.tar.gz"
# Run in a model's own tree: its tools.evaluate.load_parser, its bot.nlu components. Reads texts (JSON list) from
# argv[2], writes the predicted intent names (JSON list) to argv[3]; prints nothing about the texts.
PARSE = """
import json, sys
sys.path.insert(0, '.')
from tools.evaluate import load_parser
parse = load_parser(sys.argv[1])
texts = json.load(open(sys.argv[2], encoding='utf-8'))
names = [((parse(text).get('intent') or {}).get('name') or '') for text in texts]
json.dump(names, open(sys.argv[3], 'w', encoding='utf-8'))
"""


def training_texts(tree: Path) -> set[str]:
    return {
        message_key(text)
        for path in sorted((tree / "bot/data/nlu").glob("*.yml"))
        for text, _ in load_intent_examples(path)
    }


def trained_tree(commit: str) -> Path:
    """A worktree of `commit` with its model trained (once)."""
    tree = ROOT / "var" / "since" / commit
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit], check=True)
    if not (tree / MODEL).exists():
        print(f"training the model of {commit} (once)...", flush=True)
        (tree / "var").mkdir(exist_ok=True)
        with open(tree / "var" / "train.log", "w", encoding="utf-8") as log:
            subprocess.run(
                [sys.executable, "-m", "rasa", "train", "--config", "bot/config.yml", "--domain", "bot/domain"]
                + ["--data", "bot/data", "--out", "bot/models", "--fixed-model-name", "onthaal", "--quiet"],
                cwd=tree,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            )
    return tree


def predict(tree: Path, texts: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        given, found = Path(tmp) / "texts.json", Path(tmp) / "intents.json"
        given.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        subprocess.run(
            [sys.executable, "-c", PARSE, str(tree / MODEL), str(given), str(found)],
            cwd=tree,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        return json.loads(found.read_text(encoding="utf-8"))


def scores(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return (
        f1_score(gold, predicted, average="macro", labels=sorted(set(gold)), zero_division=0),
        accuracy_score(gold, predicted),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commit", help="the earlier commit, e.g. the one an issue was filed at")
    parser.add_argument("--set", default=str(DEFAULT_SET), help="folder with <code>.yml intent sets")
    args = parser.parse_args(argv)

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.commit], capture_output=True, text=True, check=True
    ).stdout.strip()
    then, now = trained_tree(commit), ROOT
    if not (now / MODEL).exists():
        sys.exit("no model on this tree: make train first")
    seen = training_texts(then) | training_texts(now)

    examples = {code: load_intent_examples(Path(args.set) / f"{code}.yml") for code in LANGUAGES}
    texts = [text for code in LANGUAGES for text, _ in examples[code]]
    predicted = {"then": predict(then, texts), "now": predict(now, texts)}

    print(f"intents on {Path(args.set).relative_to(ROOT) if Path(args.set).is_relative_to(ROOT) else args.set}:")
    print(f"{commit} (then) against the model of this tree (now); macro-F1 / accuracy")
    print(f"{'':5}{'all':>6}{'then':>13}{'now':>13}   {'unseen':>6}{'then':>13}{'now':>13}")
    offset, rows = 0, {}
    totals = {"all": [[], [], []], "unseen": [[], [], []]}
    for code in LANGUAGES:
        items = examples[code]
        gold = [intent for _, intent in items]
        then_, now_ = (predicted[m][offset : offset + len(items)] for m in ("then", "now"))
        offset += len(items)
        unseen = [i for i, (text, _) in enumerate(items) if message_key(text) not in seen]
        row = {}
        for part, index in (("all", range(len(items))), ("unseen", unseen)):
            g, t, n = [gold[i] for i in index], [then_[i] for i in index], [now_[i] for i in index]
            totals[part][0] += g
            totals[part][1] += t
            totals[part][2] += n
            row[part] = (len(g), scores(g, t), scores(g, n))
        rows[code] = row
    rows["all"] = {part: (len(g), scores(g, t), scores(g, n)) for part, (g, t, n) in totals.items()}
    for code, row in rows.items():
        cells = []
        for part in ("all", "unseen"):
            n, (tf, ta), (nf, na) = row[part]
            cells.append(f"{n:>6}{tf:>7.3f}/{ta:.2f}{nf:>7.3f}/{na:.2f}")
        print(f"{code:<5}" + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
