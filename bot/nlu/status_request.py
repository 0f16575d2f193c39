"""Rasa NLU component: "what happens now?" from a person who already handed in an intake.

A message that holds a reference (ONT-XXXXXX, the alphabet of bot.intake.intake) becomes the intent `ask_status`
with the entities `reference` and, when six digits follow, `code`; so does one of the short phrases under
`ask_status` in bot/short_commands.yml ("what happens now?"), which then asks for both. Runs after the classifier
and the fallback: a reference is never small talk, and a classifier cannot learn random codes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import MessageComponent
from bot.normalise import words

INTENT_NAME = "ask_status"
SHORT_COMMANDS = Path(__file__).resolve().parents[1] / "short_commands.yml"
# The reference alphabet has no 0/O, 1/I/L; people may type it in lower case, with a space or without the dash.
REFERENCE = re.compile(r"(?<![A-Za-z0-9])ONT[-\s]?([2-9A-HJKMNP-Za-hjkmnp-z]{6})(?![A-Za-z0-9])", re.IGNORECASE)
CODE = re.compile(r"(?<!\d)(\d{3})\s?(\d{3})(?!\d)")
MAX_CHARS = 300  # a reference and a code, with a few words around them


@lru_cache(maxsize=1)
def phrases() -> frozenset[str]:
    commands = yaml.safe_load(SHORT_COMMANDS.read_text("utf-8"))
    return frozenset(words(phrase) for phrase in commands.get(INTENT_NAME, []))


def status_request(text: str | None) -> dict[str, str] | None:
    """{"reference": ..., "code": ...} (either may be missing) when the message asks for an intake's status."""
    if not text or len(text) > MAX_CHARS:
        return None
    found = REFERENCE.search(text)
    if found:
        request = {"reference": "ONT-" + found.group(1).upper()}
        rest = text[: found.start()] + " " + text[found.end() :]
        code = CODE.search(rest)
        if code:
            request["code"] = code.group(1) + code.group(2)
        return request
    return {} if words(text) in phrases() else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class StatusRequest(MessageComponent):
    def process_message(self, message: Message) -> None:
        request = status_request(message.get(TEXT))
        if request is None:
            return
        message.set(INTENT, {"name": INTENT_NAME, "confidence": 1.0}, add_to_output=True)
        ranking = [item for item in message.get(INTENT_RANKING_KEY) or [] if item.get("name") != INTENT_NAME]
        message.set(INTENT_RANKING_KEY, [{"name": INTENT_NAME, "confidence": 1.0}, *ranking], add_to_output=True)
        entities = [entity for entity in message.get(ENTITIES) or [] if entity.get("entity") not in request]
        entities += [{"entity": name, "value": value, "extractor": "StatusRequest"} for name, value in request.items()]
        message.set(ENTITIES, entities, add_to_output=True)
