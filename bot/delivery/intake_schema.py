"""Checks an intake against the published contract (`schemas/intake-v3.schema.json`) before it is stored.

The coach service refuses an intake that breaks the contract for good, so such an intake must never wait in the
outbox. The problems are named by their place in the schema (`properties/channel/maxLength`), never by the
values, so that they can be logged and kept with the dead letter. The action server sends schema v3 only: an
intake of an older version breaks this contract (the coach service would still take v2, but nothing here builds one).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from bot.intake.reference_data import ROOT

SCHEMA_PATH = ROOT / "schemas" / "intake-v3.schema.json"
MAX_PROBLEMS = 5


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def schema_problems(intake: dict[str, Any]) -> list[str]:
    """Where `intake` breaks the schema, as schema paths (at most MAX_PROBLEMS, sorted); empty when valid."""
    paths = set()
    for error in _validator().iter_errors(intake):
        path = "/".join(str(part) for part in error.absolute_schema_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            # Which field is missing: a name the schema lists, not a value.
            path += "/" + ",".join(name for name in error.validator_value if name not in error.instance)
        paths.add(path)
    return sorted(paths)[:MAX_PROBLEMS]
