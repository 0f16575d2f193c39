"""The one normaliser for what people type, used wherever the bot compares typed words with known words.

People type the same word in many ways: with or without capitals and diacritics ("Nemám", "nemam"), Dari with an
Arabic or a Persian keyboard (ي or ی, ك or ک, ة/ە or ه), with Arabic-Indic or Persian digits, with or without the
zero-width non-joiner ("نمی‌خواهم", "نمیخواهم") and with tatweel stretching a word ("خـــانه"). `fold` makes these
equal; `words` also reduces the text to its words, for matching whole phrases; `fold_in_place` folds one character
for one character, for readers that cut the original text where they matched the folded one. Standard library
only, so that every part of the bot, and the coach service's name search, can import it (the coach image copies
this file alone).
"""

from __future__ import annotations

import re
import unicodedata

# Applied after decomposition, so that letters with a hamza or madda (أ ئ ؤ ۀ آ) have already lost it.
_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ە": "ه",
        "ھ": "ه",
        "ٱ": "ا",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
        # Invisible joiners and the tatweel change how a word looks, never what it says.
        "\u200c": None,
        "\u200d": None,
        "\u200b": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
        "\u0640": None,
    }
)
# For `fold_in_place`: what `_LETTERS` removes becomes a space, so that every position stays where it was, and the
# apostrophes people type become one.
_IN_PLACE = str.maketrans(
    {
        **{chr(code): " " for code, replacement in _LETTERS.items() if replacement is None},
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
    }
)
_NOT_A_WORD_CHARACTER = re.compile(r"[^\w]|_")
# Dari verb and adjective prefixes and the plural suffix are written joined, with a non-joiner or with a space:
# "نمی خواهم", "نمی‌خواهم" and "نمیخواهم" are one word.
_DARI_PREFIX = re.compile(r"(?<!\S)(ن?می|بی) (?=[\u0600-\u06ff])")
_DARI_SUFFIX = re.compile(r"(?<=[\u0600-\u06ff]) (ها|های)(?!\S)")


def is_arabic_script(text: str) -> bool:
    """Whether `text` has a letter of the Arabic block (Dari, typed with a Persian or an Arabic keyboard)."""
    return any("\u0600" <= char <= "\u06ff" for char in text)


def fold(text: str, *, keep_diacritics: bool = False) -> str:
    """Casefolded, Arabic/Persian letter variants and digits unified, invisible joiners and tatweel removed, and
    diacritics (Latin accents, the Cyrillic breve, Arabic vowel marks) stripped unless `keep_diacritics`."""
    text = text.casefold()
    if keep_diacritics:
        text = unicodedata.normalize("NFC", text)
    else:
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return text.translate(_LETTERS)


def fold_in_place(text: str) -> str:
    """`fold` one character for one character, so that a position in the result is the same position in `text`:
    lower case where that is one character, each letter without its diacritics, letter variants and digits
    unified, invisible joiners and tatweel as spaces, one apostrophe."""
    folded = []
    for char in text:
        letter = unicodedata.normalize("NFD", char)[0]
        lower = letter.lower()
        folded.append(lower if len(lower) == 1 else letter)
    return "".join(folded).translate(_IN_PLACE).translate(_LETTERS)


def words(text: str, *, keep_diacritics: bool = False) -> str:
    """`fold`ed, then only its words separated by single spaces, Dari prefixes joined to their word: for matching
    a phrase anywhere in a message (`f" {phrase} " in f" {words(text)} "`)."""
    spaced = " ".join(_NOT_A_WORD_CHARACTER.sub(" ", fold(text, keep_diacritics=keep_diacritics)).split())
    return _DARI_SUFFIX.sub(r"\1", _DARI_PREFIX.sub(r"\1", spaced))
