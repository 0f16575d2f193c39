"""Whether a message has words of crisis (suicide, self-harm, violence at home, acute danger), in any language.

Plain code without Rasa, so that the channels' limits (bot/channels/limits.py) and the crisis policy share it.
The phrases are in `crisis_phrases.yml` (syntax there); both they and the message go through `bot.normalise.words`,
so diacritics, Arabic or Persian letters and the zero-width non-joiner make no difference. A phrase is matched on
whole words; a match that overlaps an everyday hyperbole of `not_crisis` ("mă omor de râs") does not count.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.normalise import words

PHRASES = Path(__file__).with_name("crisis_phrases.yml")
GAP = "..."
MAX_GAP = 2
WORD_START = r"(?<!\w)"


def compile_phrase(phrase: str) -> re.Pattern[str]:
    """A phrase of the YAML as a pattern over `words(text)`: whole words, `word*` a prefix, `...` a short gap."""
    pieces = phrase.split()
    if not pieces or GAP in (pieces[0], pieces[-1]):
        raise ValueError(f"crisis phrase {phrase!r} must start and end with a word")
    stems = {words(piece[:-1]) for piece in pieces if piece.endswith("*")}
    parts = []
    # Each run of words between gaps is normalised as a whole, as the message is ("نمی خواهم" becomes one word).
    for run in " ".join(pieces).split(GAP):
        run_words = words(run.replace("*", " ")).split()
        if not run_words:
            raise ValueError(f"crisis phrase {phrase!r} has an empty part")
        parts.append("".join(re.escape(word) + (r"\w*" if word in stems else "") + " " for word in run_words))
    # Every word of the message is followed by one space (see `mentions_crisis`), so that ends each word.
    return re.compile(WORD_START + rf"(?:\w+ ){{0,{MAX_GAP}}}".join(parts))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """Any crisis phrase (one pattern: a fast first look), each crisis phrase, each hyperbole."""
    data = yaml.safe_load(PHRASES.read_text("utf-8"))

    def compiled(section: str) -> tuple[re.Pattern[str], ...]:
        by_language = data.get(section) or {}
        return tuple(compile_phrase(str(phrase)) for phrases in by_language.values() for phrase in phrases or [])

    crisis = compiled("phrases")
    any_crisis = re.compile(WORD_START + "(?:" + "|".join(p.pattern[len(WORD_START) :] for p in crisis) + ")")
    return any_crisis, crisis, compiled("not_crisis")


def mentions_crisis(text: str | None) -> bool:
    """Whether the text has words of crisis, whatever the intent classifier made of it."""
    if not text or text.startswith("/"):
        return False
    spaced = words(text) + " "
    any_crisis, crisis, hyperbole = _patterns()
    if not any_crisis.search(spaced):
        return False
    harmless = [match.span() for pattern in hyperbole for match in pattern.finditer(spaced)]
    for pattern in crisis:
        for match in pattern.finditer(spaced):
            start, end = match.span()
            if not any(h_start < end - 1 and start < h_end - 1 for h_start, h_end in harmless):
                return True
    return False
