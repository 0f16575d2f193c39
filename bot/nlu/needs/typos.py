"""One typo in a long lexicon word: "depresion", "homless" (deletion-variant index, as in SymSpell)."""

from __future__ import annotations

from bot.nlu.needs.terms import Pattern, Term

# Lexicon words this long also match with one typo ("depresion", "homless"); shorter ones would collide with real
# words of another language too often.
MIN_TYPO_LENGTH = 8


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """At most one substitution, insertion, deletion or swap of neighbours between a and b."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class TypoIndex:
    """The long words of one lexicon's terms, found again from a word with one typo."""

    def __init__(self, terms: list[Term]) -> None:
        # A word of the lexicon itself is never a typo of another one ("homeless" is not "hopeless").
        self.known_words = {item.text for term in terms for item in term.patterns if isinstance(item, Pattern)}
        self.index: dict[str, set[Pattern]] = {}
        for term in terms:
            for item in term.patterns:
                if isinstance(item, Pattern) and not item.infix and len(item.text) >= MIN_TYPO_LENGTH:
                    for variant in _deletions(item.text):
                        self.index.setdefault(variant, set()).add(item)

    def matches(self, word: str) -> set[Pattern]:
        """Long lexicon words that `word` (or, for stems, its beginning) is one typo away from."""
        found: set[Pattern] = set()
        if len(word) < MIN_TYPO_LENGTH - 1 or word in self.known_words:
            return found
        for length in range(MIN_TYPO_LENGTH - 1, len(word) + 1):
            candidate = word[:length]
            for variant in _deletions(candidate):
                for item in self.index.get(variant, ()):
                    if (item.prefix or length == len(word)) and one_edit(candidate, item.text):
                        found.add(item)
        return found
