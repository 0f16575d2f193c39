"""Whether a need found in a message is the person's need now: negation's neighbours, time and who.

The lexicons find the words of a need and cancel the ones a negation cue denies (`lexicon`). The cues here
(`context.yml`, all six languages) look at the clause around such words:
- time: a need in a clause with "used to" / "vroeger" is over; one in a past clause ("I had debts") is over when a
  "resolved" cue follows it ("they are paid now"), unless a "still" cue keeps it going;
- denial: a "denies" cue right beside the need ("I don't have any problems with alcohol", "با الکول هیچ مشکلی
  ندارم"), wherever the lexicon's own negation window does not reach;
- who: a need whose clause starts with someone outside the household ("my neighbour drinks") is not the person's;
  an illness whose clause starts with someone at home is family care when the person cares for someone, and a
  relative's own record, schooling or illness is not the person's ("my brother is in prison").
A clause ends at punctuation and at a contrast word ("but", "maar", "ale", "dar", "но", "اما"); for "who", also at
an "and" word ("my mother is ill and I have debts").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.needs.dari_latin import canonical, canonical_source
from bot.nlu.needs.terms import Gap, Pattern, Term, match, parse_term
from bot.nlu.needs.tokens import Token
from bot.normalise import fold

CONTEXT_FILE = Path(__file__).with_name("context.yml")
KINDS = (
    "contrast",
    "and",
    "formerly",
    "past",
    "resolved",
    "recovered",
    "still",
    "not",
    "not_after",
    "me",
    "others",
    "household",
    "care",
    "denies",
    "not_me",
    "cause",
)
# How far before (`not`) or after (`not_after`) a resolved cue a denial reaches.
DENIAL_REACH = 3
# How many words may stand between a `denies` cue and the need it denies ("no problem with [my] housing").
DENIES_REACH = 2
# A clause's subject is among its first words: "my neighbour", "mijn buurman", "съседът ми", "همسایه‌ام".
SUBJECT_WITHIN = 2
# How many words may stand between a `cause` cue that opens a reason and the reason ("from [the] stress").
CAUSE_REACH = 1
FAMILY_CARE = "family_care"


@dataclass(frozen=True)
class Cues:
    terms: dict[str, tuple[Term, ...]]
    # (kind, term) by the term's first word, so that a token is only tried against cues that can start there.
    by_first_word: dict[str, tuple[tuple[str, Term], ...]]
    by_first_prefix: tuple[tuple[str, str, Term], ...]
    single_words: dict[str, frozenset[str]]
    lasting: frozenset[str]
    recovering: frozenset[str]
    relational: frozenset[str]
    cared_for: frozenset[str]
    personal: frozenset[str]
    # The Dari cues with Latin words, in their canonical spelling: matched against a message's tokens read the same
    # way (`dari_latin`), so "mushkil nadarum" denies as "moshkel nadarom" does.
    latin_by_first_word: dict[str, tuple[tuple[str, Term], ...]]
    latin_by_first_prefix: tuple[tuple[str, str, Term], ...]


def _index(
    terms: dict[str, list[Term]],
) -> tuple[dict[str, tuple[tuple[str, Term], ...]], tuple[tuple[str, str, Term], ...]]:
    by_first_word: dict[str, list[tuple[str, Term]]] = {}
    by_first_prefix: list[tuple[str, str, Term]] = []
    for kind, found in terms.items():
        for term in found:
            first = term.patterns[0]
            assert isinstance(first, Pattern)  # checked when the term is parsed
            if first.prefix or first.infix:
                by_first_prefix.append((first.text, kind, term))
            else:
                by_first_word.setdefault(first.text, []).append((kind, term))
    return {word: tuple(found) for word, found in by_first_word.items()}, tuple(by_first_prefix)


@lru_cache(maxsize=1)
def load_cues(path: str = str(CONTEXT_FILE)) -> Cues:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    terms: dict[str, list[Term]] = {kind: [] for kind in KINDS}
    latin: dict[str, list[Term]] = {kind: [] for kind in KINDS}
    for code, by_kind in data["cues"].items():
        unknown = set(by_kind) - set(KINDS)
        if unknown:
            raise ValueError(f"context.yml {code}: unknown cue kinds {sorted(unknown)}")
        for kind, phrases in by_kind.items():
            for phrase in phrases or []:
                if not isinstance(phrase, str):
                    raise ValueError(f"context.yml {code} {kind}: {phrase!r} is not a string")
                terms[kind].append(parse_term(kind, phrase, frozenset()))
                # Every Dari cue, also for the Perso-Arabic ones in their standard spelling ("الان خوب استم").
                if code == "prs":
                    latin[kind].append(parse_term(kind, canonical_source(fold(phrase)), frozenset()))
    # Clause words are single words: looked up directly while splitting.
    single = {
        kind: frozenset(fold(term.source) for term in terms[kind] if len(term.patterns) == 1)
        for kind in ("contrast", "and")
    }
    by_first_word, by_first_prefix = _index(terms)
    latin_by_first_word, latin_by_first_prefix = _index(latin)
    return Cues(
        terms={kind: tuple(found) for kind, found in terms.items()},
        by_first_word=by_first_word,
        by_first_prefix=by_first_prefix,
        single_words=single,
        lasting=frozenset(data.get("lasting") or []),
        recovering=frozenset(data.get("recovering") or []),
        relational=frozenset(data.get("relational") or []),
        cared_for=frozenset(data.get("cared_for") or []),
        personal=frozenset(data.get("personal") or []),
        latin_by_first_word=latin_by_first_word,
        latin_by_first_prefix=latin_by_first_prefix,
    )


Span = tuple[int, int]


class Context:
    """The cues of one message, found once, and the clause around any token."""

    def __init__(self, tokens: list[Token], cues: Cues | None = None) -> None:
        self.tokens = tokens
        self.cues = cues or load_cues()
        self.spans: dict[str, list[Span]] = {kind: [] for kind in KINDS}
        # Spans of cues with a gap ("now ... ok"): a negation inside them denies them ("now I am not ok").
        self.gapped: set[tuple[str, Span]] = set()
        self._find(tokens, self.cues.by_first_word, self.cues.by_first_prefix)
        spelled = [replace(token, norm=canonical(token.norm)) for token in tokens]
        if spelled != tokens:
            self._find(spelled, self.cues.latin_by_first_word, self.cues.latin_by_first_prefix)
        self._clause_starts = self._starts(("contrast",))
        self._part_starts = self._starts(("contrast", "and"))

    def _find(
        self,
        tokens: list[Token],
        by_first_word: dict[str, tuple[tuple[str, Term], ...]],
        by_first_prefix: tuple[tuple[str, str, Term], ...],
    ) -> None:
        for start, token in enumerate(tokens):
            tried = list(by_first_word.get(token.norm, ()))
            tried += [(kind, term) for text, kind, term in by_first_prefix if text in token.norm]
            for kind, term in tried:
                end = match(term.patterns, 0, tokens, start)
                if end is not None and (start, end) not in self.spans[kind]:
                    self.spans[kind].append((start, end))
                if end is not None and any(isinstance(item, Gap) for item in term.patterns):
                    self.gapped.add((kind, (start, end)))

    def _starts(self, kinds: tuple[str, ...]) -> list[int]:
        words = frozenset().union(*(self.cues.single_words[kind] for kind in kinds))
        return [
            index for index, token in enumerate(self.tokens) if index == 0 or token.break_before or token.norm in words
        ]

    @staticmethod
    def _around(starts: list[int], position: int, length: int) -> Span:
        start = max(s for s in starts if s <= position)
        later = [s for s in starts if s > position]
        return start, later[0] if later else length

    def clause(self, position: int) -> Span:
        return self._around(self._clause_starts, position, len(self.tokens))

    def part(self, position: int) -> Span:
        return self._around(self._part_starts, position, len(self.tokens))

    def _in(self, kind: str, start: int, end: int) -> list[Span]:
        return [(s, e) for s, e in self.spans[kind] if start <= s and e <= end]

    def is_denied(self, start: int, end: int) -> bool:
        """A `denies` cue overlaps tokens start..end or stands right beside them, in the same part of a clause."""
        part_start, part_end = self.part(start)
        for cue_start, cue_end in self._in("denies", part_start, part_end):
            if start - cue_end <= DENIES_REACH and cue_start - end <= DENIES_REACH:
                return True
        return False

    def is_over(self, need: str, start: int, end: int, occurrences: list[Span]) -> bool:
        """The need named by tokens start..end was in the past and is over."""
        clause_start, clause_end = self.clause(start)
        if self._in("still", clause_start, clause_end):
            return False
        if need in self.cues.lasting:
            # A record or an addiction in recovery counts, unless the person is clean or sober now.
            past = self._in("formerly", clause_start, clause_end) or self._in("past", clause_start, clause_end)
            return (
                bool(past)
                and need in self.cues.recovering
                and any(
                    cue_start >= end and not self._resolution_denied(cue_start, cue_end)
                    for cue_start, cue_end in self.spans["recovered"]
                )
            )
        if self._in("formerly", clause_start, clause_end):
            return True
        if not self._in("past", clause_start, clause_end):
            return False
        for cue_start, cue_end in self.spans["resolved"]:
            if cue_start < end or self._resolution_denied(cue_start, cue_end):
                continue
            # "now I have no money" names a need itself: no resolution.
            cue_clause_end = self.clause(cue_start)[1]
            if not any(cue_end <= s < cue_clause_end for s, _ in occurrences):
                return True
        return False

    def _resolution_denied(self, start: int, end: int) -> bool:
        """ "not paid", "پرداخت نکردم": a resolved cue with a negation right before or after it."""
        before = any(start - DENIAL_REACH <= s and e <= start for s, e in self.spans["not"])
        after = any(end <= s and s < end + DENIAL_REACH for s, _ in self.spans["not_after"])
        inside = ("resolved", (start, end)) in self.gapped and any(
            start < s and e <= end for kind in ("not", "not_after") for s, e in self.spans[kind]
        )
        return before or after or inside

    def subject(self, start: int) -> str | None:
        """The kind of person ("others", "household") the part of the clause around `start` is about, if any."""
        part_start, _ = self.part(start)
        for kind in ("others", "household"):
            for cue_start, cue_end in self._in(kind, part_start, start):
                if cue_start - part_start < SUBJECT_WITHIN and not self._me_between(cue_end, start):
                    return kind
        return None

    def _me_between(self, start: int, end: int) -> bool:
        """A word for the person themself between `start` and `end`, other than one right after a word for someone
        else: that is a possessive ("همسایه ما" our neighbour, "برادر من" my brother), not the person as subject."""
        return any(s > start or self.tokens[s].break_before for s, _ in self._in("me", start, end))

    def caused_by(self, start: int, end: int, reasons: list[Span]) -> bool:
        """A `cause` cue joins tokens start..end to one of `reasons` in the same part of a clause: it stands between
        them, or it opens a reason that comes first."""
        part_start, part_end = self.part(start)
        for cue_start, cue_end in self._in("cause", part_start, part_end):
            for reason_start, reason_end in reasons:
                if not part_start <= reason_start < part_end:
                    continue
                between = end <= cue_start and cue_end <= reason_start or reason_end <= cue_start and cue_end <= start
                # "because of stress I can't sleep", "без ракия не мога да заспя": the cue opens the reason.
                # The reason may begin with the cue ("без ракия не мога" is a term of its own).
                opens = reason_start - CAUSE_REACH <= cue_end <= reason_start or cue_start == reason_start
                opens = opens and reason_start < start
                if between or opens:
                    return True
        return False

    def _not_mine(self, start: int) -> bool:
        """A later clause that is only "not me", "ik niet", "من ندارم"."""
        length = len(self.tokens)
        return any(
            s > start and (e == length or self.tokens[e].break_before) and (self.tokens[s].break_before or s == 0)
            for s, e in self.spans["not_me"]
        )

    def cares_for_someone(self) -> bool:
        return bool(self.spans["care"])

    def whose(self, need: str, start: int) -> str | None:
        """The need to record for words of `need` at `start`: itself, family care, or None (not the person's)."""
        if need in self.cues.relational:
            return need
        subject = self.subject(start)
        if subject == "others" or subject and self._not_mine(start):
            return None
        # "my mother is ill and I look after her", "I take my husband to the hospital for dialysis".
        relative = subject == "household" or self._in("household", self.part(start)[0], start)
        if need in self.cues.cared_for and self.cares_for_someone() and relative:
            return FAMILY_CARE
        if subject == "household" and need in self.cues.personal:
            return None
        return need
