"""From term occurrences to the needs a message mentions: negation, weak terms, exclusions and overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import need_entity
from bot.nlu.needs.context import Context
from bot.nlu.needs.lexicon import Lexicon, load_lexicons
from bot.nlu.needs.similar import SimilarNeeds
from bot.nlu.needs.tokens import Token, tokenize

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
# The police in a message of distrust are feared, not a justice problem ("they pass everything to the police").
WEAK_YIELDS_TO = {"medical": {"family_care"}, "psychological": {"family_care"}, "justice": {"distrust"}}

# A need that is only the effect of another when the message joins them with a cause word ("I can't sleep from
# stress", "без ракия не мога да заспя": sleeplessness from worry or drink is that need, not a day-night rhythm).
SYMPTOM_OF = {"day_night_rhythm": {"psychological", "addiction"}}

# `confidence_entity` of a need entity (shared contract: below 0.8 is "unsure", and the dialogue confirms it).
SURE = 1.0
UNSURE = 0.5

EXTRACTOR_NAME = "NeedExtractor"


@dataclass(frozen=True)
class NeedMention:
    need: str
    start: int
    end: int
    text: str
    confidence: float = SURE
    by_likeness: bool = False

    def as_entity(self) -> dict[str, Any]:
        entity = {
            "entity": need_entity.NAME,
            "value": self.need,
            "start": self.start,
            "end": self.end,
            "confidence_entity": self.confidence,
            "extractor": EXTRACTOR_NAME,
        }
        if self.by_likeness:
            entity[need_entity.METHOD] = need_entity.BY_LIKENESS
        return entity


def extract(
    text: str | None, lexicons: tuple[Lexicon, ...] | None = None, similar: SimilarNeeds | None = None
) -> list[NeedMention]:
    """One mention per need that `text` mentions (not negated), in order of appearance. With `similar`, also the
    needs it finds by likeness to example answers that no lexicon term named, as unsure mentions of the whole
    message (`similar.py`)."""
    if not text or text.lstrip().startswith("/"):
        return []
    tokens = tokenize(text)
    if not tokens:
        return []
    cancelled: set[tuple[str, int, int]] = set()
    candidates: list[tuple[str, int, int]] = []
    weak: set[tuple[str, int, int]] = set()
    # Spans found only with a typo by every lexicon that found them.
    typo_only: set[tuple[str, int, int]] = set()
    exact: set[tuple[str, int, int]] = set()
    excluded: list[tuple[int, int]] = []
    # Problems (not lack phrases) that one negation may deny together, and the words for "and" between them.
    problems: set[tuple[str, int, int]] = set()
    coordination: set[str] = set()
    # Negated problems with their negation right before them ("no debts") or right after them ("قرض ندارم").
    denied_before: set[tuple[str, int, int]] = set()
    denied_after: set[tuple[str, int, int]] = set()
    for lexicon in lexicons or load_lexicons():
        excluded.extend(lexicon.excluded_spans(tokens))
        for occurrence in lexicon.find(tokens):
            key = (occurrence.need, occurrence.start, occurrence.end)
            if not occurrence.lack:
                problems.add(key)
                coordination.update(lexicon.coordination)
            if occurrence.negated:
                cancelled.add(key)
                if not occurrence.lack:
                    before, after = lexicon.negation_beside(tokens, occurrence.start, occurrence.end)
                    if before:
                        denied_before.add(key)
                    if after:
                        denied_after.add(key)
                continue
            candidates.append(key)
            if occurrence.weak:
                weak.add(key)
            (typo_only if occurrence.typo else exact).add(key)
    best = _read(
        tokens,
        candidates,
        cancelled,
        weak,
        typo_only - exact,
        excluded,
        problems,
        coordination,
        denied_before,
        denied_after,
    )
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
    # The example classifier speaks only where the lexicons found no need: next to one they found, what it added was
    # mostly a neighbour of that need ("landlord wants us out" as money too, "left school" as reading too): 35 of
    # the 37 it added so on the tuned sets were wrong (similar.py). Nor for a need they saw denied ("geen schulden").
    if similar is not None and not best:
        seen = {c[0] for c in candidates} | {c[0] for c in cancelled}
        start, end = tokens[0].start, tokens[-1].end
        mentions = [
            NeedMention(need, start, end, text[start:end], UNSURE, by_likeness=True)
            for need in sorted(similar.needs(text) - seen)
        ]
    return sorted(mentions, key=lambda m: (m.start, m.need))


def _read(
    tokens: list[Token],
    candidates: list[Key],
    cancelled: set[Key],
    weak: set[Key],
    typo_only: set[Key],
    excluded: list[tuple[int, int]],
    problems: set[Key],
    coordination: set[str],
    denied_before: set[Key],
    denied_after: set[Key],
) -> dict[str, tuple[bool, int, int]]:
    """need -> (sure, start, end) of its best occurrence: sure before unsure, then the first, then the longest."""
    best: dict[str, tuple[bool, int, int]] = {}
    if not candidates:
        return best
    found_needs = {c[0] for c in candidates}
    context = Context(tokens)
    denied = _denied(context, candidates)
    cancelled |= _coordinated(tokens, problems, denied_before | denied, denied_after | denied, coordination)
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
        reasons = [(s, e) for n, s, e in candidates if n in SYMPTOM_OF.get(need, ()) and (n, s, e) not in cancelled]
        if reasons and context.caused_by(start, end, reasons):
            continue
        # Time and who (context.yml): over, someone else's, or a relative's illness the person cares for.
        if context.is_over(need, start, end, occurrences):
            continue
        sure = (need, start, end) not in weak and (need, start, end) not in typo_only
        need = context.whose(need, start)
        if need is None:
            continue
        current = best.get(need)
        if current is None or (sure, -start, end) > (current[0], -current[1], current[2]):
            best[need] = (sure, start, end)
    return best


Key = tuple[str, int, int]


def _denied(context: Context, candidates: list[Key]) -> set[Key]:
    return {key for key in candidates if context.is_denied(key[1], key[2])}


def _coordinated(
    tokens: list[Token], problems: set[Key], before: set[Key], after: set[Key], words: set[str]
) -> set[Key]:
    """The problems of the same need one negation denies together with a problem it denies, joined to it by a word for
    "and" alone: forward from a negation right before the first ("no debts and loans", "нямам дългове и заеми"), back
    from one right after the last ("قرض و وام ندارم", "با شراب و مواد مخدر مشکلی ندارم"). Only the same need: not
    "nikdy som nechodila do školy a neviem písať" (school, then reading). A lack phrase carries its own negation and
    is never denied this way ("no debts and no money")."""
    before, after = set(before), set(after)
    changed = True
    while changed:
        changed = False
        for first in problems:
            for second in problems:
                joint = first[0] == second[0] and first[2] + 1 == second[1] and second[1] < len(tokens)
                if not joint or tokens[first[2]].norm not in words:
                    continue
                if tokens[first[2]].break_before or tokens[second[1]].break_before:
                    continue
                if first in before and second not in before:
                    before.add(second)
                    changed = True
                if second in after and first not in after:
                    after.add(first)
                    changed = True
    return before | after
