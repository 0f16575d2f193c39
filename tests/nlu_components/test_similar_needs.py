"""Needs by likeness to example answers (bot/nlu/needs/similar.py) and the trainable NeedExtractor around it: what
it adds comes as an unsure mention of the whole message, only for a need no lexicon term named (even denied), never
for a message of one or two words; the Rasa component trains, persists and loads it, and retrains when an example
set changes; it never learns from a held-out set or from the probes that measure it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.need_extractor import NeedExtractor
from bot.nlu.needs import extract, load_lexicons
from bot.nlu.needs.rules import NEED_IDS, SURE, UNSURE
from bot.nlu.needs.similar import EXAMPLE_SETS, SimilarNeeds, example_files, fingerprint, load_examples
from tools.evaluate import message_key

ROOT = Path(__file__).resolve().parents[2]
LEXICONS = load_lexicons()
# "The man with the blue folder" stands for a paraphrase of a need that no lexicon term names.
BLUE_FOLDER = [
    ("de man met de blauwe map kwam weer aan de deur", {"financial_need"}),
    ("alweer die man met de blauwe map aan de deur", {"financial_need"}),
    ("ik zoek werk in de haven", set()),
    ("ik wil graag werken als kok", set()),
    ("hallo ik heb een vraag over werk", set()),
    ("ik werk graag met mijn handen", set()),
]


@pytest.fixture(scope="module")
def tiny() -> SimilarNeeds:
    return SimilarNeeds.fit([(text, frozenset(needs)) for text, needs in BLUE_FOLDER], NEED_IDS, threshold=0.5)


@pytest.fixture(scope="module")
def trained() -> SimilarNeeds:
    """The classifier as training fits it, on the example sets of bot/config.yml."""
    return SimilarNeeds.fit(load_examples(example_files()), NEED_IDS)


def _found(text: str, similar: SimilarNeeds | None) -> dict[str, float]:
    return {mention.need: mention.confidence for mention in extract(text, LEXICONS, similar)}


def test_a_need_no_lexicon_term_names_is_added_as_an_unsure_mention_of_the_whole_message(tiny: SimilarNeeds):
    text = "de man met de blauwe map is er weer"
    assert _found(text, None) == {}
    [mention] = extract(text, LEXICONS, tiny)
    assert (mention.need, mention.confidence) == ("financial_need", UNSURE)
    assert (mention.start, mention.end, mention.text) == (0, len(text), text)


def test_a_need_a_lexicon_term_names_denied_is_not_added_back(tiny: SimilarNeeds):
    text = "ik heb geen schulden, de man met de blauwe map kwam weer"
    assert "financial_need" in tiny.needs(text)  # the classifier alone would add it
    assert "financial_need" not in _found(text, tiny)


def test_a_need_a_lexicon_term_names_keeps_its_sure_mention(tiny: SimilarNeeds):
    text = "ik heb schulden en de man met de blauwe map kwam weer"
    assert "financial_need" in tiny.needs(text)
    assert _found(text, tiny) == {"financial_need": SURE}
    assert len(extract(text, LEXICONS, tiny)) == 1


def test_next_to_a_need_a_lexicon_found_it_adds_nothing(tiny: SimilarNeeds):
    # What it added next to a found need was mostly that need's neighbour ("landlord wants us out" as money too).
    text = "ik slaap in mijn auto en de man met de blauwe map kwam weer"
    assert "financial_need" in tiny.needs(text)
    assert _found(text, tiny) == _found(text, None) == {"housing": SURE}


def test_one_or_two_words_are_an_answer_not_a_story(tiny: SimilarNeeds):
    assert tiny.needs("blauwe map") == set()
    assert _found("blauwe map", tiny) == {}


def test_a_message_far_from_every_example_of_a_need_gets_nothing(tiny: SimilarNeeds):
    # Only one word in common with the financial examples: the regression may lean that way, the similarity does not.
    assert tiny.needs("mijn map is blauw en nieuw") == set()


# Answers from the probes written after the classifier was built (it never learnt from them), in which no lexicon
# term names the need: found, and asked about.
@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("my grandmother lives with us and needs help to wash and eat", "family_care"),
        ("i have to wear an ankle band", "justice"),
        ("if i go to work who looks after my little one?", "childcare"),
        ("kan alleen werken tussen 9 en 3, na school heb ik niemand voor de kinders", "childcare"),
        ("живеем 11 човека в една къща, по трима в стая", "housing"),
        ("pijem kazdy den, uz od rana", "addiction"),
        ("خانمم اطفال را گرفته رفت و نمی‌گذارد آنها را ببینم", "family_relationships"),
    ],
)
def test_a_paraphrase_from_a_fresh_probe_is_found_as_an_unsure_need(trained: SimilarNeeds, text: str, need: str):
    assert need not in _found(text, None)
    assert _found(text, trained).get(need) == UNSURE


@pytest.mark.parametrize(
    "text",
    [
        "ik zoek werk als schoonmaker",
        "hello, when are you open on monday?",
        "ik heb geen schulden hoor",
        "nemam problem s byvanim, byvame v peknom byte",
        "هیچ مشکلی ندارم، فقط کار میخواهم",
    ],
)
def test_work_opening_hours_and_denials_get_nothing_from_it(trained: SimilarNeeds, text: str):
    assert _found(text, trained) == _found(text, None)


def _component(tmp_path: Path, config: dict) -> NeedExtractor:
    context = ExecutionContext(GraphSchema({}), "test")
    full = {**NeedExtractor.get_default_config(), **config}
    return NeedExtractor.create(full, LocalModelStorage(tmp_path), Resource("needs"), context)


def test_the_component_trains_persists_and_loads_the_classifier(tmp_path: Path):
    examples = tmp_path / "examples"
    examples.mkdir()
    messages = [{"text": text, "needs": sorted(needs)} for text, needs in BLUE_FOLDER]
    (examples / "nl.yml").write_text(yaml.safe_dump({"messages": messages}), encoding="utf-8")
    storage = tmp_path / "storage"
    storage.mkdir()
    config = {**NeedExtractor.get_default_config(), "examples": [str(examples)], "threshold": 0.5}
    component = _component(storage, config)
    component.train(TrainingData())
    context = ExecutionContext(GraphSchema({}), "test")
    loaded = NeedExtractor.load(config, LocalModelStorage(storage), Resource("needs"), context)
    message = Message(data={TEXT: "de man met de blauwe map is er weer"})
    loaded.process([message])
    [entity] = message.get(ENTITIES)
    assert (entity["entity"], entity["value"], entity["confidence_entity"]) == ("need", "financial_need", UNSURE)
    assert entity["method"] == "likeness"  # the dialogue takes it only from an answer in the person's own words


def test_a_model_without_the_classifier_still_finds_what_the_lexicons_name(tmp_path: Path):
    context = ExecutionContext(GraphSchema({}), "test")
    config = NeedExtractor.get_default_config()
    loaded = NeedExtractor.load(config, LocalModelStorage(tmp_path), Resource("never-trained"), context)
    assert loaded.model is None
    message = Message(data={TEXT: "ik heb schulden"})
    loaded.process([message])
    assert [e["value"] for e in message.get(ENTITIES)] == ["financial_need"]


def test_a_changed_example_set_changes_the_fingerprint_so_training_fits_it_again(tmp_path: Path):
    (tmp_path / "nl.yml").write_text("messages: [{text: een, needs: []}]\n", encoding="utf-8")
    config = {"examples": [str(tmp_path)]}
    before = NeedExtractor.fingerprint_addon(config)
    assert before == NeedExtractor.fingerprint_addon(config)
    (tmp_path / "nl.yml").write_text("messages: [{text: twee, needs: []}]\n", encoding="utf-8")
    assert NeedExtractor.fingerprint_addon(config) != before
    assert fingerprint(example_files([str(tmp_path)], root=Path("/"))) == NeedExtractor.fingerprint_addon(config)


def test_the_config_the_makefile_and_the_code_name_the_same_example_sets():
    pipeline = yaml.safe_load((ROOT / "bot" / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    [extractor] = [c for c in pipeline if c["name"] == "bot.nlu.need_extractor.NeedExtractor"]
    assert tuple(extractor["examples"]) == EXAMPLE_SETS
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"NEED_EXAMPLES := \$\(foreach set,(.*?),", makefile, re.S).group(1)
    assert {f"tests/nlu_components/{name}" for name in listed.replace("\\", " ").split()} == set(EXAMPLE_SETS)


def test_it_never_learns_from_a_held_out_set_or_from_the_probes_that_measure_it():
    assert all(not folder.startswith("tests/nlu/") for folder in EXAMPLE_SETS)
    learnt = {message_key(text) for text, _ in load_examples(example_files())}
    assert len(learnt) > 2000
    fresh = [*(ROOT / "tests" / "nlu_components").glob("probe_parity4/*.yml")]
    fresh += [*(ROOT / "tests" / "nlu_components").glob("probe_short4/*.yml")]
    held_out = [*(ROOT / "tests" / "nlu").rglob("*.yml")]
    assert len(fresh) == 6 and len(held_out) >= 12
    overlap: set[str] = set()
    for path in fresh + held_out:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        texts = {message_key(m["text"]) for m in data.get("messages") or [] if isinstance(m, dict) and "text" in m}
        assert texts or path in held_out
        overlap |= learnt & texts
    # Written apart, the sets it learns from and the ones kept apart share 26 everyday phrases word for word
    # ("ik zoek werk"), none longer than seven words: 24 with held-out sets (on whose development twins the lexicons
    # were tuned too), 2 with the new probes. No more (and no text in the message: a held-out set is not read).
    assert len(overlap) <= 26 and all(len(text.split()) <= 7 for text in overlap), f"{len(overlap)} messages"
