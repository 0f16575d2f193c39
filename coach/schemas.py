"""Pydantic models per role: `IntakeIn` is the hand-off contract (schema v1), the others are what we answer.

`IntakeIn` is exported to `schemas/intake-v1.schema.json` (tools/export_schema.py); a test keeps both equal.
"""

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from coach import reference

SCHEMA_VERSION = 1
SCHEMA_ID = "urn:onthaal:schema:intake:v1"
REFERENCE_PATTERN = r"^ONT-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$"

LanguageCode = Literal["nl", "en", "bg", "sk", "ro", "prs"]
LANGUAGE_CODES: tuple[str, ...] = LanguageCode.__args__
ContactMethod = Literal["phone", "email", "social_worker", "come_by"]
QuestionId = Literal["name", "contact_method", "contact_detail", "neighbourhood", "needs"]
NeedsAnswer = Literal["reported", "none", "rather_not_say", "skipped"]
NeedSource = Literal["button", "text"]
# The 20 ids of config/needs.yml, in its order (a test checks that they agree).
NeedId = Literal[
    "limited_network",
    "limited_work_experience",
    "limited_dutch",
    "financial_need",
    "psychological",
    "low_education",
    "housing",
    "motivation",
    "literacy_digital",
    "residence_status",
    "family_relationships",
    "addiction",
    "family_care",
    "childcare",
    "medical",
    "distrust",
    "cultural_gap",
    "justice",
    "day_night_rhythm",
    "aggression",
]


def _known_neighbourhood(value: str) -> str:
    if value not in reference.neighbourhood_ids():
        raise ValueError("not an id of config/neighbourhoods.yml")
    return value


class _NeighbourhoodEnum:
    """Puts the ids of config/neighbourhoods.yml in the JSON Schema when it is generated, not at import."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = reference.neighbourhood_ids()
        return json_schema


NeighbourhoodId = Annotated[str, Field(max_length=64), AfterValidator(_known_neighbourhood), _NeighbourhoodEnum()]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnswersIn(_Strict):
    """The person's answers; null (or absent) when not given."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    contact_method: ContactMethod | None = None
    contact_detail: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    neighbourhood: NeighbourhoodId | None = None


class NeedIn(_Strict):
    """One reported need: an id of config/needs.yml, how it was given, and the person's own words if typed."""

    id: NeedId
    source: NeedSource
    evidence: Annotated[str, Field(max_length=2000)] | None = None


class IntakeIn(_Strict):
    """What the action server POSTs to /api/v1/intakes (docs/architecture.md, schema version 1)."""

    model_config = ConfigDict(
        extra="forbid",
        title="Onthaal intake, schema version 1",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID},
    )

    schema_version: Literal[1]
    reference: Annotated[str, Field(pattern=REFERENCE_PATTERN)]
    conversation_id: Annotated[str, Field(min_length=1, max_length=200)]
    language: LanguageCode
    channel: Annotated[str, Field(min_length=1, max_length=64)]
    submitted_at: AwareDatetime
    complete: bool
    answers: AnswersIn
    skipped: Annotated[list[QuestionId], Field(max_length=5)] = []
    needs_answer: NeedsAnswer
    needs: Annotated[list[NeedIn], Field(max_length=20)] = []

    @field_validator("skipped")
    @classmethod
    def _skipped_once(cls, skipped: list[str]) -> list[str]:
        if len(set(skipped)) != len(skipped):
            raise ValueError("a question id appears more than once")
        return skipped

    @field_validator("needs")
    @classmethod
    def _each_need_once(cls, needs: list[NeedIn]) -> list[NeedIn]:
        ids = [need.id for need in needs]
        if len(set(ids)) != len(ids):
            raise ValueError("a need id appears more than once")
        return needs


def intake_json_schema() -> dict[str, Any]:
    """The JSON Schema of `IntakeIn` as checked in at schemas/intake-v1.schema.json."""
    return IntakeIn.model_json_schema()


def intake_json_schema_text() -> str:
    return json.dumps(intake_json_schema(), indent=2, ensure_ascii=False) + "\n"


class IntakeReceipt(BaseModel):
    """Answer to the webhook: the reference, and `duplicate: true` when nothing new was stored."""

    reference: str
    duplicate: bool | None = None


class NeedPublic(BaseModel):
    id: str
    source: str
    evidence: str | None


class AnswersPublic(BaseModel):
    name: str | None
    contact_method: str | None
    contact_detail: str | None
    neighbourhood: str | None


class IntakePublic(BaseModel):
    """What a coach sees of a stored intake; ids stay plain strings so old intakes survive config edits."""

    reference: str
    language: str
    channel: str
    submitted_at: datetime
    received_at: datetime
    complete: bool
    answers: AnswersPublic
    skipped: list[str]
    needs_answer: str
    needs: list[NeedPublic]
