"""Rasa NLU component: the intent and the intent ranking of every typed message (`bot.nlu.intents`).

It reads the message text itself (folded by `bot.normalise.words`), so it needs no featurizer before it. It learns
from the NLU training data's intent examples; the model is stored in the Rasa model (joblib).
"""

from __future__ import annotations

from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier as RasaIntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import MessageComponent
from bot.nlu.intents import C, IntentModel

FILE = "intents.joblib"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentClassifier(MessageComponent, RasaIntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": C, "ranking_length": 10}

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: IntentModel | None
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self.model_storage = model_storage
        self.resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentClassifier:
        return cls(config, model_storage, resource, None)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> IntentClassifier:
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, joblib.load(directory / FILE))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [message for message in training_data.intent_examples if message.get(TEXT)]
        self.model = IntentModel.fit(
            [message.get(TEXT) for message in examples], [message.get(INTENT) for message in examples], self.config["C"]
        )
        with self.model_storage.write_to(self.resource) as directory:
            joblib.dump(self.model, directory / FILE, compress=3)
        return self.resource

    def process_message(self, message: Message) -> None:
        if self.model is None or not message.get(TEXT):
            return
        ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in self.model.rank(message.get(TEXT))[: self.config["ranking_length"]]
        ]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
