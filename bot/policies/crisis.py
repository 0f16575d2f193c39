"""A policy that answers words of crisis before anything else, also in the middle of a form.

Rasa's RulePolicy lets an active form handle every message first, and the form needs the action server. A
message about suicide, self-harm, violence or acute danger must get the crisis contacts in the same turn even
when the action server is down, so this policy predicts the `utter_crisis` response (a plain response: no
action server involved) right after such a message, and listening after it: the person answers the open
question when ready. The conversation is flagged by
the `crisis` slot's from_intent mapping, which Rasa fills itself.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.crisis_words import mentions_crisis

CRISIS_INTENT = "crisis"
CRISIS_RESPONSE = "utter_crisis"
MIN_CONFIDENCE = 0.5


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT], is_trainable=False)
class CrisisPolicy(Policy):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, **kwargs: Any
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        events: list[SlotSet] = []
        message = tracker.latest_message
        intent = message.intent if message else {}
        classified = intent.get("name") == CRISIS_INTENT and (intent.get("confidence") or 0.0) >= MIN_CONFIDENCE
        latest_action = tracker.latest_action_name
        if latest_action == ACTION_LISTEN_NAME and (classified or mentions_crisis(message.text if message else None)):
            probabilities[domain.index_for_action(CRISIS_RESPONSE)] = 1.0
            events = [SlotSet("crisis", True)]
        elif latest_action == CRISIS_RESPONSE:
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        else:
            return self._prediction(probabilities)
        # Rasa lets predictions that do not depend on the user's message (an active form going on) overrule all
        # others; a crisis answer must overrule the form too, so it is marked the same way (and wins on priority).
        return self._prediction(probabilities, events=events, is_no_user_prediction=True)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisPolicy:
        return cls(config, model_storage, resource, execution_context)
