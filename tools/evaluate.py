"""Evaluate the trained Onthaal NLU model on the held-out sets, per language.

    .venv-bot/bin/python tools/evaluate.py --model bot/models/onthaal.tar.gz [--json results/eval.json] [--strict]
    .venv-bot/bin/python tools/evaluate.py --needs-only [--short DIR] [--needs DIR] [--misses]

(a) intents: accuracy and macro-F1 over tests/nlu/<code>.yml (Rasa NLU YAML);
(b) needs: micro precision/recall/F1 of the `need` entities over tests/nlu/needs/<code>.yml
    (`messages: [{text, needs: [ids]}]`; a missing file is reported as "no data"), and the same over the short
    open-question answers of tests/nlu/short/<code>.yml (target F1 >= 0.90 and precision >= 0.92; see
    tools/need_scores.py);
(c) language detection over all messages of both sets, split into messages of >= 3 words and of 1-2 words:
    correct / abstained / wrong for ours (the parse result's `language.code`), raw fastText top-1
    (bot.nlu.langid.fasttext_top1) and lingua restricted to the six languages.
Targets per language: need micro-F1 >= 0.85; language detection >= 97% correct on >= 3 words and no wrong answer
on 1-2 words. Overall: ours gives more correct answers than fastText and than lingua over all held-out messages.
Only aggregate numbers are printed (never the held-out texts); --json also writes the per-message need errors.
--needs-only scores (b) alone with the extractor's matching code, without loading the model (the model's need
entities come from that code alone): a second instead of a minute. --misses prints the misses of development sets
(it refuses a folder under tests/nlu/, whose misses must stay unread). Exits 0 (it is a report) unless --strict and
a target fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

from tools import need_scores  # noqa: E402
from tools.need_scores import LANGUAGES, NEED_F1_TARGET, NeedScore  # noqa: E402

HELD_OUT_DIR = ROOT / "tests" / "nlu"
INTENT_F1_TARGET = 0.92
LID_LONG_TARGET = 0.97
DETECTORS = ("ours", "fasttext", "lingua")

# Rasa's inline entity annotations: [text]{"entity": ...} and [text](entity) keep only the text.
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def message_key(text: str) -> str:
    """A message as "the same message" is compared across sets: Unicode-composed, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def strip_annotations(text: str) -> str:
    return _ANNOTATION.sub(r"\1", text)


