"""One language's need lexicon (`bot/nlu/lexicon/<code>.yml`): its terms, negation cues and lookup indexes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from bot.nlu.needs.dari_latin import canonical, canonical_source
from bot.nlu.needs.kabuli import possessives
from bot.nlu.needs.latin import latin_spellings
from bot.nlu.needs.morphology import base_forms, inflects
from bot.nlu.needs.terms import CORRECTION_WORDS, GAP, PROBLEM_WORDS, Pattern, Term, match, parse_term, window_terms
from bot.nlu.needs.tokens import Token
from bot.nlu.needs.typos import TypoIndex
from bot.normalise import fold, is_arabic_script

LEXICON_DIR = Path(__file__).resolve().parents[1] / "lexicon"
LEXICON_LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")


def _check_strings(values: list[Any], where: str) -> None:
    for value in values:
        if not isinstance(value, str):
            raise ValueError(f"lexicon {where}: {value!r} is not a string (quote yes/no/on/off in YAML)")


def _with_latin(sources: list[str]) -> list[str]:
    out = list(sources)
    known = {fold(source) for source in sources}
    for source in sources:
        for spelled in latin_spellings(fold(source)):
            if spelled not in known:
                known.add(spelled)
                out.append(spelled)
    return out


def _with_latin_spellings(data: dict[str, Any]) -> dict[str, Any]:
    """The Bulgarian lexicon with each Cyrillic term, exclude, window cue and object also in Latin letters
    (`bot/nlu/needs/latin.py`)."""
    data = dict(data)
    data["needs"] = {need: _with_latin(sources or []) for need, sources in (data.get("needs") or {}).items()}
    data["exclude"] = _with_latin(data.get("exclude") or [])
    data["windows"] = [
        {**window, "cues": _with_latin(window["cues"]), "objects": _with_latin(window["objects"])}
        for window in data.get("windows") or []
    ]
    return data


def _with_canonical_latin(data: dict[str, Any]) -> dict[str, Any]:
    """The Dari lexicon with each Latin word in its canonical spelling (`bot/nlu/needs/dari_latin.py`)."""

    def spell(sources: list[str]) -> list[str]:
        return list(dict.fromkeys(canonical_source(fold(source)) for source in sources))

    data = dict(data)
    negation = dict(data.get("negation") or {})
    for side in ("before", "after", "coordination"):
        negation[side] = spell(negation.get(side) or [])
    data["negation"] = negation
    data["clause_words"] = spell(data.get("clause_words") or [])
    data["needs"] = {need: spell(sources or []) for need, sources in (data.get("needs") or {}).items()}
    data["exclude"] = spell(data.get("exclude") or [])
    data["windows"] = [
        {**window, "cues": spell(window["cues"]), "objects": spell(window["objects"])}
        for window in data.get("windows") or []
    ]
    return data


# Dari marks a definite object with "را" (Kabuli "ره", Iranian "رو", read as "را" by `kabuli`) before its verb:
# "خواندن را بلد نیستم", "پول دوا را ندارم" say what "خواندن بلد نیستم", "پول دوا ندارم" say (issue 14, round 3).
_OBJECT_MARKER = "را"
# Words that go with the negated verb after them ("بلد نیستم", "پیدا نمیکنم"): the marker stands before them.
_VERB_PARTS = frozenset({"بلد", "پیدا", "کرده", "شده", "داده", "گرفته", "خریده", "پرداخت", "تحمل"})


def _with_object_marker(data: dict[str, Any]) -> dict[str, Any]:
    """The Dari lexicon with each term that ends in a negated verb ("خواندن بلد نیستم", "پول ... ندارم") also with
    the object marker "را" before that verb ("خواندن را بلد نیستم"); windows and terms with the marker are left."""
    negation = data.get("negation") or {}
    negated = {fold(word) for word in negation.get("after") or [] if not word.endswith("*")}

    def is_negated_verb(word: str) -> bool:
        return word in negated or (word.startswith("نمی") and len(word) > 4)

    def marked(source: str) -> str | None:
        words = source.split(" ")
        if len(words) < 2 or _OBJECT_MARKER in words or source.startswith("~") or not is_negated_verb(words[-1]):
            return None
        at = len(words) - 2 if len(words) > 2 and words[-2] in _VERB_PARTS else len(words) - 1
        if at < 1 or words[at - 1] in (GAP, _OBJECT_MARKER) or not is_arabic_script(words[at - 1]):
            return None
        return " ".join([*words[:at], _OBJECT_MARKER, *words[at:]])

    def marked_cue(cue: str) -> str | None:
        words = cue.split(" ")
        if not is_negated_verb(words[-1]) or not all(word in _VERB_PARTS for word in words[:-1]):
            return None
        return f"{_OBJECT_MARKER} {cue}"

    data = dict(data)
    data["needs"] = {
        need: list(dict.fromkeys([*sources, *(m for m in map(marked, sources) if m)]))
        for need, sources in (data.get("needs") or {}).items()
    }
    # A window's negated verb ("ندارم", "بلد نیستم") after its object: also with the marker ("پول کرایه را ندارم").
    data["windows"] = [
        {
            **window,
            "cues": list(dict.fromkeys([*window["cues"], *(m for cue in window["cues"] if (m := marked_cue(cue)))])),
        }
        for window in data.get("windows") or []
    ]
    return data


class Occurrence(NamedTuple):
    """One occurrence of a term in a message: tokens start..end (exclusive)."""

    need: str
    start: int
    end: int
    negated: bool
    # A weak term (`~word`): it gives way to a stronger reading, and alone it is unsure.
    weak: bool
    # Matched only with a typo in one of its words.
    typo: bool
    # A lack phrase ("no house"): it carries its own negation.
    lack: bool = False


@dataclass
class Lexicon:
    code: str
    terms: list[Term]
    negation_before: frozenset[str]
    negation_before_prefixes: tuple[str, ...]
    negation_after: frozenset[str]
    negation_after_prefixes: tuple[str, ...]
    window_before: int
    window_after: int
    clause_words: frozenset[str]
    # Phrases that name no need although they contain a term ("I have papers"); matches overlapping them are dropped.
    excludes: list[Term] = field(default_factory=list)
    # Latin words are read in one canonical spelling (Dari in Latin letters: `dari_latin`).
    canonical_latin: bool = False
    # Words for "and" between two problems that one negation denies together ("no debts and loans", "قرض و وام
    # ندارم"): `negation: coordination:`, used by `rules`.
    coordination: frozenset[str] = frozenset()
    # "Neither ... nor" (`negation: neither:`): read as this lexicon's word `neither_as`, a negation cue that also
    # makes a lack phrase ("neither money nor work" as "no money no work"; "نه اقامت دارم نه پیسه" as "هیچ اقامت
    # دارم هیچ پیسه": no papers, no money; "نه قرض دارم نه وام" stays no debts).
    neither: frozenset[str] = frozenset()
    # The word to read instead, one per script: a Latin "neither" word is read as the Latin one ("na" as "hich").
    neither_as: tuple[str, ...] = ()
    # Spoken forms typed as said, read as the written word (`spoken:`): Flemish "ni" as "niet", "gene" as "geen",
    # "kheb" as "heb"; East Slovak "šicko" as "všetko". One word for one word, so that offsets stay.
    spoken: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lexicon:
        negation = data.get("negation") or {}

        def split(words: list[str]) -> tuple[frozenset[str], tuple[str, ...]]:
            _check_strings(words, "negation")
            exact = frozenset(fold(w) for w in words if not w.endswith("*"))
            prefixes = tuple(fold(w[:-1]) for w in words if w.endswith("*"))
            return exact, prefixes

        _check_strings(negation.get("coordination") or [], "negation coordination")
        _check_strings([*(negation.get("neither") or []), *(negation.get("neither_as") or [])], "negation neither")
        before, before_prefixes = split(negation.get("before") or [])
        after, after_prefixes = split(negation.get("after") or [])
        _check_strings(data.get("clause_words") or [], "clause_words")
        _check_strings(data.get("exclude") or [], "exclude")
        spoken = data.get("spoken") or {}
        _check_strings([*spoken, *spoken.values()], "spoken")
        if any(len(word.split()) != 1 for word in [*spoken, *spoken.values()]):
            raise ValueError(f"{data['code']}: a spoken form and its written word are one word each")
        for need, sources in (data.get("needs") or {}).items():
            _check_strings(sources or [], need)
        if data["code"] == "bg":
            data = _with_latin_spellings(data)
        if data["code"] == "prs":
            data = _with_canonical_latin(data)
            data = _with_object_marker(data)
        not_negated = set(data.get("not_negated") or [])
        terms = [
            parse_term(need, source, before | after, negatable=need not in not_negated)
            for need, sources in (data.get("needs") or {}).items()
            for source in sources or []
        ]
        for window in data.get("windows") or []:
            _check_strings([window["need"], *window["cues"], *window["objects"]], "windows")
            terms.extend(
                window_terms(
                    window["need"],
                    window["cues"],
                    window["objects"],
                    before | after,
                    bool(window.get("either_order", False)),
                    negatable=window["need"] not in not_negated,
                    weak=bool(window.get("weak", False)),
                    stop=frozenset(fold(w) for w in data.get("clause_words") or []),
                )
            )
        return cls(
            code=data["code"],
            terms=terms,
            negation_before=before,
            negation_before_prefixes=before_prefixes,
            negation_after=after,
            negation_after_prefixes=after_prefixes,
            window_before=int(negation.get("window_before", 3)),
            window_after=int(negation.get("window_after", 0)),
            clause_words=frozenset(fold(w) for w in data.get("clause_words") or []),
            excludes=[parse_term("", source, frozenset()) for source in data.get("exclude") or []],
            canonical_latin=data["code"] == "prs",
            coordination=frozenset(fold(w) for w in negation.get("coordination") or []),
            neither=frozenset(fold(w) for w in negation.get("neither") or []),
            neither_as=tuple(fold(w) for w in negation.get("neither_as") or []),
            spoken={fold(said): fold(written) for said, written in spoken.items()},
        )

    def read(self, tokens: list[Token]) -> list[Token]:
        """`tokens` as this lexicon reads them: spoken forms as written ones; Latin words in their canonical spelling
        for Dari."""
        if self.spoken:
            tokens = [replace(token, norm=self.spoken.get(token.norm, token.norm)) for token in tokens]
        if self.canonical_latin:
            words = possessives([canonical(token.norm) for token in tokens])
            tokens = [replace(token, norm=word) for token, word in zip(tokens, words, strict=True)]
        return tokens

    def _read_neither(self, tokens: list[Token]) -> tuple[list[Token], set[int]]:
        """A "neither" word is read as `neither_as` when the message has another one ("نه ... نه", "нито ..., нито")
        or a negation cue stands before it in its stretch of words ("nemám škôlku ani peniaze", "no money nor work")."""
        positions = [index for index, token in enumerate(tokens) if token.norm in self.neither]
        read, changed = list(tokens), set()
        if not self.neither_as:
            return read, changed
        for index in positions:
            paired = len(positions) > 1
            position = index
            while not paired and position > 0 and not tokens[position].break_before:
                position -= 1
                paired = self._is_cue(tokens[position].norm, self.negation_before, self.negation_before_prefixes)
            same_script = [word for word in self.neither_as if word.isascii() == tokens[index].norm.isascii()]
            if paired and same_script:
                read[index] = replace(tokens[index], norm=same_script[0])
                changed.add(index)
        return read, changed

    def _is_cue(self, token: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> bool:
        return token in exact or any(token.startswith(p) for p in prefixes)

    def negated(self, tokens: list[Token], start: int, end: int) -> bool:
        """Whether a negation cue stands in the window before tokens start..end or, for languages with free word order
        or verb-final negation, in the window after them, in the same clause."""
        return self._cue_before(tokens, start, self.window_before, self.clause_words) or self._cue_after(
            tokens, end, self.window_after, self.clause_words
        )

    def negation_beside(self, tokens: list[Token], start: int, end: int, reach: int = 2) -> tuple[bool, bool]:
        """Whether a negation cue stands within `reach` tokens before tokens start..end ("no debts", "nu am
        datorii"), and whether one stands within `reach` after them ("قرض ندارم"), in the same stretch of words."""
        tokens = self.read(tokens)
        return self._cue_before(tokens, start, reach), self._cue_after(tokens, end, reach)

    def _cue_before(self, tokens: list[Token], start: int, reach: int, stops: frozenset[str] = frozenset()) -> bool:
        """A negation cue among the `reach` tokens before `start`, walking back to a break or a word of `stops`."""
        for position in range(start - 1, max(start - reach, 0) - 1, -1):
            word = tokens[position].norm
            if tokens[position + 1].break_before or word in stops:
                return False
            if self._is_cue(word, self.negation_before, self.negation_before_prefixes):
                return True
        return False

    def _cue_after(self, tokens: list[Token], end: int, reach: int, stops: frozenset[str] = frozenset()) -> bool:
        """A negation cue among the `reach` tokens from `end` on, up to a break or a word of `stops`."""
        for position in range(end, min(end + reach, len(tokens))):
            word = tokens[position].norm
            if tokens[position].break_before or word in stops:
                return False
            if self._is_cue(word, self.negation_after, self.negation_after_prefixes):
                return True
        return False

    @cached_property
    def typos(self) -> TypoIndex:
        return TypoIndex(self.terms)

    def typo_matches(self, word: str) -> set[Pattern]:
        return self.typos.matches(word)

    @cached_property
    def _form_index(self) -> tuple[dict[str, set[Pattern]], dict[str, set[Pattern]]]:
        """The words of this lexicon's terms and excludes: exact words and stems (`word*`), by their text."""
        exact: dict[str, set[Pattern]] = {}
        prefixes: dict[str, set[Pattern]] = {}
        for term in [*self.terms, *self.excludes]:
            for item in term.patterns:
                if isinstance(item, Pattern) and not item.infix:
                    (prefixes if item.prefix else exact).setdefault(item.text, set()).add(item)
        return exact, prefixes

    def form_matches(self, word: str) -> set[Pattern]:
        """The words of this lexicon that `word` is an inflected form of (see `morphology`)."""
        if not inflects(self.code):
            return set()
        exact, prefixes = self._form_index
        found: set[Pattern] = set()
        for form in base_forms(word, self.code):
            found.update(exact.get(form, ()))
            for length in range(1, len(form) + 1):
                found.update(prefixes.get(form[:length], ()))
        return found

    def excluded_spans(self, tokens: list[Token], forms: list[set[Pattern]] | None = None) -> list[tuple[int, int]]:
        tokens = self.read(tokens)
        if forms is None:
            forms = [self.form_matches(token.norm) for token in tokens]
        spans = []
        for start in range(len(tokens)):
            for term in self.excludes:
                end = match(term.patterns, 0, tokens, start, forms)
                if end is not None and not self.negated(tokens, start, end):
                    spans.append((start, end))
        return spans

    @cached_property
    def _first_index(self) -> tuple[dict[str, list[int]], dict[str, list[int]], list[int], dict[Pattern, list[int]]]:
        """Terms by their first pattern, so that a token is only tried against terms that can start there."""
        exact: dict[str, list[int]] = {}
        prefix: dict[str, list[int]] = {}
        infix: list[int] = []
        by_pattern: dict[Pattern, list[int]] = {}
        for number, term in enumerate(self.terms):
            first = term.patterns[0]
            assert isinstance(first, Pattern)  # checked when the term is parsed
            by_pattern.setdefault(first, []).append(number)
            if first.infix:
                infix.append(number)
            else:
                (prefix if first.prefix else exact).setdefault(first.text, []).append(number)
        return exact, prefix, infix, by_pattern

    def _starting_at(self, token: str, aliases: set[Pattern]) -> list[int]:
        """Indexes (in lexicon order) of the terms whose first pattern matches `token` or one of its typo aliases."""
        exact, prefix, infix, by_pattern = self._first_index
        numbers = set(exact.get(token, ()))
        for length in range(1, len(token) + 1):
            numbers.update(prefix.get(token[:length], ()))
        numbers.update(number for number in infix if self.terms[number].patterns[0].matches(token))
        for alias in aliases:
            numbers.update(by_pattern.get(alias, ()))
        return sorted(numbers)

    def find(self, tokens: list[Token]) -> list[Occurrence]:
        """Every occurrence of a term of this lexicon in `tokens`, and the lack phrases a "neither" word begins."""
        tokens = self.read(tokens)
        found = self._find(tokens)
        neither, changed = self._read_neither(tokens)
        if changed:
            found += [o for o in self._find(neither) if o.start in changed and o.lack and not o.negated]
        return found

    def _find(self, tokens: list[Token]) -> list[Occurrence]:
        forms = [self.form_matches(token.norm) for token in tokens]
        aliases = [self.typo_matches(token.norm) | form for token, form in zip(tokens, forms, strict=True)]
        found = []
        for start in range(len(tokens)):
            for number in self._starting_at(tokens[start].norm, aliases[start]):
                term = self.terms[number]
                end = match(term.patterns, 0, tokens, start, forms)
                typo = end is None
                if typo:
                    end = match(term.patterns, 0, tokens, start, aliases)
                if end is None:
                    continue
                negated = term.negatable and self.negated(tokens, start, end)
                if term.lack and end < len(tokens) and not tokens[end].break_before:
                    # "no housing problem" denies a problem; it is not "no housing".
                    negated = negated or tokens[end].norm.startswith(PROBLEM_WORDS)
                    # "geen leefloon maar een uitkering" says which income, not that there is none.
                    negated = negated or (term.window and tokens[end].norm in CORRECTION_WORDS)
                found.append(Occurrence(term.need, start, end, negated, term.weak, typo, term.lack))
        return found


@lru_cache(maxsize=1)
def load_lexicons(directory: str = str(LEXICON_DIR)) -> tuple[Lexicon, ...]:
    lexicons = []
    for code in LEXICON_LANGUAGES:
        path = Path(directory) / f"{code}.yml"
        with path.open(encoding="utf-8") as handle:
            lexicons.append(Lexicon.from_dict(yaml.safe_load(handle)))
    return tuple(lexicons)
