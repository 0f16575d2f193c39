"""Inflected forms: a lexicon word meets the forms people type of it ("къща" in "къщата", "پول" in "پولم").

A lexicon lists a word once, mostly in its dictionary form; people type it with an article, a plural, a possessive
or an attached preposition. Rather than list every form, a typed word is also read without one of its language's
endings (`base_forms`): when such a base form is an exact word of the lexicon, or starts with one of its stems
(`word*`), the typed word matches it. Only the typed word is reduced, never the lexicon word, so a lexicon word
that is itself derived ("روانی", mental) is not met by its root ("روان", flowing); and only with the endings of the
lexicon's own language, so a Bulgarian ending never changes how a Dutch word is read.

- Bulgarian (Cyrillic and Latin letters): the definite articles (-ът/-ят/-та/-то/-те, -ия/-ият, with their
  plurals -ите/-овете), the plurals -и/-ове/-ища and the first person plural -ме ("нямаме" is "нямам"'s "няма").
- Dari: the possessive suffixes (-م/-ت/-ش, -ام/-ات/-اش, -مان/-تان/-شان), the plurals (-ها/-های/-ان, with a
  possessive, and Kabuli -ا/-ای: "اولادا", "قرضا"), the Kabuli "my X" as an object (-مه, Iranian -مو: "حسابمه",
  "شوهرمو") and the ezafe or indefinite -ی, written joined or with a
  non-joiner (`fold` removes it); and a preposition written joined in front (ب/به/از: "بخانه", "ازپول"). Verb
  forms ("می...", "نکرده‌ام") keep their endings: a person ending changes who did it ("they never
  helped me" is not "I never worked").
- Slovak: case endings of nouns (the lexicon lists one case, people type another).
- Romanian: the enclitic articles (-ul/-ului/-le/-lor, -ia for -ie, -ii for -i).
Dutch and English are left alone: their lexicons match stems (`schuld*`) and have few inflections.
A base form keeps at least three letters (four in Latin letters, where the six languages share an alphabet).
"""

from __future__ import annotations

from bot.normalise import is_arabic_script

# (ending, what replaces it) per language and script.
_BG_CYRILLIC = (
    ("овете", ""), ("ищата", "ища"), ("ията", "ия"), ("ият", "и"), ("ите", ""), ("ите", "и"), ("ата", "а"),
    ("ята", "я"), ("ото", "о"), ("ето", "е"), ("ове", ""), ("ът", ""), ("ят", ""), ("ия", "и"), ("та", ""),
    ("то", ""), ("те", ""), ("ме", ""), ("и", ""),
)  # fmt: skip
_BG_LATIN = (
    ("ovete", ""), ("iyata", "iya"), ("iqta", "iq"), ("iyat", "i"), ("iqt", "i"), ("ite", ""), ("ite", "i"),
    ("ata", "a"), ("ut", ""), ("yt", ""), ("ta", ""), ("to", ""), ("te", ""), ("me", ""), ("ove", ""), ("i", ""),
)  # fmt: skip
# Kabuli "my X" as an object ("حسابمه" = حسابم را, Iranian "شوهرمو" = شوهرم را): read as "حسابم" and "حساب".
_PRS_MY_OBJECT = (("مه", "م"), ("مه", ""), ("مو", "م"), ("مو", ""))
_PRS = _PRS_MY_OBJECT + tuple(
    (ending, "")
    for ending in [
        "هایشان",
        "هایتان",
        "هایمان",
        "هایم",
        "هایت",
        "هایش",
        "های",
        "ها",
        "شان",
        "تان",
        "مان",
        "ام",
        "ات",
        "اش",
        "ان",
        "ای",
        "ا",
        "ی",
        "م",
        "ت",
        "ش",
    ]
)
_PRS_PREFIXES = ("به", "ب", "از")
# Dari verbs: a continuous or negated form, or a participle with a person ending.
_PRS_VERB_STARTS = ("می", "نمی")
_PRS_PARTICIPLE_ENDS = ("ده", "ته")
_SK = tuple(
    (ending, "")
    for ending in ["ami", "ach", "och", "ovi", "ove", "ov", "om", "ou", "ej", "ho", "mu", "ym", "a", "e", "i", "u", "y"]
)
_RO = (("ului", ""), ("ilor", "i"), ("elor", "e"), ("urile", ""), ("ul", ""), ("le", ""), ("ia", "ie"), ("ii", "i"))

_RULES: dict[str, tuple[tuple[str, str], ...]] = {"prs": _PRS, "sk": _SK, "ro": _RO}


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in word)


def inflects(code: str) -> bool:
    """Whether typed words are also read without an ending for lexicon `code`."""
    return code in ("bg", "prs", "sk", "ro")


def _rules(code: str, word: str) -> tuple[tuple[tuple[str, str], ...], int]:
    if code == "bg":
        return (_BG_CYRILLIC, 3) if _is_cyrillic(word) else (_BG_LATIN, 4)
    if code == "prs":
        return (_PRS, 3) if is_arabic_script(word) else ((), 0)
    if _is_cyrillic(word) or is_arabic_script(word):
        return (), 0
    return _RULES.get(code, ()), 4


def base_forms(word: str, code: str) -> set[str]:
    """What the typed `word` (folded) may be an inflected form of in language `code`: the word without one
    ending (or a Dari word without an attached preposition, and that without an ending). Not `word` itself."""
    rules, min_length = _rules(code, word)
    if not rules:
        return set()
    words = {word}
    if code == "prs":
        if word.startswith(_PRS_VERB_STARTS):
            return set()
        words |= {word[len(p) :] for p in _PRS_PREFIXES if word.startswith(p) and len(word) - len(p) >= min_length}
    found: set[str] = set()
    for candidate in words:
        found.add(candidate)
        for ending, replacement in rules:
            if not candidate.endswith(ending):
                continue
            base = candidate[: -len(ending)] + replacement
            if len(base) < min_length:
                continue
            if code == "prs" and base.startswith("ن") and base.endswith(_PRS_PARTICIPLE_ENDS):
                continue
            found.add(base)
    found.discard(word)
    return found
