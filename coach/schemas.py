"""Pydantic models per role: `IntakeIn` (schema v1), `IntakeV2In` (schema v2) and `IntakeV3In` (schema v3) are
the hand-off contracts, the others are what the API answers.

The contracts are exported to `schemas/intake-v{1,2,3}.schema.json` (tools/export_schema.py); a test keeps them
equal. A v1 body is read as a v2 intake with the missing fields empty (`upgrade_v1`); v3 is v2 with the status
code and two more answers, and is stored without its status code (`stored_payload`).
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
    create_model,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from coach import reference

SCHEMA_VERSION = 1
SCHEMA_ID = "urn:onthaal:schema:intake:v1"
# Query values that reach SQL: PostgreSQL cannot compare text with a NUL character.
NO_NUL = r"^[^\x00]*$"
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


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        # No person types a NUL character, and PostgreSQL cannot store one in a text column.
        if _has_nul(value):
            raise ValueError("text may not contain NUL characters")
        return value


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


class IntakeReceipt(BaseModel):
    """Answer to the webhook: the reference, and `duplicate: true` when nothing new was stored."""

    reference: str
    duplicate: bool | None = None


class ReferenceConflict(BaseModel):
    """Answer 409 to the webhook: `reference` belongs to another intake; nothing was stored."""

    detail: Literal["reference already in use"]
    reference: str


# --- Intake schema version 2 (docs/architecture.md, "The intake hand-off, schema version 2") -----------------

SCHEMA_V2_ID = "urn:onthaal:schema:intake:v2"
ContactMethodV2 = Literal["phone", "whatsapp", "email", "social_worker", "come_by"]
ContactTime = Literal["morning", "afternoon", "evening", "any"]
AgeBand = Literal["under_25", "25_34", "35_49", "50_plus"]
Referral = Literal[
    "ocmw",
    "health_centre",
    "acquaintance",
    "justice_assistant",
    "neighbourhood_steward",
    "reception",
    "outreach",
    "maact",
    "former_coach",
    "vdab",
    "other",
]
Income = Literal["leefloon", "unemployment_benefit", "sickness_benefit", "wage", "no_income", "other"]
DutchLevel = Literal["none", "a_little", "conversation", "good"]
Schooling = Literal["none", "primary", "secondary_unfinished", "secondary", "higher"]
ChecklistState = Literal["reported", "not_reported", "skipped", "not_asked"]
Flag = Literal["crisis", "no_place_to_sleep", "no_income"]
MediaKind = Literal["voice", "image", "video", "file", "other"]
NEED_IDS: tuple[str, ...] = NeedId.__args__
FLAGS: tuple[str, ...] = Flag.__args__

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=2000)]
Label64 = Annotated[str, Field(min_length=1, max_length=64)]


class AnswersV2In(_Strict):
    """The person's answers; every field present, null when not given."""

    name: ShortText | None
    contact_method: ContactMethodV2 | None
    contact_detail: ShortText | None
    contact_time: ContactTime | None
    neighbourhood: NeighbourhoodId | None
    age_band: AgeBand | None
    referral: Referral | None
    income: Income | None
    languages_spoken: LongText | None
    dutch_level: DutchLevel | None
    interpreter: bool | None
    schooling: Schooling | None
    diploma_abroad: bool | None
    work_wish: LongText | None
    work_done: LongText | None
    anything_else: LongText | None


# One required field per need id of config/needs.yml, so the JSON Schema says "all 20, nothing else".
Checklist = create_model(  # type: ignore[call-overload]
    "Checklist",
    __base__=_Strict,
    __doc__="The state of each of the 20 needs: reported, not_reported, skipped or not_asked (to be assessed).",
    **{need_id: (ChecklistState, ...) for need_id in NEED_IDS},
)


class NeedV2In(_Strict):
    """One reported need, how it was given, the person's own words if typed, and where it came up."""

    id: NeedId
    source: NeedSource
    evidence: LongText | None
    question: Label64 | None


class MessageIn(_Strict):
    """A free-text answer in the person's own words."""

    question: Label64
    text: LongText
    language: LanguageCode | None


class RemarkIn(_Strict):
    """A remark of the reception staff member who helped."""

    by: Label64
    text: LongText


class MediaIn(_Strict):
    """A message the assistant could not read (voice, image, ...): only its kind and time."""

    kind: MediaKind
    received_at: AwareDatetime


