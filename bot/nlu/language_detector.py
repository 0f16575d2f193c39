"""Rasa NLU component: adds `"language": {"code", "confidence"}` to every parse result.

The code is one of nl, en, bg, sk, ro, prs, or null when the detector is unsure (see `bot.nlu.langid`).
Actions read it from `tracker.latest_message["language"]`.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu import langid
from bot.nlu.component import MessageComponent

LANGUAGE = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetector(MessageComponent):
    def process_message(self, message: Message) -> None:
        message.set(LANGUAGE, langid.detect(message.get(TEXT)).as_dict(), add_to_output=True)
