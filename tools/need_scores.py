"""Scores of need extraction on the need sets: micro precision, recall and F1 of need ids, per language.

A need set is a YAML file `messages: [{text, needs: [ids], why: {id: reason}, note: ...}]` per language (`why` and
`note` only in the short-answer sets). Two kinds are scored:
- the older need sets (tests/nlu/needs, tests/nlu_components/dev_needs): longer messages, target F1 >= 0.85;
- the short open-question answers of issue 14 (tests/nlu/short held out, tests/nlu_components/dev_short for
  development): target F1 >= 0.90 with precision >= 0.92 in every language.
The need entities of the Rasa model come from the NeedExtractor alone, so `matcher_predictor()` (the extractor's
code, its example classifier fitted on the spot, no model) gives the same needs as the model, in seconds instead of a
minute.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
NEED_F1_TARGET = 0.85
SHORT_F1_TARGET = 0.90
SHORT_PRECISION_TARGET = 0.92

Predictor = Callable[[str], set[str]]


@dataclass(frozen=True)
class NeedItem:
    text: str
    needs: frozenset[str]
    why: dict[str, str] = field(default_factory=dict)
    note: str | None = None


def load_need_set(path: Path) -> list[NeedItem] | None:
    """The messages of one need set, or None when the file does not exist."""
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        NeedItem(
            text=str(m["text"]),
            needs=frozenset(m.get("needs") or []),
            why=dict(m.get("why") or {}),
            note=m.get("note"),
        )
        for m in data.get("messages") or []
    ]


@dataclass
class NeedScore:
    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, text: str, gold: Iterable[str], predicted: Iterable[str]) -> None:
        gold, predicted = set(gold), set(predicted)
        self.n += 1
        self.tp += len(gold & predicted)
        fp, fn = predicted - gold, gold - predicted
        self.fp += len(fp)
        self.fn += len(fn)
        if fp or fn:
            self.errors.append({"text": text, "false_positive": sorted(fp), "missed": sorted(fn)})

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "errors": self.errors,
        }


def score(predict: Predictor, items: list[NeedItem]) -> NeedScore:
    result = NeedScore()
    for item in items:
        result.add(item.text, item.needs, predict(item.text))
    return result


def score_folder(predict: Predictor, folder: Path) -> dict[str, NeedScore | None]:
    """Per language: the score over <folder>/<code>.yml, None when that file is missing."""
    scores: dict[str, NeedScore | None] = {}
    for code in LANGUAGES:
        items = load_need_set(folder / f"{code}.yml")
        scores[code] = None if items is None else score(predict, items)
    return scores


def total(scores: dict[str, NeedScore | None]) -> NeedScore | None:
    present = [s for s in scores.values() if s is not None]
    if not present:
        return None
    return NeedScore(
        n=sum(s.n for s in present),
        tp=sum(s.tp for s in present),
        fp=sum(s.fp for s in present),
        fn=sum(s.fn for s in present),
    )


def short_target_met(s: NeedScore | None) -> bool | None:
    return None if s is None else s.f1 >= SHORT_F1_TARGET and s.precision >= SHORT_PRECISION_TARGET


def matcher_predictor(similar: bool = True, leave_out: Path | None = None) -> Predictor:
    """text -> need ids, from the NeedExtractor's code (no Rasa model), lexicons loaded once. With `similar`, its
    example classifier too (`bot/nlu/needs/similar.py`), fitted here as training does (about 10 s), but without the
    example files under `leave_out`: a set it is scored on is never one it learnt from."""
    from bot.nlu.needs import extract, load_lexicons
    from bot.nlu.needs.rules import NEED_IDS
    from bot.nlu.needs.similar import SimilarNeeds, example_files, load_examples

    lexicons = load_lexicons()
    classifier = None
    if similar:
        files = [f for f in example_files() if leave_out is None or not f.resolve().is_relative_to(leave_out.resolve())]
        classifier = SimilarNeeds.fit(load_examples(files), NEED_IDS)

    def predict(text: str) -> set[str]:
        return {mention.need for mention in extract(text, lexicons, classifier)}

    return predict


def render(title: str, scores: dict[str, NeedScore | None], targets: Callable[[NeedScore | None], bool | None]) -> str:
    header = f"{'lang':<5}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}  target"
    lines = [title, "", header, "-" * len(header)]
    for code, s in [*scores.items(), ("all", total(scores))]:
        if s is None:
            lines.append(f"{code:<5}{'no data':>12}")
            continue
        verdict = targets(s)
        mark = "" if code == "all" else "no data" if verdict is None else "PASS" if verdict else "FAIL"
        lines.append(
            f"{code:<5}{s.n:>5}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}  {mark}"
        )
    return "\n".join(lines)


def render_misses(scores: dict[str, NeedScore | None]) -> str:
    lines = []
    for code, s in scores.items():
        for error in s.errors if s else []:
            missed = ",".join(error["missed"]) or "-"
            extra = ",".join(error["false_positive"]) or "-"
            lines.append(f"{code:<4} missed {missed:<40} extra {extra:<30} {error['text']}")
    return "\n".join(lines)