class IntakeV2In(_Strict):
    """What the action server POSTs to /api/v1/intakes (docs/architecture.md, schema version 2)."""

    model_config = ConfigDict(
        extra="forbid",
        title="Onthaal intake, schema version 2",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_V2_ID},
    )

    schema_version: Literal[2]
    reference: Annotated[str, Field(pattern=REFERENCE_PATTERN)]
    conversation_id: Annotated[str, Field(min_length=1, max_length=200)]
    language: LanguageCode
    channel: Label64
    submitted_at: AwareDatetime
    complete: bool
    assisted_by: Label64 | None
    answers: AnswersV2In
    skipped: Annotated[list[Label64], Field(max_length=40)]
    checklist: Checklist
    needs: Annotated[list[NeedV2In], Field(max_length=20)]
    flags: Annotated[list[Flag], Field(max_length=3)]
    messages: Annotated[list[MessageIn], Field(max_length=50)]
    remarks: Annotated[list[RemarkIn], Field(max_length=20)]
    media: Annotated[list[MediaIn], Field(max_length=50)]

    @field_validator("skipped", "flags")
    @classmethod
    def _listed_once(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("a value appears more than once")
        return values

    @field_validator("needs")
    @classmethod
    def _each_need_once(cls, needs: list[NeedV2In]) -> list[NeedV2In]:
        ids = [need.id for need in needs]
        if len(set(ids)) != len(ids):
            raise ValueError("a need id appears more than once")
        return needs


# --- Intake schema version 3 (docs/architecture.md, "The intake hand-off, schema version 3") -----------------

SCHEMA_V3_ID = "urn:onthaal:schema:intake:v3"
STATUS_CODE_PATTERN = r"^[0-9]{6}$"
HelpDomain = Literal["work", "money", "home", "health", "papers", "family", "reading", "dutch", "other"]
HELP_DOMAINS: tuple[str, ...] = HelpDomain.__args__
StatusCode = Annotated[str, Field(pattern=STATUS_CODE_PATTERN)]


class AnswersV3In(AnswersV2In):
    """The answers of v2, and who the social worker is and what the person wants help with (null when not given)."""

    social_worker: ShortText | None
    help_with: (
        Annotated[list[HelpDomain], Field(max_length=len(HELP_DOMAINS), json_schema_extra={"uniqueItems": True})] | None
    )

    @field_validator("help_with")
    @classmethod
    def _each_domain_once(cls, values: list[str] | None) -> list[str] | None:
        if values is not None and len(set(values)) != len(values):
            raise ValueError("a domain appears more than once")
        return values


class IntakeV3In(IntakeV2In):
    """What the action server POSTs to /api/v1/intakes (docs/architecture.md, schema version 3)."""

    model_config = ConfigDict(
        extra="forbid",
        title="Onthaal intake, schema version 3",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_V3_ID},
    )

    schema_version: Literal[3]  # type: ignore[assignment]
    # The second short code the person gets with the reference, to ask "what happens now?" later. The coach
    # service keeps only a keyed hash of it (coach/status_lookup.py).
    status_code: StatusCode
    answers: AnswersV3In


CONTRACTS: dict[int, type[BaseModel]] = {1: IntakeIn, 2: IntakeV2In, 3: IntakeV3In}


def upgrade_v1(intake: IntakeIn) -> IntakeV2In:
    """Read a v1 intake as v2: missing fields empty, the checklist from the reported needs and the needs answer."""
    reported = {need.id for need in intake.needs}
    unanswered = intake.needs_answer in ("skipped", "rather_not_say")
    checklist = {
        need_id: "reported" if need_id in reported else ("skipped" if unanswered else "not_asked")
        for need_id in NEED_IDS
    }
    answers = intake.answers
    return IntakeV2In.model_validate(
        {
            "schema_version": 2,
            "reference": intake.reference,
            "conversation_id": intake.conversation_id,
            "language": intake.language,
            "channel": intake.channel,
            "submitted_at": intake.submitted_at,
            "complete": intake.complete,
            "assisted_by": None,
            "answers": {
                **{field: None for field in AnswersV2In.model_fields},
                "name": answers.name,
                "contact_method": answers.contact_method,
                "contact_detail": answers.contact_detail,
                "neighbourhood": answers.neighbourhood,
            },
            "skipped": list(intake.skipped),
            "checklist": checklist,
            "needs": [
                {"id": need.id, "source": need.source, "evidence": need.evidence or None, "question": "needs"}
                for need in intake.needs
            ],
            "flags": [],
            "messages": [],
            "remarks": [],
            "media": [],
        }
    )


def stored_payload(intake: IntakeV2In) -> str:
    """The intake as it is kept (encrypted): v1 already read as v2, and never the status code of a v3 intake."""
    return intake.model_dump_json(exclude={"status_code"})


def intake_json_schema(version: int = 1) -> dict[str, Any]:
    """The JSON Schema of the hand-off contract as checked in at schemas/intake-v{version}.schema.json."""
    return CONTRACTS[version].model_json_schema()


def intake_json_schema_text(version: int = 1) -> str:
    return json.dumps(intake_json_schema(version), indent=2, ensure_ascii=False) + "\n"


# --- What the API answers ------------------------------------------------------------------------------------


class IntakeSummary(BaseModel):
    """One row of the inbox: only the clear, non-personal columns."""

    reference: str
    language: str
    neighbourhood: str | None
    team: str | None
    status: str
    flags: list[str]
    need_ids: list[str]
    complete: bool
    claimed_by: str | None
    submitted_at: datetime
    received_at: datetime


class TranslationPublic(BaseModel):
    question: str
    text: str
    language: str | None
    translation: str | None = Field(description="Dutch translation, null when not translated")
    backend: str | None


class NotePublic(BaseModel):
    author: str
    created_at: datetime
    text: str


class IntakeExport(BaseModel):
    """One intake for the case file: the intake (schema v2 or v3), the coach's work on it, and the translations."""

    reference: str
    status: str
    team: str | None
    claimed_by: str | None
    received_at: datetime
    closed_at: datetime | None
    intake: dict[str, Any] = Field(
        description="The intake as received (v1 read as v2), without the status code of a v3 intake"
    )
    observed: list[str]
    translations: list[TranslationPublic]
    notes: list[NotePublic]
