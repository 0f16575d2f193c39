"""Rasa NLU component: drops the token-level (sequence) features of the message text, keeps the sentence ones.

DIET without transformer layers classifies the intent from the sentence features alone (its "transformer" is
then the identity, and the intent is read at the sentence position), so the sequence features of the text
only cost time: DIET turns every token's sparse vector (about 50,000 word and character n-grams) into a dense
one in every batch of every epoch, and updates that layer's weights, for nothing. Dropping them before DIET
more than halves its training time and gives the same predictions for the same weights. Entities are found by
the CRF, which computes its own token features and does not read these.

Put it after the last featurizer and before DIETClassifier, and only while DIET has no transformer layers.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import MessageComponent

ORIGIN = "SentenceFeaturesOnly"


def drop_text_sequence_features(message: Message) -> None:
    """Replace the text's sequence features by a single column of ones (DIET wants some sequence features)."""
    kept, tokens = [], 0
    for feature in message.features:
        if feature.attribute == TEXT and feature.type == FEATURE_TYPE_SEQUENCE:
            tokens = max(tokens, feature.features.shape[0])
        else:
            kept.append(feature)
    if tokens:
        ones = scipy.sparse.coo_matrix(np.ones((tokens, 1), dtype=np.float32))
        kept.append(Features(ones, FEATURE_TYPE_SEQUENCE, TEXT, ORIGIN))
    message.features = kept


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceFeaturesOnly(MessageComponent):
    def process_message(self, message: Message) -> None:
        drop_text_sequence_features(message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            drop_text_sequence_features(message)
        return training_data
