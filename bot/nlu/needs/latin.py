"""Bulgarian in Latin letters: every Cyrillic term of the Bulgarian lexicon is also matched as people type it on a
foreign keyboard ("дългове": "dalgove", "dulgove"; "ясла": "yasla", "qsla"; "жилище": "zhilishte", "jilishte").

There is no one way: the official transliteration writes ж zh, ц ts, ъ a, ю yu, я ya, and chat writes ж j, ц c,
ъ u, ю iu, я q (the letter that looks like я). A term is added in four spellings that mix these the way people do
(each spelling uses one choice per letter for the whole term). Short one-word terms ("дом", "ток") are left out:
three or four Latin letters are too often a word of another of the six languages.
"""

from __future__ import annotations

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ч": "ch", "ш": "sh",
    "щ": "sht", "ь": "",
}  # fmt: skip
# ж, ц, ъ, ю, я: (official, chat, mixed, mixed).
_SCHEMES = (
    {"ж": "zh", "ц": "ts", "ъ": "a", "ю": "yu", "я": "ya"},
    {"ж": "j", "ц": "c", "ъ": "u", "ю": "iu", "я": "q"},
    {"ж": "j", "ц": "ts", "ъ": "a", "ю": "yu", "я": "ya"},
    {"ж": "zh", "ц": "c", "ъ": "u", "ю": "iu", "я": "ia"},
)
# A one-word term shorter than this in Latin letters is not added.
MIN_LATIN_LENGTH = 5


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def latin_spellings(term: str) -> list[str]:
    """The Latin spellings of a folded Bulgarian `term` (its `*`, `~` and `...` kept), none if it has no Cyrillic
    letter or is one short word."""
    if not any(_is_cyrillic(char) for char in term):
        return []
    spellings: list[str] = []
    for scheme in _SCHEMES:
        spelled = "".join(scheme.get(char, _COMMON.get(char, char)) for char in term)
        if spelled not in spellings:
            spellings.append(spelled)
    words = [word for word in spellings[0].replace("...", " ").split() if word.strip("*~")]
    if len(words) == 1 and len(words[0].strip("*~")) < MIN_LATIN_LENGTH:
        return []
    return spellings
