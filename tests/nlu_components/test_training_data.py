"""The NLU training data: no message of the held-out or development sets, none under two intents, enough per intent.

Failures name how many messages are wrong, never the held-out texts (they must stay unseen)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tools.evaluate import load_intent_examples, message_key
from tools.need_scores import load_need_set

ROOT = Path(__file__).resolve().parents[2]
TRAINING = sorted((ROOT / "bot" / "data" / "nlu").glob("*.yml"))
LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
# Intents only reached by a button (payloads, or the widget's /restart); every other intent needs real examples.
BUTTON_ONLY = {"change", "choose_neighbourhood", "restart"}
ENTITY_INTENTS = {"choose_language", "choose_contact", "choose"}


def training_examples() -> list[tuple[str, str, str]]:
    """(file stem, text, intent) of every training example."""
    return [(path.stem, text, intent) for path in TRAINING for text, intent in load_intent_examples(path)]


def trained_messages() -> set[str]:
    return {message_key(text) for _, text, _ in training_examples()}


def folder_messages(folder: str) -> list[str]:
    """Every example of the <code>.yml intent sets of a folder, as compared with the training data."""
    return [
        message_key(text) for path in sorted((ROOT / folder).glob("*.yml")) for text, _ in load_intent_examples(path)
    ]


def test_no_held_out_message_is_trained_on() -> None:
    held_out = {
        message_key(text) for code in LANGUAGES for text, _ in load_intent_examples(ROOT / "tests/nlu" / f"{code}.yml")
    }
    for code in LANGUAGES:
        for folder in ("tests/nlu/needs", "tests/nlu/short"):
            held_out |= {message_key(item.text) for item in load_need_set(ROOT / folder / f"{code}.yml") or []}
    leaked = sum(message_key(text) in held_out for _, text, _ in training_examples())
    assert leaked == 0, f"{leaked} training examples are held-out messages"


def test_no_development_message_is_trained_on() -> None:
    """The intent development sets (tests/nlu_components/dev_intents/) measure how the classifier does on messages
    it has not seen, before the held-out sets are run: a training example equal to one of them hides that."""
    dev = set(folder_messages("tests/nlu_components/dev_intents"))
    assert dev, "no development messages found"
    leaked = sorted(text for _, text, _ in training_examples() if message_key(text) in dev)
    assert not leaked


def test_the_blind_intent_probe_stays_apart_from_the_training_data() -> None:
    """tests/nlu_components/probe_intents/ was written by helpers who saw no training data: 130 of its 476 messages
    are everyday words the training data has too ("hallo", "nee", "volgende vraag"). No more may join it."""
    probe = folder_messages("tests/nlu_components/probe_intents")
    assert len(probe) == 476
    trained = trained_messages()
    assert sum(text in trained for text in probe) <= 130


def test_the_fresh_held_out_intent_set_stays_apart_from_the_training_data() -> None:
    """tests/nlu/fresh_intents/ (held-out, written blind for issue 14: 9 messages for each of the 19 intents in each
    language) shares 303 of its 1,026 messages with the training data, all everyday words a blind writer uses too.
    None may join the training data: the cap fails on the first one."""
    fresh = {code: load_intent_examples(ROOT / "tests/nlu/fresh_intents" / f"{code}.yml") for code in LANGUAGES}
    for code, examples in fresh.items():
        per_intent = defaultdict(int)
        for _, intent in examples:
            per_intent[intent] += 1
        assert len(per_intent) == 19 and set(per_intent.values()) == {9}, code
    trained = trained_messages()
    assert sum(text in trained for text in folder_messages("tests/nlu/fresh_intents")) <= 303


def test_the_second_development_set_stays_apart_from_the_training_data() -> None:
    """tests/nlu_components/dev2_intents/ (written blind for issue 14, 1,026 messages) shares 280 everyday messages
    with the training data; the examples added after it was read were kept apart from it. No more may join."""
    dev2 = folder_messages("tests/nlu_components/dev2_intents")
    assert len(dev2) == 1026
    trained = trained_messages()
    assert sum(text in trained for text in dev2) <= 280


def test_no_message_is_taught_as_two_intents() -> None:
    intents = defaultdict(set)
    for _, text, intent in training_examples():
        intents[message_key(text)].add(intent)
    conflicting = {text: sorted(found) for text, found in intents.items() if len(found) > 1}
    assert not conflicting


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_intent_has_real_examples_in_every_language(code: str) -> None:
    counts: dict[str, int] = defaultdict(int)
    for _text, intent in load_intent_examples(ROOT / "bot/data/nlu" / f"{code}.yml"):
        counts[intent] += 1
    short = {
        intent: count
        for intent, count in counts.items()
        if count < (20 if intent in ENTITY_INTENTS else 90 if intent == "inform" else 40)
    }
    assert not short
    assert not BUTTON_ONLY & set(counts)
