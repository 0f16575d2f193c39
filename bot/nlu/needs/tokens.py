"""A message as tokens for the need matcher: normalised words with their offsets in the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.normalise import fold

TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d])*")
# Punctuation between two tokens that ends the scope of a negation.
_CLAUSE_BREAK = re.compile(r"[,.;:!?()\[\]\n\u060c\u061b\u061f\u06d4\"“”«»]|\s-\s")


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
        tokens.append(Token(fold(match.group()), match.start(), match.end(), bool(_CLAUSE_BREAK.search(gap))))
        previous_end = match.end()
    return tokens
