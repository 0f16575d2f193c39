"""What the pipeline's own components have in common: they are mostly code, not models.

Rasa builds a component with `create` and runs `process` on every message (and `process_training_data` on the
training data). Most of ours learn nothing: `create` makes one from nothing, `process` hands each message to
`process_message`, and the training data passes unchanged unless a component says otherwise. The one that learns
(`need_extractor.NeedExtractor`) overrides `create`, `train` and `load` and keeps the rest.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


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
