"""Evaluate the trained Onthaal NLU model on the held-out sets, per language.

    .venv-bot/bin/python tools/evaluate.py --model bot/models/onthaal.tar.gz [--json results/eval.json] [--strict]

(a) intents: accuracy and macro-F1 over tests/nlu/<code>.yml (Rasa NLU YAML);
(b) needs: micro precision/recall/F1 of the `need` entities over tests/nlu/needs/<code>.yml
    (`messages: [{text, needs: [ids]}]`; a missing file is reported as "no data");
(c) language detection over all messages of both sets, split into messages of >= 3 words and of 1-2 words:
    correct / abstained / wrong for ours (the parse result's `language.code`), raw fastText top-1
    (bot.nlu.langid.fasttext_top1) and lingua restricted to the six languages.
Targets per language: need micro-F1 >= 0.85; language detection >= 97% correct on >= 3 words and no wrong answer
on 1-2 words. Overall: ours gives more correct answers than fastText and than lingua over all held-out messages.
Only aggregate numbers are printed (never the held-out texts); --json also writes the per-message need errors.
Exits 0 (it is a report) unless --strict and a target fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import yaml  # noqa: E402

LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
NEED_F1_TARGET = 0.85
INTENT_F1_TARGET = 0.92
LID_LONG_TARGET = 0.97
DETECTORS = ("ours", "fasttext", "lingua")

# Rasa's inline entity annotations: [text]{"entity": ...} and [text](entity) keep only the text.
_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


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


def load_need_messages(path: Path) -> list[tuple[str, set[str]]] | None:
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(str(m["text"]), set(m.get("needs") or [])) for m in data.get("messages") or []]


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
    need_n: int | None = None
    need_tp: int = 0
    need_fp: int = 0
    need_fn: int = 0
    need_errors: list[dict[str, Any]] = field(default_factory=list)
    lid: dict[str, dict[str, LidCounts]] = field(
        default_factory=lambda: {d: {"long": LidCounts(), "short": LidCounts()} for d in DETECTORS}
    )

    @property
    def need_precision(self) -> float | None:
        if self.need_n is None:
            return None
        return self.need_tp / (self.need_tp + self.need_fp) if self.need_tp + self.need_fp else 1.0

    @property
    def need_recall(self) -> float | None:
        if self.need_n is None:
            return None
        return self.need_tp / (self.need_tp + self.need_fn) if self.need_tp + self.need_fn else 1.0

    @property
    def need_f1(self) -> float | None:
        p, r = self.need_precision, self.need_recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def targets(self) -> dict[str, bool | None]:
        ours = self.lid["ours"]
        return {
            "intent_macro_f1>=0.92": None if self.intent_macro_f1 is None else self.intent_macro_f1 >= INTENT_F1_TARGET,
            "need_f1>=0.85": None if self.need_f1 is None else self.need_f1 >= NEED_F1_TARGET,
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
            "needs": None
            if self.need_n is None
            else {
                "n": self.need_n,
                "tp": self.need_tp,
                "fp": self.need_fp,
                "fn": self.need_fn,
                "precision": self.need_precision,
                "recall": self.need_recall,
                "f1": self.need_f1,
                "errors": self.need_errors,
            },
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


def evaluate(parse, tests_dir: Path, needs_dir: Path | None) -> dict[str, LanguageReport]:
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

        messages = load_need_messages(needs_dir / f"{code}.yml") if needs_dir else None
        if messages is not None:
            report.need_n = len(messages)
            for text, gold_needs in messages:
                result = parse(text)
                predicted_needs = {e.get("value") for e in result.get("entities") or [] if e.get("entity") == "need"}
                tp, fp, fn = gold_needs & predicted_needs, predicted_needs - gold_needs, gold_needs - predicted_needs
                report.need_tp += len(tp)
                report.need_fp += len(fp)
                report.need_fn += len(fn)
                if fp or fn:
                    report.need_errors.append({"text": text, "false_positive": sorted(fp), "missed": sorted(fn)})
                lid_texts.append(text)
                report_lid(report, "ours", text, (result.get("language") or {}).get("code"), code)

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
    lines = ["Intents (tests/nlu/<code>.yml) and needs (tests/nlu/needs/<code>.yml)", ""]
    header = f"{'lang':<5}{'n':>5}{'acc':>9}{'macroF1':>9}   {'needs n':>7}{'P':>8}{'R':>8}{'F1':>8}"
    lines += [header, "-" * len(header)]
    for code, r in reports.items():
        need_n = "no data" if r.need_n is None else str(r.need_n)
        lines.append(
            f"{code:<5}{r.intent_n:>5}{_fmt(r.intent_accuracy):>9}{_fmt(r.intent_macro_f1):>9}   {need_n:>7}"
            f"{_fmt(r.need_precision) if r.need_n is not None else '':>8}"
            f"{_fmt(r.need_recall) if r.need_n is not None else '':>8}"
            f"{_fmt(r.need_f1) if r.need_n is not None else '':>8}"
        )
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
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)

    logging.disable(logging.WARNING)
    tests_dir = Path(args.tests)
    needs_dir = None if args.needs == "none" else Path(args.needs) if args.needs else tests_dir / "needs"
    reports = evaluate(load_parser(args.model), tests_dir, needs_dir)
    print(render(reports))
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        results = {"languages": {code: r.as_dict() for code, r in reports.items()}, "overall": overall_targets(reports)}
        path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=_plain) + "\n", encoding="utf-8")
        print(f"\nwrote {path}")
    return 1 if args.strict and failed(reports) else 0


if __name__ == "__main__":
    sys.exit(main())
