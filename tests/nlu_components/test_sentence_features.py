"""Only the sentence features of the text reach DIET (bot/nlu/sentence_features.py), and only where that is safe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_features import SentenceFeaturesOnly

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def featurizers(tmp_path: Path) -> tuple[WhitespaceTokenizer, CountVectorsFeaturizer]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), storage, Resource("t"), context)
    config = {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}
    featurizer = CountVectorsFeaturizer.create(config, storage, Resource("c"), context)
    return tokenizer, featurizer


def _component() -> SentenceFeaturesOnly:
    return SentenceFeaturesOnly.create({}, None, None, None)  # type: ignore[arg-type]


def test_training_keeps_the_sentence_features_and_one_column_per_token(featurizers) -> None:
    tokenizer, featurizer = featurizers
    data = TrainingData(
        [
            Message(data={TEXT: "ik zoek werk", INTENT: "inform"}),
            Message(data={TEXT: "hallo", INTENT: "greet"}),
        ]
    )
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    message = data.training_examples[0]
    sentence_before = message.get_sparse_features(TEXT)[1].features.toarray()

    _component().process_training_data(data)

    sequence, sentence = message.get_sparse_features(TEXT)
    assert sequence.features.shape == (3, 1)  # three tokens, one column of ones: nothing for DIET to learn
    assert np.array_equal(sequence.features.toarray(), np.ones((3, 1)))
    assert np.array_equal(sentence.features.toarray(), sentence_before)
    assert sentence.features.shape[1] > 10  # the character n-grams are all still there


def test_a_parsed_message_gets_the_same_treatment(featurizers) -> None:
    tokenizer, featurizer = featurizers
    data = TrainingData([Message(data={TEXT: "ik zoek werk", INTENT: "inform"})])
    tokenizer.process_training_data(data)
    featurizer.train(data)
    message = Message(data={TEXT: "zoek werk"})
    tokenizer.process([message])
    featurizer.process([message])

    _component().process([message])

    sequence, sentence = message.get_sparse_features(TEXT)
    assert sequence.features.shape == (2, 1)
    assert sentence.features.shape[0] == 1 and sentence.features.nnz > 0


def test_the_pipeline_drops_sequence_features_only_before_a_diet_without_transformer() -> None:
    # DIET reads the intent at the sentence position; with transformer layers the tokens would matter.
    pipeline = yaml.safe_load((ROOT / "bot/config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [step["name"] for step in pipeline]
    position = names.index("bot.nlu.sentence_features.SentenceFeaturesOnly")
    diet = pipeline[names.index("DIETClassifier")]
    assert names.index("DIETClassifier") == position + 1
    assert all("Featurizer" not in name for name in names[position + 1 :])
    assert diet["number_of_transformer_layers"] == 0
    assert diet["entity_recognition"] is False
