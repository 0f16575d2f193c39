"""A message as tokens for the need matcher: normalised words with their offsets in the original text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MARKS = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d])*")
# Punctuation between two tokens that ends the scope of a negation.
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]\n\u060c\u061b\u061f\u06d4\"“”«»]|\s-\s")
_ARABIC_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u200c": None,
        "\u200d": None,
        "\u0640": None,
    }
)


def normalize(text: str) -> str:
    """Casefold, strip diacritics (Latin, Cyrillic breve, Arabic vowel marks), unify Arabic/Persian letters."""
    text = text.translate(_ARABIC_FOLD).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return _MARKS.sub("", decomposed).translate(_ARABIC_FOLD)


@dataclass(frozen=True)
class Token:
    norm: str
    start: int
    end: int
    # True when punctuation separates this token from the one before it.
    break_before: bool


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = 0
    for match in TOKEN.finditer(text):
        gap = text[previous_end : match.start()]
        tokens.append(Token(normalize(match.group()), match.start(), match.end(), bool(_CLAUSE_BREAK.search(gap))))
        previous_end = match.end()
    return tokens
