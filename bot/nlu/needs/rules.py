"""From term occurrences to the needs a message mentions: negation, weak terms, exclusions and overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.nlu.needs.context import Context
from bot.nlu.needs.lexicon import Lexicon, load_lexicons
from bot.nlu.needs.tokens import tokenize

NEED_IDS = (
    "limited_network",
    "limited_work_experience",
    "limited_dutch",
    "financial_need",
    "psychological",
    "low_education",
    "housing",
    "literacy_digital",
    "residence_status",
    "family_relationships",
    "addiction",
    "family_care",
    "childcare",
    "medical",
    "distrust",
    "justice",
    "day_night_rhythm",
)
# Observed by a coach only: the assistant never records these from what a person types.
EXCLUDED_NEED_IDS = ("motivation", "cultural_gap", "aggression")

# A weak term's need is dropped when the message also mentions one of these needs: "my mother is sick" is family
# care, not the person's own illness.
WEAK_YIELDS_TO = {"medical": {"family_care"}, "psychological": {"family_care"}}

# `confidence_entity` of a need entity (shared contract: below 0.8 is "unsure", and the dialogue confirms it).
SURE = 1.0
UNSURE = 0.5

ENTITY_NAME = "need"
EXTRACTOR_NAME = "NeedExtractor"


@dataclass(frozen=True)
class NeedMention:
    need: str
    start: int
    end: int
    text: str
    confidence: float = SURE

    def as_entity(self) -> dict[str, Any]:
        return {
            "entity": ENTITY_NAME,
            "value": self.need,
            "start": self.start,
            "end": self.end,
            "confidence_entity": self.confidence,
            "extractor": EXTRACTOR_NAME,
        }


def extract(text: str | None, lexicons: tuple[Lexicon, ...] | None = None) -> list[NeedMention]:
    """One mention per need that `text` mentions (not negated), in order of appearance."""
    if not text or text.lstrip().startswith("/"):
        return []
    tokens = tokenize(text)
    if not tokens:
        return []
    # need -> (sure, start, end) of its best occurrence: sure before unsure, then the first, then the longest.
    best: dict[str, tuple[bool, int, int]] = {}
    cancelled: set[tuple[str, int, int]] = set()
    candidates: list[tuple[str, int, int]] = []
    weak: set[tuple[str, int, int]] = set()
    # Spans found only with a typo by every lexicon that found them.
    typo_only: set[tuple[str, int, int]] = set()
    exact: set[tuple[str, int, int]] = set()
    excluded: list[tuple[int, int]] = []
    for lexicon in lexicons or load_lexicons():
        excluded.extend(lexicon.excluded_spans(tokens))
        for occurrence in lexicon.find(tokens):
            key = (occurrence.need, occurrence.start, occurrence.end)
            if occurrence.negated:
                cancelled.add(key)
                continue
            candidates.append(key)
            if occurrence.weak:
                weak.add(key)
            (typo_only if occurrence.typo else exact).add(key)
    if not candidates:
        return []
    found_needs = {c[0] for c in candidates}
    context = Context(tokens)
    occurrences = [(start, end) for _, start, end in candidates]
    for need, start, end in candidates:
        if (need, start, end) in weak and found_needs & WEAK_YIELDS_TO.get(need, set()):
            continue
        # A span negated by one lexicon's cues stays negated ("geen schulden" is not rescued by another lexicon).
        if any(c[0] == need and c[1] <= start and end <= c[2] for c in cancelled):
            continue
        if any(x_start < end and start < x_end for x_start, x_end in excluded):
            continue
        # Words inside (or overlapping) a longer phrase of another need belong to that phrase ("kind met een
        # beperking" is family care, not the person's own disability).
        if any(
            other != need and o_start < end and start < o_end and o_end - o_start > end - start
            for other, o_start, o_end in candidates
        ):
            continue
        # Time and who (context.yml): over, someone else's, or a relative's illness the person cares for.
        if context.is_denied(start, end) or context.is_over(need, start, end, occurrences):
            continue
        sure = (need, start, end) not in weak and (need, start, end) not in typo_only - exact
        need = context.whose(need, start)
        if need is None:
            continue
        current = best.get(need)
        if current is None or (sure, -start, end) > (current[0], -current[1], current[2]):
            best[need] = (sure, start, end)
    mentions = [
        NeedMention(
            need,
            tokens[s].start,
            tokens[e - 1].end,
            text[tokens[s].start : tokens[e - 1].end],
            SURE if sure else UNSURE,
        )
        for need, (sure, s, e) in best.items()
    ]
    return sorted(mentions, key=lambda m: (m.start, m.need))
