"""Rasa NLU component: the intent and the intent ranking of every typed message (`bot.nlu.intents`).

It reads the message text itself (folded by `bot.normalise.words`), so it needs no featurizer before it. It learns
from the NLU training data's intent examples; the model is stored in the Rasa model.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier as RasaIntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import StoredModelComponent
from bot.nlu.intents import C, IntentModel


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentClassifier(StoredModelComponent, RasaIntentClassifier):
    FILE = "intents.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": C, "ranking_length": 10}

    def train(self, training_data: TrainingData) -> Resource:
        examples = [message for message in training_data.intent_examples if message.get(TEXT)]
        texts, intents = [message.get(TEXT) for message in examples], [message.get(INTENT) for message in examples]
        return self.keep(IntentModel.fit(texts, intents, self.config["C"]))

    def process_message(self, message: Message) -> None:
        if self.model is None or not message.get(TEXT):
            # As Rasa's classifiers do: no intent at confidence 0, which the fallback classifier then answers.
            message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            return
        ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in self.model.rank(message.get(TEXT))[: self.config["ranking_length"]]
        ]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
