"""Dari in Latin letters ("finglish"): one canonical spelling for the many ways people type a Dari word.

There is no standard romanisation, so the same word comes as "khana", "khane", "xana", "khanah"; "nadaram",
"nadarom", "nadarum"; "qarz", "gharz"; "bemar", "bimar"; "kaar", "kar"; "pool", "pul". Rather than listing
variants one by one, both the Latin words of the Dari lexicon (terms, excludes, windows, negation cues, clause
words) and the Latin tokens of a message are read in one canonical spelling (`canonical`), so that every
combination of these variants matches. Words with a non-Latin letter (the Perso-Arabic lexicon) are read in their
standard spelling instead (Kabuli colloquial forms: `kabuli`).
Only the Dari lexicon reads tokens this way: the other languages match the message as typed.
"""

from __future__ import annotations

import re

from bot.nlu.needs.kabuli import standard, standard_stem

_LATIN_WORD = re.compile(r"[a-z]+")
# In this order: letters written two ways (x = kh, gh = q for the merged غ/ق, v = w for و, y = i), then the
# vowels that Kabuli Dari and typists mix up (o/u, e/i), then doubled letters (kaar, hollandi, pool).
_LETTERS = (("x", "kh"), ("gh", "q"), ("v", "w"), ("y", "i"), ("o", "u"), ("e", "i"))
_DOUBLED = re.compile(r"(.)\1+")
# Whole words (canonical spelling) said another way: Kabuli "kad" for "kard" (did: "kar nakadom" = I never worked,
# as "کده" for "کرده" in `kabuli`), and the Dutch "werk" for "kar" (work) of Afghans long in Belgium.
_SPOKEN = {
    "kad": "kard",
    "nakad": "nakard",
    "kada": "karda",
    "nakada": "nakarda",
    "kadam": "kardam",
    "nakadam": "nakardam",
    "kadim": "kardim",
    "nakadim": "nakardim",
    "wirk": "kar",
}


def canonical(word: str, *, prefix: bool = False) -> str:
    """The canonical spelling of a folded Latin `word` (other words unchanged); `prefix` for the stem of a `word*`
    term, whose last letter is not the end of a word. A Perso-Arabic word is read in its standard spelling instead
    (Kabuli colloquial forms: `kabuli`), unless it is a stem."""
    if not _LATIN_WORD.fullmatch(word):
        return standard_stem(word) if prefix else standard(word)
    # A final -e, -ah, -eh is the same ending as -a (khane, khanah = khana; kiraye = kiraya).
    if not prefix and len(word) > 3:
        word = re.sub(r"(?<=[^aeiou])(e|ah|eh)$", "a", word)
    for written, read in _LETTERS:
        word = word.replace(written, read)
    # The first person ending -am is said and typed -om, -um in Kabul (nadarom, hastum = nadaram, hastam).
    if not prefix and len(word) > 4:
        word = re.sub(r"um$", "am", word)
    word = _DOUBLED.sub(r"\1", word)
    return word if prefix else _SPOKEN.get(word, word)


def canonical_source(source: str) -> str:
    """A lexicon term with each Latin word in its canonical spelling (its `~`, `*` and `...` kept)."""
    words = []
    for word in source.split(" "):
        start = len(word) - len(word.lstrip("~*"))
        end = len(word.rstrip("*"))
        core = word[start:end]
        words.append(word[:start] + canonical(core, prefix=end < len(word)) + word[end:] if core else word)
    return " ".join(words)
