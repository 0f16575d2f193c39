"""Rasa NLU component: finds the needs of the checklist that a message mentions, in any of the six languages.

Every message is matched against all six lexicons (`bot/nlu/lexicon/<code>.yml`), whatever its language: people
mix languages and the detector abstains on short messages. Each need found becomes one entity
`{"entity": "need", "value": <need id>, "start", "end", ...}` whose span is the evidence (the person's words).

Matching works on tokens that are casefolded and stripped of diacritics (so "nemám dlhy" and "nemam dlhy" are
equal). A lexicon term is a sequence of token patterns:
  `schuld*`  a token starting with "schuld" (schulden, schuldbemiddeling)
  `*schuld*` a token containing "schuld" (betalingsschulden)
  `huis`     exactly the token "huis"
  `...`      up to two other tokens ("don't have ... house" matches "don't have a house")
Terms that name a problem ("debts") are cancelled by a negation cue of the same lexicon a few tokens before them
("I don't have debts"), or, where the language allows it, shortly after them (Dari "قرض ندارم", Slovak "dlhy
nemam"), never across punctuation or a clause word ("and", "but"). Terms that name a lack ("no house",
"geen inkomen") carry their own negation and are written as phrases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
LEXICON_LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
NEED_IDS = (
    "limited_network",
    "limited_work_experience",
    "limited_dutch",
    "financial_need",
    "psychological",
    "low_education",
    "housing",
    "literacy_digital",
    "residence_status",
    "family_relationships",
    "addiction",
    "family_care",
    "childcare",
    "medical",
    "distrust",
    "justice",
    "day_night_rhythm",
)
# Observed by a coach only: the assistant never records these from what a person types.
EXCLUDED_NEED_IDS = ("motivation", "cultural_gap", "aggression")

# A weak term's need is dropped when the message also mentions one of these needs: "my mother is sick" is family
# care, not the person's own illness.
WEAK_YIELDS_TO = {"medical": {"family_care"}, "psychological": {"family_care"}}

ENTITY_NAME = "need"
EXTRACTOR_NAME = "NeedExtractor"
GAP = "..."
MAX_GAP = 2
# Lexicon words this long also match with one typo ("depresion", "homless"); shorter ones would collide with real
# words of another language too often.
MIN_TYPO_LENGTH = 8

_MARKS = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d])*")
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
    for match in _TOKEN.finditer(text):
        gap = text[previous_end : match.start()]
        tokens.append(Token(normalize(match.group()), match.start(), match.end(), bool(_CLAUSE_BREAK.search(gap))))
        previous_end = match.end()
    return tokens


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

    def allows(self, token: str) -> bool:
        return not (self.lack and token.startswith(PROBLEM_PREFIXES))


# A lack phrase's negation stays next to its noun: these words between them make it a different sentence.
PROBLEM_PREFIXES = ("probl", "проблем", "مشکل", "moshkel", "mushkil", "enkel", "any", "ziadn", "nici", "никакв", "هیچ")


@dataclass(frozen=True)
class Term:
    need: str
    source: str
    patterns: tuple[Pattern | Gap, ...]
    # Terms that carry their own negation ("no house") are not cancelled by a negation cue.
    negatable: bool
    # Weak terms ("~sick") give way to a stronger reading of the same words (see WEAK_YIELDS_TO).
    weak: bool = False


def _parse_term(need: str, source: str, negation_words: frozenset[str], negatable: bool = True) -> Term:
    weak = source.startswith("~")
    source = source.lstrip("~")
    patterns: list[Pattern | Gap] = []
    for piece in source.split():
        if piece == GAP:
            patterns.append(Gap())
            continue
        infix = piece.startswith("*")
        prefix = piece.endswith("*")
        words = [normalize(m.group()) for m in _TOKEN.finditer(piece.strip("*"))]
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
    return Term(need, source, tuple(patterns), negatable=negatable and not own_negation, weak=weak)


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
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


def _check_strings(values: list[Any], where: str) -> None:
    for value in values:
        if not isinstance(value, str):
            raise ValueError(f"lexicon {where}: {value!r} is not a string (quote yes/no/on/off in YAML)")


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
    typo_index: dict[str, set[Pattern]] | None = None
    known_words: set[str] = field(default_factory=set)
    # Terms by their first pattern, so that a token is only tried against terms that can start there.
    _first_index: tuple[dict[str, list[int]], dict[str, list[int]], list[int], dict[Pattern, list[int]]] | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lexicon:
        negation = data.get("negation") or {}

        def split(words: list[str]) -> tuple[frozenset[str], tuple[str, ...]]:
            _check_strings(words, "negation")
            exact = frozenset(normalize(w) for w in words if not w.endswith("*"))
            prefixes = tuple(normalize(w[:-1]) for w in words if w.endswith("*"))
            return exact, prefixes

        before, before_prefixes = split(negation.get("before") or [])
        after, after_prefixes = split(negation.get("after") or [])
        _check_strings(data.get("clause_words") or [], "clause_words")
        _check_strings(data.get("exclude") or [], "exclude")
        for need, sources in (data.get("needs") or {}).items():
            _check_strings(sources or [], need)
        not_negated = set(data.get("not_negated") or [])
        terms = [
            _parse_term(need, source, before | after, negatable=need not in not_negated)
            for need, sources in (data.get("needs") or {}).items()
            for source in sources or []
        ]
        lexicon = cls(
            code=data["code"],
            terms=terms,
            negation_before=before,
            negation_before_prefixes=before_prefixes,
            negation_after=after,
            negation_after_prefixes=after_prefixes,
            window_before=int(negation.get("window_before", 3)),
            window_after=int(negation.get("window_after", 0)),
            clause_words=frozenset(normalize(w) for w in data.get("clause_words") or []),
            excludes=[_parse_term("", source, frozenset()) for source in data.get("exclude") or []],
        )
        return lexicon

    def _is_cue(self, token: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> bool:
        return token in exact or any(token.startswith(p) for p in prefixes)

    def _match(
        self,
        patterns: tuple[Pattern | Gap, ...],
        index: int,
        tokens: list[Token],
        position: int,
        aliases: list[set[Pattern]] | None = None,
    ) -> int | None:
        """Index after the last token matched by `patterns[index:]` from `position`, or None."""
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
                end = self._match(patterns, index + 1, tokens, candidate, aliases)
                if end is not None:
                    return end
            return None
        if position >= len(tokens):
            return None
        if not pattern.matches(tokens[position].norm) and not (aliases and pattern in aliases[position]):
            return None
        if index > 0 and tokens[position].break_before:
            return None
        return self._match(patterns, index + 1, tokens, position + 1, aliases)

    def negated(self, tokens: list[Token], start: int, end: int) -> bool:
        # Before the term: walk back until a clause break or clause word.
        position = start
        for _ in range(self.window_before):
            if tokens[position].break_before:
                break
            position -= 1
            if position < 0:
                break
            word = tokens[position].norm
            if word in self.clause_words:
                break
            if self._is_cue(word, self.negation_before, self.negation_before_prefixes):
                return True
        # After the term (languages with free word order or verb-final negation).
        for position in range(end, min(end + self.window_after, len(tokens))):
            if tokens[position].break_before:
                break
            word = tokens[position].norm
            if word in self.clause_words:
                break
            if self._is_cue(word, self.negation_after, self.negation_after_prefixes):
                return True
        return False

    def typo_matches(self, word: str) -> set[Pattern]:
        """Long lexicon words that `word` (or, for stems, its beginning) is one typo away from."""
        if self.typo_index is None:
            # A word of the lexicon itself is never a typo of another one ("homeless" is not "hopeless").
            self.known_words = {item.text for term in self.terms for item in term.patterns if isinstance(item, Pattern)}
            index: dict[str, set[Pattern]] = {}
            for term in self.terms:
                for item in term.patterns:
                    if isinstance(item, Pattern) and not item.infix and len(item.text) >= MIN_TYPO_LENGTH:
                        for variant in _deletions(item.text):
                            index.setdefault(variant, set()).add(item)
            self.typo_index = index
        found: set[Pattern] = set()
        if len(word) < MIN_TYPO_LENGTH - 1 or word in self.known_words:
            return found
        for length in range(MIN_TYPO_LENGTH - 1, len(word) + 1):
            candidate = word[:length]
            for variant in _deletions(candidate):
                for item in self.typo_index.get(variant, ()):
                    if (item.prefix or length == len(word)) and _one_edit(candidate, item.text):
                        found.add(item)
        return found

    def excluded_spans(self, tokens: list[Token]) -> list[tuple[int, int]]:
        spans = []
        for start in range(len(tokens)):
            for term in self.excludes:
                end = self._match(term.patterns, 0, tokens, start)
                if end is not None and not self.negated(tokens, start, end):
                    spans.append((start, end))
        return spans

    def _starting_at(self, token: str, aliases: set[Pattern]) -> list[int]:
        """Indexes (in lexicon order) of the terms whose first pattern matches `token` or one of its typo aliases."""
        if self._first_index is None:
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
            self._first_index = (exact, prefix, infix, by_pattern)
        exact, prefix, infix, by_pattern = self._first_index
        numbers = set(exact.get(token, ()))
        for length in range(1, len(token) + 1):
            numbers.update(prefix.get(token[:length], ()))
        numbers.update(number for number in infix if self.terms[number].patterns[0].matches(token))
        for alias in aliases:
            numbers.update(by_pattern.get(alias, ()))
        return sorted(numbers)

    def find(self, tokens: list[Token]) -> list[tuple[str, int, int, bool, bool]]:
        """(need, first token, token after the last, negated, weak) for every term occurrence."""
        aliases = [self.typo_matches(token.norm) for token in tokens]
        found = []
        for start in range(len(tokens)):
            for number in self._starting_at(tokens[start].norm, aliases[start]):
                term = self.terms[number]
                end = self._match(term.patterns, 0, tokens, start, aliases)
                if end is None:
                    continue
                negated = term.negatable and self.negated(tokens, start, end)
                found.append((term.need, start, end, negated, term.weak))
        return found


@lru_cache(maxsize=1)
def load_lexicons(directory: str = str(LEXICON_DIR)) -> tuple[Lexicon, ...]:
    lexicons = []
    for code in LEXICON_LANGUAGES:
        path = Path(directory) / f"{code}.yml"
        with path.open(encoding="utf-8") as handle:
            lexicons.append(Lexicon.from_dict(yaml.safe_load(handle)))
    return tuple(lexicons)


@dataclass(frozen=True)
class NeedMention:
    need: str
    start: int
    end: int
    text: str

    def as_entity(self) -> dict[str, Any]:
        return {
            "entity": ENTITY_NAME,
            "value": self.need,
            "start": self.start,
            "end": self.end,
            "confidence_entity": 1.0,
            "extractor": EXTRACTOR_NAME,
        }


def extract(text: str | None, lexicons: tuple[Lexicon, ...] | None = None) -> list[NeedMention]:
    """One mention per need that `text` mentions (not negated), in order of appearance."""
    if not text or text.lstrip().startswith("/"):
        return []
    tokens = tokenize(text)
    if not tokens:
        return []
    best: dict[str, tuple[int, int]] = {}
    cancelled: set[tuple[str, int, int]] = set()
    candidates: list[tuple[str, int, int]] = []
    weak: set[tuple[str, int, int]] = set()
    excluded: list[tuple[int, int]] = []
    for lexicon in lexicons or load_lexicons():
        excluded.extend(lexicon.excluded_spans(tokens))
        for need, start, end, negated, is_weak in lexicon.find(tokens):
            if negated:
                cancelled.add((need, start, end))
            else:
                candidates.append((need, start, end))
                if is_weak:
                    weak.add((need, start, end))
    found_needs = {c[0] for c in candidates}
    for need, start, end in candidates:
        if (need, start, end) in weak and found_needs & WEAK_YIELDS_TO.get(need, set()):
            continue
        # A span negated by one lexicon's cues stays negated ("geen schulden" is not rescued by another lexicon).
        if any(c[0] == need and c[1] <= start and end <= c[2] for c in cancelled):
            continue
        if any(x_start < end and start < x_end for x_start, x_end in excluded):
            continue
        # Words inside (or overlapping) a longer phrase of another need belong to that phrase ("kind met een
        # beperking" is family care, not the person's own disability).
        if any(
            other != need and o_start < end and start < o_end and o_end - o_start > end - start
            for other, o_start, o_end in candidates
        ):
            continue
        current = best.get(need)
        if current is None or start < current[0] or (start == current[0] and end > current[1]):
            best[need] = (start, end)
    mentions = [
        NeedMention(need, tokens[s].start, tokens[e - 1].end, text[tokens[s].start : tokens[e - 1].end])
        for need, (s, e) in best.items()
    ]
    return sorted(mentions, key=lambda m: (m.start, m.need))


try:  # The Rasa component; the matching above works without Rasa (tests, tools).
    from rasa.engine.graph import ExecutionContext, GraphComponent
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe
    from rasa.engine.storage.resource import Resource
    from rasa.engine.storage.storage import ModelStorage
    from rasa.nlu.constants import ENTITY_ATTRIBUTE_CONFIDENCE_TYPE
    from rasa.shared.nlu.constants import (
        ENTITIES,
        ENTITY_ATTRIBUTE_END,
        ENTITY_ATTRIBUTE_START,
        ENTITY_ATTRIBUTE_TYPE,
        ENTITY_ATTRIBUTE_VALUE,
        EXTRACTOR,
        TEXT,
    )
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
except ImportError:  # pragma: no cover - outside the bot environment
    GraphComponent = object  # type: ignore[assignment,misc]
    DefaultV1Recipe = None  # type: ignore[assignment]

if DefaultV1Recipe is not None:

    @DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
    class NeedExtractor(GraphComponent):
        """Adds one `need` entity per need of the checklist that the message mentions."""

        @classmethod
        def create(
            cls,
            config: dict[str, Any],
            model_storage: ModelStorage,
            resource: Resource,
            execution_context: ExecutionContext,
        ) -> NeedExtractor:
            return cls()

        def __init__(self) -> None:
            self.lexicons = load_lexicons()

        def process(self, messages: list[Message]) -> list[Message]:
            for message in messages:
                mentions = extract(message.get(TEXT), self.lexicons)
                if not mentions:
                    continue
                new = [
                    {
                        ENTITY_ATTRIBUTE_TYPE: ENTITY_NAME,
                        ENTITY_ATTRIBUTE_VALUE: m.need,
                        ENTITY_ATTRIBUTE_START: m.start,
                        ENTITY_ATTRIBUTE_END: m.end,
                        ENTITY_ATTRIBUTE_CONFIDENCE_TYPE: 1.0,
                        EXTRACTOR: EXTRACTOR_NAME,
                    }
                    for m in mentions
                ]
                message.set(ENTITIES, list(message.get(ENTITIES, [])) + new, add_to_output=True)
            return messages

        def process_training_data(self, training_data: TrainingData) -> TrainingData:
            return training_data
