"""Needs by likeness to labelled example answers: for the paraphrases no lexicon term covers.

The lexicons find a need by its words ("debts", "دیون"), with negation, time and who around them (`rules`). People
also say it without those words ("the bailiff came again", "I feel empty and see no point in anything"). For those,
one logistic regression per need reads the message's character and word n-grams (TF-IDF of `bot.normalise.words`,
so diacritics, case and Dari letter variants do not matter) and is trained on the labelled short answers of the
need sets (`EXAMPLE_SETS`: about 2,700 messages in the six languages, each with its gold needs, including the ones
with no need: denied, over, someone else's).

What it adds is never taken for granted: `rules.extract` reports it as an unsure mention, which the dialogue asks
about with yes/no ("Did I understand you right? ..."; `bot/intake/unsure_needs.py`). And it speaks only where the
lexicons found no need in the message, and never for a need a lexicon term names there denied ("geen schulden"):
that is the lexicon's to judge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.nlu.ngrams import fit_ngrams
from bot.normalise import words

ROOT = Path(__file__).resolve().parents[3]
# The labelled short answers it learns from: the development sets and the probes that have been tuned on. Not the
# held-out sets (tests/nlu/), and not the last probes (probe_parity4, probe_short4), kept fresh to measure it.
EXAMPLE_SETS = (
    "tests/nlu_components/dev_short",
    "tests/nlu_components/dev_needs",
    "tests/nlu_components/probe_short",
    "tests/nlu_components/probe_short_kabuli",
    "tests/nlu_components/probe_parity",
    "tests/nlu_components/probe_parity3",
    "tests/nlu_components/probe_dari_voices",
)
# A need is added at this probability or above, and only when the message is at least MIN_SIMILARITY close (cosine
# of the TF-IDF vectors) to one of the need's examples: the regression alone also fires on one word it weighs
# heavily ("house", "خانه", "Dutch" in "my Dutch is good"). Chosen on the tuned sets, each scored with the classifier
# fitted without it (README, "Needs by likeness"). On 1,044 short answers of six of them, where the lexicons found
# nothing (`rules.extract`): no similarity bound found 15 needs the lexicons missed for 18 false ones, 0.4 found 10
# for 8 (0.3: 15 for 16; 0.5: 4 for 3); a probability of 0.5 instead of 0.6 gave the same. These sets are
# pessimistic: the lexicons were tuned on them and miss little. On the two probes written after it was built
# (probe_parity4, probe_short4: 360 answers) it found 13 needs the lexicons missed, and no false one.
THRESHOLD = 0.6
MIN_SIMILARITY = 0.4
# Shorter messages are answers to a question ("yes", "no idea", "only Dutch"), not a story: the lexicon alone.
MIN_WORDS = 3
# Inverse regularisation of each regression: the examples are few and their words specific.
C = 16.0

Example = tuple[str, frozenset[str]]


def example_files(sets: Iterable[str] = EXAMPLE_SETS, root: Path = ROOT) -> list[Path]:
    return sorted(path for folder in sets for path in (root / folder).glob("*.yml"))


def load_examples(files: Iterable[Path]) -> list[Example]:
    """(text, gold needs) of every message of the need set files."""
    examples = []
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for message in data.get("messages") or []:
            examples.append((str(message["text"]), frozenset(message.get("needs") or [])))
    return examples


def fingerprint(files: Iterable[Path]) -> str:
    """A hash of the example files' names and contents: a changed example set means a new classifier."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class SimilarNeeds:
    """`needs(text)`: the needs whose regression gives `text` a probability of `threshold` or more."""

    vectorizer: object
    models: dict[str, object]
    threshold: float = THRESHOLD
    # need -> the TF-IDF rows of its examples; a need is added only when the message is this close to one of them.
    examples: dict[str, object] | None = None
    min_similarity: float = MIN_SIMILARITY

    @classmethod
    def fit(cls, examples: Sequence[Example], needs: Iterable[str], threshold: float = THRESHOLD) -> SimilarNeeds:
        from sklearn.linear_model import LogisticRegression

        vectorizer, features = fit_ngrams([text for text, _ in examples])
        models = {}
        for need in needs:
            labels = [need in gold for _, gold in examples]
            # A need without examples of both kinds cannot be learnt: the lexicon alone.
            if sum(labels) < 2 or all(labels):
                continue
            model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
            model.fit(features, labels)
            models[need] = model
        positives = {need: features[[i for i, (_, gold) in enumerate(examples) if need in gold]] for need in models}
        return cls(vectorizer, models, threshold, positives)

    def needs(self, text: str) -> set[str]:
        read = words(text)
        if len(read.split()) < MIN_WORDS:
            return set()
        features = self.vectorizer.transform([read])
        found = set()
        for need, model in self.models.items():
            if model.predict_proba(features)[0, 1] < self.threshold:
                continue
            # Each of the two vectorizers' rows has length 1: the joint cosine is half their dot product.
            if self.min_similarity and (self.examples[need] @ features.T).max() / 2 < self.min_similarity:
                continue
            found.add(need)
        return found