def load_intent_examples(path: Path) -> list[tuple[str, str]]:
    """(text, intent) for every example of a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for item in data.get("nlu") or []:
        intent = item.get("intent")
        if not intent:
            continue
        for line in (item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                examples.append((strip_annotations(line[2:].strip()), intent))
    return examples


def word_count(text: str) -> int:
    return len(text.split())


@dataclass
class LidCounts:
    correct: int = 0
    abstained: int = 0
    wrong: int = 0

    def add(self, predicted: str | None, gold: str) -> None:
        if predicted is None:
            self.abstained += 1
        elif predicted == gold:
            self.correct += 1
        else:
            self.wrong += 1

    @property
    def total(self) -> int:
        return self.correct + self.abstained + self.wrong

    def rate(self) -> float | None:
        return self.correct / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "abstained": self.abstained, "wrong": self.wrong, "total": self.total}


@dataclass
class LanguageReport:
    code: str
    intent_n: int = 0
    intent_accuracy: float | None = None
    intent_macro_f1: float | None = None
    confusions: list[tuple[str, int]] = field(default_factory=list)
    needs: NeedScore | None = None
    short: NeedScore | None = None
    lid: dict[str, dict[str, LidCounts]] = field(
        default_factory=lambda: {d: {"long": LidCounts(), "short": LidCounts()} for d in DETECTORS}
    )

    def targets(self) -> dict[str, bool | None]:
        ours = self.lid["ours"]
        return {
            "intent_macro_f1>=0.92": None if self.intent_macro_f1 is None else self.intent_macro_f1 >= INTENT_F1_TARGET,
            "need_f1>=0.85": None if self.needs is None else self.needs.f1 >= NEED_F1_TARGET,
            "short_need_f1>=0.90_p>=0.92": need_scores.short_target_met(self.short),
            "lid_long>=97%": None if not ours["long"].total else (ours["long"].rate() or 0) >= LID_LONG_TARGET,
            "lid_short_no_wrong": None if not ours["short"].total else ours["short"].wrong == 0,
        }

    def correct(self, detector: str) -> int:
        return sum(counts.correct for counts in self.lid[detector].values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": {
                "n": self.intent_n,
                "accuracy": self.intent_accuracy,
                "macro_f1": self.intent_macro_f1,
                "confusions": self.confusions,
            },
            "needs": None if self.needs is None else self.needs.as_dict(),
            "short_needs": None if self.short is None else self.short.as_dict(),
            "language_detection": {
                detector: {size: counts.as_dict() for size, counts in sizes.items()}
                for detector, sizes in self.lid.items()
            },
            "targets": self.targets(),
        }


def lingua_detector():
    from lingua import Language, LanguageDetectorBuilder

    mapping = {
        Language.DUTCH: "nl",
        Language.ENGLISH: "en",
        Language.BULGARIAN: "bg",
        Language.SLOVAK: "sk",
        Language.ROMANIAN: "ro",
        Language.PERSIAN: "prs",
    }
    detector = LanguageDetectorBuilder.from_languages(*mapping).build()

    def detect(text: str) -> str | None:
        language = detector.detect_language_of(text)
        return mapping.get(language) if language is not None else None

    return detect


def load_parser(model: str):
    """A function text -> Rasa parse result (dict), with the model loaded once."""
    import structlog
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every parsed text at debug level: the report must not print the held-out messages.
    configure_structlog(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()

    def parse(text: str) -> dict[str, Any]:
        return loop.run_until_complete(agent.parse_message(text))

    return parse


def evaluate(parse, tests_dir: Path, needs_dir: Path | None, short_dir: Path | None) -> dict[str, LanguageReport]:
    from sklearn.metrics import accuracy_score, f1_score

    from bot.nlu import langid

    lingua = lingua_detector()
    reports: dict[str, LanguageReport] = {}
    for code in LANGUAGES:
        report = LanguageReport(code)
        reports[code] = report
        lid_texts: list[str] = []

        intent_path = tests_dir / f"{code}.yml"
        if intent_path.exists():
            examples = load_intent_examples(intent_path)
            gold, predicted = [], []
            for text, intent in examples:
                result = parse(text)
                gold.append(intent)
                predicted.append((result.get("intent") or {}).get("name") or "")
                lid_texts.append(text)
                report_lid(report, "ours", text, (result.get("language") or {}).get("code"), code)
            report.intent_n = len(examples)
            if examples:
                report.intent_accuracy = accuracy_score(gold, predicted)
                report.intent_macro_f1 = f1_score(gold, predicted, average="macro", labels=sorted(set(gold)))
                report.confusions = Counter(
                    f"{expected}->{got}" for expected, got in zip(gold, predicted, strict=True) if expected != got
                ).most_common(8)

        for folder, attribute in ((needs_dir, "needs"), (short_dir, "short")):
            items = need_scores.load_need_set(folder / f"{code}.yml") if folder else None
            if items is None:
                continue
            scored = NeedScore()
            for item in items:
                result = parse(item.text)
                predicted = {e.get("value") for e in result.get("entities") or [] if e.get("entity") == "need"}
                scored.add(item.text, item.needs, predicted)
                lid_texts.append(item.text)
                report_lid(report, "ours", item.text, (result.get("language") or {}).get("code"), code)
            setattr(report, attribute, scored)

        for text in lid_texts:
            report_lid(report, "fasttext", text, langid.fasttext_top1(text), code)
            report_lid(report, "lingua", text, lingua(text), code)
    return reports


def report_lid(report: LanguageReport, detector: str, text: str, predicted: str | None, gold: str) -> None:
    size = "long" if word_count(text) >= 3 else "short"
    report.lid[detector][size].add(predicted, gold)


def _fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "no data"
    return f"{100 * value:.1f}%" if percent else f"{value:.3f}"


def _lid_cell(counts: LidCounts) -> str:
    if not counts.total:
        return "-"
    return f"{counts.correct}/{counts.abstained}/{counts.wrong}"


def render(reports: dict[str, LanguageReport]) -> str:
    lines = ["Intents (<tests>/<code>.yml) and needs (<needs>/<code>.yml)", ""]
    header = f"{'lang':<5}{'n':>5}{'acc':>9}{'macroF1':>9}   {'needs n':>7}{'P':>8}{'R':>8}{'F1':>8}"
    lines += [header, "-" * len(header)]
    for code, r in reports.items():
        s = r.needs
        lines.append(
            f"{code:<5}{r.intent_n:>5}{_fmt(r.intent_accuracy):>9}{_fmt(r.intent_macro_f1):>9}   "
            + (f"{'no data':>7}" if s is None else f"{s.n:>7}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}")
        )
    shorts = {code: r.short for code, r in reports.items()}
    if any(s is not None for s in shorts.values()):
        lines += [
            "",
            need_scores.render(
                "Needs in short open-question answers (<short>/<code>.yml)", shorts, need_scores.short_target_met
            ),
        ]
    lines += ["", "Language detection, correct/abstained/wrong (>=3 words | 1-2 words), all held-out messages", ""]
    header = f"{'lang':<5}" + "".join(f"{d + ' >=3':>16}{d + ' 1-2':>14}" for d in DETECTORS)
    lines += [header, "-" * len(header)]
    totals = {d: {"long": LidCounts(), "short": LidCounts()} for d in DETECTORS}
    for code, r in reports.items():
        row = f"{code:<5}"
        for d in DETECTORS:
            row += f"{_lid_cell(r.lid[d]['long']):>16}{_lid_cell(r.lid[d]['short']):>14}"
            for size in ("long", "short"):
                for attr in ("correct", "abstained", "wrong"):
                    setattr(totals[d][size], attr, getattr(totals[d][size], attr) + getattr(r.lid[d][size], attr))
        lines.append(row)
    row = f"{'all':<5}"
    for d in DETECTORS:
        row += f"{_lid_cell(totals[d]['long']):>16}{_lid_cell(totals[d]['short']):>14}"
    lines.append(row)
    rates = ", ".join(
        f"{d} {_fmt(totals[d]['long'].rate(), percent=True)} (>=3 words)"
        f" / {totals[d]['long'].correct + totals[d]['short'].correct} correct overall"
        for d in DETECTORS
    )
    lines += [rates, "", "Most frequent intent confusions (expected->predicted: count)", ""]
    for code, r in reports.items():
        lines.append(f"{code:<5}" + ", ".join(f"{pair}: {count}" for pair, count in r.confusions))
    lines += ["", "Targets", ""]
    for code, r in reports.items():
        cells = []
        for name, ok in r.targets().items():
            cells.append(f"{name} {_verdict(ok)}")
        lines.append(f"{code:<5}" + "; ".join(cells))
    overall = overall_targets(reports)
    lines.append(f"{'all':<5}" + "; ".join(f"{name} {_verdict(ok)}" for name, ok in overall.items()))
    return "\n".join(lines)


def overall_targets(reports: dict[str, LanguageReport]) -> dict[str, bool | None]:
    """Ours against the two baselines, over all held-out messages of all languages (correct answers)."""
    ours = sum(r.correct("ours") for r in reports.values())
    if not sum(c.total for r in reports.values() for c in r.lid["ours"].values()):
        return {"lid_beats_fasttext": None, "lid_beats_lingua": None}
    return {
        "lid_beats_fasttext": ours > sum(r.correct("fasttext") for r in reports.values()),
        "lid_beats_lingua": ours > sum(r.correct("lingua") for r in reports.values()),
    }


def _verdict(ok: bool | None) -> str:
    return "no data" if ok is None else "PASS" if ok else "FAIL"


def failed(reports: dict[str, LanguageReport]) -> bool:
    checks = [ok for r in reports.values() for ok in r.targets().values()] + list(overall_targets(reports).values())
    return any(ok is False for ok in checks)


def _plain(value: Any) -> Any:
    """numpy numbers and booleans (from scikit-learn) as plain JSON values."""
    return value.item() if hasattr(value, "item") else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "bot" / "models" / "onthaal.tar.gz"))
    parser.add_argument("--tests", default=str(ROOT / "tests" / "nlu"), help="folder with <code>.yml intent sets")
    parser.add_argument(
        "--needs", default=None, help="folder with <code>.yml need sets (default: <tests>/needs; 'none': no need sets)"
    )
    parser.add_argument(
        "--json", nargs="?", const=str(ROOT / "results" / "eval.json"), default=None, help="write results as JSON"
    )
    parser.add_argument(
        "--short", default=None, help="folder with <code>.yml short-answer need sets (default: <tests>/short; 'none')"
    )
    parser.add_argument("--needs-only", action="store_true", help="only the need sets, with the matcher, no model")
    parser.add_argument("--misses", action="store_true", help="with --needs-only: print the misses (not held-out)")
    parser.add_argument(
        "--lexicons-only", action="store_true", help="with --needs-only: without the example classifier (similar.py)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)

    logging.disable(logging.WARNING)
    tests_dir = Path(args.tests)
    needs_dir = None if args.needs == "none" else Path(args.needs) if args.needs else tests_dir / "needs"
    short_dir = None if args.short == "none" else Path(args.short) if args.short else tests_dir / "short"
    if args.needs_only:
        return needs_only(needs_dir, short_dir, args.misses, args.json, args.strict, not args.lexicons_only)
    reports = evaluate(load_parser(args.model), tests_dir, needs_dir, short_dir)
    print(render(reports))
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        results = {"languages": {code: r.as_dict() for code, r in reports.items()}, "overall": overall_targets(reports)}
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=_plain) + "\n", encoding="utf-8")
        print(f"\nwrote {path}")
    return 1 if args.strict and failed(reports) else 0


def needs_only(
    needs_dir: Path | None,
    short_dir: Path | None,
    misses: bool,
    json_path: str | None,
    strict: bool,
    similar: bool = True,
) -> int:
    """The need sets alone, scored with the extractor's code (no model); its example classifier, when `similar`,
    fitted without the set it is scored on."""
    folders = [(d, kind) for d, kind in ((needs_dir, "needs"), (short_dir, "short")) if d is not None]
    if misses and any(_is_held_out(d) for d, _ in folders):
        print("--misses refuses held-out sets (tests/nlu/...): their misses must stay unread", file=sys.stderr)
        return 2
    results, blocks, failures = {}, [], False
    for folder, kind in folders:
        predict = need_scores.matcher_predictor(similar, leave_out=folder)
        scores = need_scores.score_folder(predict, folder)
        if kind == "short":
            verdict = need_scores.short_target_met
        else:

            def verdict(s: NeedScore | None) -> bool | None:
                return None if s is None else s.f1 >= NEED_F1_TARGET

        failures |= any(verdict(s) is False for s in scores.values())
        how = "example classifier fitted without this set" if similar else "lexicons only"
        blocks.append(need_scores.render(f"Needs, no model, {how} ({_relative(folder)}/<code>.yml)", scores, verdict))
        if misses:
            blocks.append(need_scores.render_misses(scores))
        results[kind] = {code: None if s is None else s.as_dict() for code, s in scores.items()}
    print("\n\n".join(blocks))
    if json_path:
        path = Path(json_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nwrote {path}")
    return 1 if strict and failures else 0


def _is_held_out(folder: Path) -> bool:
    return folder.resolve().is_relative_to(HELD_OUT_DIR.resolve())


def _relative(folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(ROOT))
    except ValueError:
        return str(folder)


if __name__ == "__main__":
    sys.exit(main())
