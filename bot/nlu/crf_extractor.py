"""Rasa NLU component: Rasa's CRFEntityExtractor, trained on a copy of the messages so that it leaves them unchanged.

Rasa's CRF writes its BILOU tags into every training message that has entities (`message.set`). The train
nodes that read the featurised training data share those message objects, and Rasa's cache keys each node by the
fingerprint of its inputs, computed just before the node runs. A node that trained after the CRF was keyed by the
data with the CRF's tags in it, while the next training looks it up by the data as the featurizers left it: never
found, so every training after a cold one retrained it (DIET, when the pipeline had it), even when only a rule had
changed (README, "Training time"). On a copy, the CRF learns the same thing and every node is keyed by the same
data.

Registered under its own name: Rasa's registry finds components by class name, and a subclass named
`CRFEntityExtractor` would resolve to Rasa's own class.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def copy_of_examples(training_data: TrainingData) -> TrainingData:
    """The same examples in new messages (their data dicts copied, features shared: the CRF only reads those)."""
    return TrainingData(
        [
            Message(
                data=message.data,  # Message copies the dict
                output_properties=set(message.output_properties),
                time=message.time,
                features=list(message.features),
            )
            for message in training_data.training_examples
        ],
        entity_synonyms=training_data.entity_synonyms,
        regex_features=training_data.regex_features,
        lookup_tables=training_data.lookup_tables,
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CRFEntityExtractorOnACopy(CRFEntityExtractor):
    def train(self, training_data: TrainingData) -> Resource:
        return super().train(copy_of_examples(training_data))
