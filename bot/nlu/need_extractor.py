"""Rasa NLU component: one `need` entity per need of the checklist that a message mentions, in any language.

The matching is plain code in `bot.nlu.needs` (the lexicon term syntax is described in `bot/nlu/needs/terms.py`);
this module plugs it into the pipeline. Every message is matched against all six lexicons whatever its language:
people mix languages and the language detector abstains on short messages. The entity's span is the evidence.

What it trains is `bot.nlu.needs.similar`: needs by likeness to the labelled example answers of the need sets
(`examples` in the config, folders of `<code>.yml`), for the paraphrases the lexicons do not cover; those come as
unsure entities that the dialogue asks about. The example files are part of the fingerprint: a changed example
set retrains it, a changed lexicon does not (the lexicons are read from the code at start-up).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.component import StoredModelComponent
from bot.nlu.needs import EXCLUDED_NEED_IDS, LEXICON_DIR, LEXICON_LANGUAGES, NEED_IDS, Lexicon, extract, load_lexicons
from bot.nlu.needs.similar import EXAMPLE_SETS, THRESHOLD, SimilarNeeds, example_files, fingerprint, load_examples

__all__ = ["EXCLUDED_NEED_IDS", "LEXICON_DIR", "LEXICON_LANGUAGES", "NEED_IDS", "Lexicon", "NeedExtractor", "extract"]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class NeedExtractor(StoredModelComponent):
    """`self.model` is the trained SimilarNeeds; without it (not trained, or a model without it), the lexicons alone."""

    FILE = "similar_needs.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"examples": list(EXAMPLE_SETS), "threshold": THRESHOLD}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return fingerprint(example_files(config.get("examples") or EXAMPLE_SETS))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lexicons = load_lexicons()

    def train(self, training_data: TrainingData) -> Resource:
        files = example_files(self.config["examples"])
        return self.keep(SimilarNeeds.fit(load_examples(files), NEED_IDS, self.config["threshold"]))

    def process_message(self, message: Message) -> None:
        found = [mention.as_entity() for mention in extract(message.get(TEXT), self.lexicons, self.model)]
        if found:
            message.set(ENTITIES, list(message.get(ENTITIES, [])) + found, add_to_output=True)
