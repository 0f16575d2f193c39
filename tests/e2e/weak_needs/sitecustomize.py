"""Test stand-in for weak need matches, loaded only by tests/e2e/test_unsure_needs.py (PYTHONPATH of its stack).

The need extractor marks a weak match with `confidence_entity` below 0.8 (the shared contract of issue 14). Until
it does so for the words the test types, this marks the `need` entities whose words are listed in
ONTHAAL_TEST_WEAK_NEED_WORDS ("sleep bad|lonley") as weak, in the Rasa server's parse of each message, without
touching the extractor. It patches rasa.core.processor when that module is first imported, so the other
processes that start with this PYTHONPATH (action server, coach service) are left as they are.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from typing import Any

WEAK_CONFIDENCE = 0.5
WEAK_WORDS = {words.casefold() for words in os.environ.get("ONTHAAL_TEST_WEAK_NEED_WORDS", "").split("|") if words}


def _mark_weak(parse_data: dict[str, Any]) -> dict[str, Any]:
    text = parse_data.get("text") or ""
    for found in parse_data.get("entities") or []:
        if found.get("entity") == "need" and text[found["start"] : found["end"]].casefold() in WEAK_WORDS:
            found["confidence_entity"] = WEAK_CONFIDENCE
    return parse_data


def _patch(processor_class: type) -> None:
    original = processor_class.parse_message

    async def parse_message(self, message, tracker=None, only_output_properties=True):
        return _mark_weak(await original(self, message, tracker, only_output_properties))

    processor_class.parse_message = parse_message


class _PatchWhenImported(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "rasa.core.processor":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _patch(module.MessageProcessor)

        spec.loader.exec_module = exec_module
        return spec


if WEAK_WORDS:
    sys.meta_path.insert(0, _PatchWhenImported())
