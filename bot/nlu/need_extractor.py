"""Rasa NLU component: one `need` entity per need of the checklist that a message mentions, in any language.

The matching is plain code in `bot.nlu.needs` (the lexicon term syntax is described in `bot/nlu/needs/terms.py`);
this module plugs it into the pipeline. Every message is matched against all six lexicons whatever its language:
people mix languages and the language detector abstains on short messages. The entity's span is the evidence.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import MessageComponent
from bot.nlu.needs import EXCLUDED_NEED_IDS, LEXICON_DIR, LEXICON_LANGUAGES, NEED_IDS, Lexicon, extract, load_lexicons

__all__ = ["EXCLUDED_NEED_IDS", "LEXICON_DIR", "LEXICON_LANGUAGES", "NEED_IDS", "Lexicon", "NeedExtractor", "extract"]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class NeedExtractor(MessageComponent):
    def __init__(self) -> None:
        self.lexicons = load_lexicons()

    def process_message(self, message: Message) -> None:
        found = [mention.as_entity() for mention in extract(message.get(TEXT), self.lexicons)]
        if found:
            message.set(ENTITIES, list(message.get(ENTITIES, [])) + found, add_to_output=True)
