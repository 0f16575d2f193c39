"""bot/nlu/crf_extractor.py: the CRF leaves the training data as it found it, so that Rasa's cache finds the nodes
after it again."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.crf_extractor import CRFEntityExtractorOnACopy

ROOT = Path(__file__).resolve().parents[2]


def _featurized_data(tmp_path: Path) -> tuple[TrainingData, CountVectorsFeaturizer]:
    """The answers and the Dutch examples of the real training data (about 100 messages with entities), with
    features: the CRF learns only from messages that have some."""
    data = load_data(str(ROOT / "bot/data/nlu/answers.yml")).merge(load_data(str(ROOT / "bot/data/nlu/nl.yml")))
    assert data.entity_examples
    _tokenizer().process_training_data(data)
    context = ExecutionContext(GraphSchema({}), "test")
    config = CountVectorsFeaturizer.get_default_config()
    featurizer = CountVectorsFeaturizer.create(config, LocalModelStorage(tmp_path), Resource("words"), context)
    featurizer.train(data)
    featurizer.process_training_data(data)
    return data, featurizer


def _tokenizer() -> WhitespaceTokenizer:
    config = WhitespaceTokenizer.get_default_config()
    return WhitespaceTokenizer.create(config, None, None, None)  # type: ignore[arg-type]


def _trained(component_class: type[CRFEntityExtractor], tmp_path: Path, data: TrainingData) -> CRFEntityExtractor:
    context = ExecutionContext(GraphSchema({}), "test")
    config = component_class.get_default_config()
    crf = component_class.create(config, LocalModelStorage(tmp_path), Resource("crf"), context)
    crf.train(data)
    return crf


def test_rasas_crf_changes_the_fingerprint_of_the_data_it_trains_on(tmp_path: Path) -> None:
    # The cause: without the copy, a component trained after the CRF, on the same messages, is keyed by other data.
    data, _ = _featurized_data(tmp_path)
    before = data.fingerprint()
    _trained(CRFEntityExtractor, tmp_path, data)
    assert data.fingerprint() != before


def test_the_crf_on_a_copy_leaves_the_data_and_its_fingerprint_unchanged(tmp_path: Path) -> None:
    data, _ = _featurized_data(tmp_path)
    before = data.fingerprint()
    contents = [dict(message.data) for message in data.training_examples]

    crf = _trained(CRFEntityExtractorOnACopy, tmp_path, data)

    assert crf.entity_taggers  # it learned from the copy
    assert data.fingerprint() == before
    assert [message.data for message in data.training_examples] == contents


def test_the_crf_on_a_copy_finds_the_same_entities_as_rasas(tmp_path: Path) -> None:
    texts = ["ik krijg leefloon", "liever via whatsapp", "ik spreek engels", "ik heb geen inkomen meer"]
    found = []
    for component_class in (CRFEntityExtractor, CRFEntityExtractorOnACopy):
        (tmp_path / component_class.__name__).mkdir()
        data, featurizer = _featurized_data(tmp_path / component_class.__name__)
        crf = _trained(component_class, tmp_path / component_class.__name__, data)
        messages = [Message(data={TEXT: text}) for text in texts]
        _tokenizer().process(messages)
        featurizer.process(messages)
        crf.process(messages)
        found.append([[(e["entity"], e["value"]) for e in m.get(ENTITIES, [])] for m in messages])
    assert found[0] == found[1]
    assert sum(map(len, found[1])) >= 2  # entities were found, so the comparison means something


def test_the_pipeline_uses_the_crf_on_a_copy() -> None:
    pipeline = yaml.safe_load((ROOT / "bot/config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [step["name"] for step in pipeline]
    assert "bot.nlu.crf_extractor.CRFEntityExtractorOnACopy" in names
    assert "CRFEntityExtractor" not in names
