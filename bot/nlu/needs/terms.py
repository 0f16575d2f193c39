"""The grammar of a lexicon term, and how a term matches a message's tokens.

Matching works on tokens that are casefolded and stripped of diacritics (so "nemám dlhy" and "nemam dlhy" are
equal). A lexicon term is a sequence of token patterns:
  `schuld*`  a token starting with "schuld" (schulden, schuldbemiddeling)
  `*schuld*` a token containing "schuld" (betalingsschulden)
  `huis`     exactly the token "huis"
  `...`      up to two other tokens ("don't have ... house" matches "don't have a house")
  `~term`    a weak term: it gives way to a stronger reading of the same message (see `rules.WEAK_YIELDS_TO`)
Terms that name a problem ("debts") are cancelled by a negation cue of the same lexicon a few tokens before them
("I don't have debts"), or, where the language allows it, shortly after them (Dari "قرض ندارم", Slovak "dlhy
nemam"), never across punctuation or a clause word ("and", "but"). Terms that name a lack ("no house",
"geen inkomen") carry their own negation and are written as phrases; one word may stand between their negation
and their noun ("geen vast huis"), unless it is a "problem" word ("no problem with the house").
A lexicon's `windows:` (`window_terms`) are terms made of each of its cues with each of its objects and a gap
between them: "no" with "money", "too small" with "flat" ("the flat is far too small").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.needs.tokens import TOKEN, Token
from bot.normalise import fold

GAP = "..."
MAX_GAP = 2
# A lack phrase's negation stays next to its noun: these words between them make it a different sentence.
# A lack phrase followed by one of these denies a problem instead: "no housing problem", "geen geldproblemen" is
# matched by the lexicon's own compounds.
PROBLEM_WORDS = ("probl", "проблем", "مشکل", "moshkel", "mushkil", "issue", "trouble")
# "No X but Y" corrects what X is ("geen leefloon maar een uitkering", "nu X ci Y"): no lack of X. After a window's
# lack phrase, these words (without punctuation before them) make it such a correction.
# (Dari in Latin letters in its canonical spelling too: `dari_latin`.)
CORRECTION_WORDS = frozenset(
    {"but", "maar", "ale", "dar", "ci", "но", "ama", "اما", "ولی", "بلکه", "balke", "lekin", "balka", "likin"}
)
PROBLEM_PREFIXES = ("probl", "проблем", "مشکل", "moshkel", "mushkil", "enkel", "any", "ziadn", "nici", "никакв", "هیچ")


@dataclass(frozen=True)
class Pattern:
    """One token of a lexicon term."""

    text: str
    prefix: bool = False
    infix: bool = False

    def matches(self, token: str) -> bool:
        if self.infix:
            return self.text in token
        if self.prefix:
            return token.startswith(self.text)
        return token == self.text


@dataclass(frozen=True)
class Gap:
    """Up to `size` tokens of any kind ("..." in a term), or, next to the negation word of a lack phrase, one token
    that is not a "problem" word ("no fixed house", "خانه مناسب ندارم", but not "no problem with the house")."""

    size: int = MAX_GAP
    lack: bool = False
    # Words a window's gap may not pass over (its language's negation words: "my dutch is not bad").
    stop: frozenset[str] = frozenset()

    def allows(self, token: str) -> bool:
        return not (self.lack and token.startswith(PROBLEM_PREFIXES)) and token not in self.stop


@dataclass(frozen=True)
class Term:
    need: str
    source: str
    patterns: tuple[Pattern | Gap, ...]
    # Terms that carry their own negation ("no house") are not cancelled by a negation cue.
    negatable: bool
    # Weak terms ("~sick") give way to a stronger reading of the same words (see rules.WEAK_YIELDS_TO).
    weak: bool = False
    # Lack phrases ("no house") carry their own negation word.
    lack: bool = False
    # Made by a lexicon window (`window_terms`).
    window: bool = False


def parse_term(need: str, source: str, negation_words: frozenset[str], negatable: bool = True) -> Term:
    weak = source.startswith("~")
    source = source.lstrip("~")
    patterns: list[Pattern | Gap] = []
    for piece in source.split():
        if piece == GAP:
            patterns.append(Gap())
            continue
        infix = piece.startswith("*")
        prefix = piece.endswith("*")
        words = [fold(m.group()) for m in TOKEN.finditer(piece.strip("*"))]
        if not words:
            raise ValueError(f"empty token in lexicon term {source!r}")
        for index, word in enumerate(words):
            first, last = index == 0, index == len(words) - 1
            patterns.append(Pattern(word, prefix=prefix and last, infix=infix and first and last))
    if not patterns or isinstance(patterns[0], Gap) or isinstance(patterns[-1], Gap):
        raise ValueError(f"lexicon term {source!r} must start and end with a word")

    def is_negation(item: Pattern | Gap) -> bool:
        return isinstance(item, Pattern) and not item.prefix and not item.infix and item.text in negation_words

    own_negation = any(is_negation(p) for p in patterns)
    if own_negation:
        # "geen huis" also matches "geen vast huis"; "خانه ندارم" also "خانه مناسب ندارم".
        loose: list[Pattern | Gap] = []
        for index, item in enumerate(patterns):
            if (
                index
                and is_negation(item)
                and isinstance(patterns[index - 1], Pattern)
                and not is_negation(patterns[index - 1])
            ):
                loose.append(Gap(1, lack=True))
            loose.append(item)
            following = patterns[index + 1] if index + 1 < len(patterns) else None
            if is_negation(item) and isinstance(following, Pattern) and not is_negation(following):
                loose.append(Gap(1, lack=True))
        patterns = loose
    return Term(need, source, tuple(patterns), negatable=negatable and not own_negation, weak=weak, lack=own_negation)


# How many words may stand between a window's cue and its object: "flat [is full of] mould"; after a lack cue only
# one, as in a lack phrase ("no [real] income", not "no food left in the house").
WINDOW_GAP = 3
LACK_WINDOW_GAP = 1


def window_terms(
    need: str,
    cues: list[str],
    objects: list[str],
    negation_words: frozenset[str],
    either_order: bool,
    negatable: bool = True,
    weak: bool = False,
    stop: frozenset[str] = frozenset(),
) -> list[Term]:
    """A lexicon window: each cue ("no", "lost", "too small", "ندارم") with each object ("money", "house", "پول")
    within `WINDOW_GAP` words (`LACK_WINDOW_GAP` after a lack cue), in the cue-object order (and the other one with
    `either_order`), within a clause. The object decides the need. A cue with a negation word makes a lack phrase
    ("no money"), which is not negated again but is no need when a "problem" word follows or stands in between ("no
    money problems"); the gap never passes over a negation, "problem" or clause word (`stop`: "my dutch is not bad",
    "no problem with money")."""
    terms = []
    for cue in cues:
        cue_term = parse_term(need, cue, negation_words)
        gap = Gap(LACK_WINDOW_GAP if cue_term.lack else WINDOW_GAP, lack=True, stop=negation_words | stop)
        for obj in objects:
            obj_term = parse_term(need, obj, negation_words)
            orders = [(cue_term, obj_term), (obj_term, cue_term)] if either_order else [(cue_term, obj_term)]
            for first, second in orders:
                terms.append(
                    Term(
                        need,
                        f"{first.source} ... {second.source}",
                        (*first.patterns, gap, *second.patterns),
                        negatable=negatable and cue_term.negatable and obj_term.negatable,
                        weak=weak,
                        lack=cue_term.lack,
                        window=True,
                    )
                )
    return terms


def match(
    patterns: tuple[Pattern | Gap, ...],
    index: int,
    tokens: list[Token],
    position: int,
    aliases: list[set[Pattern]] | None = None,
) -> int | None:
    """Index after the last token matched by `patterns[index:]` from `position`, or None.

    `aliases[i]` are the lexicon words that token i is one typo away from (see `typos`)."""
    if index == len(patterns):
        return position
    pattern = patterns[index]
    if isinstance(pattern, Gap):
        for skip in range(pattern.size + 1):
            candidate = position + skip
            if candidate >= len(tokens) or tokens[candidate].break_before:
                return None
            if skip and not pattern.allows(tokens[candidate - 1].norm):
                return None
            end = match(patterns, index + 1, tokens, candidate, aliases)
            if end is not None:
                return end
        return None
    if position >= len(tokens):
        return None
    if not pattern.matches(tokens[position].norm) and not (aliases and pattern in aliases[position]):
        return None
    if index > 0 and tokens[position].break_before:
        return None
    return match(patterns, index + 1, tokens, position + 1, aliases)
