"""What the pipeline's own components have in common: they are mostly code, not models.

Rasa builds a component with `create` and runs `process` on every message (and `process_training_data` on the
training data). Most of ours learn nothing: `create` makes one from nothing, `process` hands each message to
`process_message`, and the training data passes unchanged unless a component says otherwise. The ones that learn
(`intent_classifier.IntentClassifier`, `need_extractor.NeedExtractor`) are `StoredModelComponent`s: they fit one
object in `train` and keep it in the Rasa model.
"""

from __future__ import annotations

import logging
from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


class MessageComponent(GraphComponent):
    """A pipeline component: subclasses implement `process_message` (and, to learn, `create`, `train`, `load`)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()

    def process_message(self, message: Message) -> None:
        raise NotImplementedError

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


class StoredModelComponent(MessageComponent):
    """A component that fits one object in `train` (subclasses call `keep` with it) and finds it again in `load`.

    `self.model` is None before training, and in a model without it (logged): the component then does what it can
    without (the need extractor: the lexicons alone; the intent classifier: no intent, so the fallback).
    """

    FILE = "model.joblib"

    def __init__(
        self,
        config: dict[str, Any] | None = None,
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        model: Any = None,
    ) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
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
    ) -> GraphComponent:
        return cls(config, model_storage, resource, None)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / cls.FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("%s: nothing trained in the model", cls.__name__)
        return cls(config, model_storage, resource, model)

    def keep(self, model: Any) -> Resource:
        """Use `model` from now on and write it into the Rasa model."""
        self.model = model
        with self.model_storage.write_to(self.resource) as directory:
            joblib.dump(model, directory / self.FILE, compress=3)
        return self.resource
