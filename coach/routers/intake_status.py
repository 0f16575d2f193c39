"""POST /api/v1/intake-status: the action server asks, for the person, what happened to their intake.

Signed exactly like the intake webhook (Standard Webhooks, ONTHAAL_WEBHOOK_SECRET, coach/signing.py), checked on
the raw bytes before anything is parsed. The body is a reference and a status code; the answer is the intake's
status only when both match (coach/status_lookup.py), else one and the same 404. Neither the reference nor the
code is ever logged; the audit log names the reference only when it belongs to an intake, never the code.
"""

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach import audit, status_lookup
from coach.deps import CipherDep, DbSession, SettingsDep
from coach.schemas import REFERENCE_PATTERN, StatusCode
from coach.signing import WebhookVerificationError, verify

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["intake status"])

NOT_FOUND = {"detail": "no intake with this reference and status code"}
TOO_MANY = {"detail": "too many wrong status codes for this reference; try again later"}
AUDIT_DETAIL = {
    "match": "found",
    "unknown": "unknown reference",
    "wrong_code": "wrong code",
    "no_code": "intake without status code",
    "rate_limited": "refused: too many wrong codes",
}


class StatusLookupIn(BaseModel):
    """The reference and the status code the person was given at the hand-off (schema v3)."""

    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, Field(pattern=REFERENCE_PATTERN)]
    code: StatusCode


class IntakeStatusOut(BaseModel):
    """Where the intake stands: new, claimed (a coach took it), contacted, closed."""

    status: Literal["new", "claimed", "contacted", "closed"]


_SIGNED_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string"}, "description": text}
    for name, text in (
        ("webhook-id", "unique per lookup"),
        ("webhook-timestamp", "unix seconds"),
        ("webhook-signature", "v1,<base64 HMAC-SHA256>; several may be space-separated"),
    )
]


@router.post(
    "/intake-status",
    response_model=IntakeStatusOut,
    responses={
        401: {"description": "Missing or invalid signature, or timestamp more than 5 minutes off"},
        404: {
            "description": "Unknown reference, wrong code, erased intake, or an intake sent without a status code "
            "(schema v1 or v2): always the same body"
        },
        413: {"description": "Body over 1 KB"},
        422: {"description": "Body is not JSON or not a reference and a six-digit code"},
        429: {"description": f"{status_lookup.MAX_WRONG} wrong codes for this reference within 15 minutes"},
    },
    openapi_extra={
        "parameters": _SIGNED_HEADERS,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusLookupIn"}}},
        },
    },
)
async def intake_status(request: Request, settings: SettingsDep, db: DbSession, cipher: CipherDep) -> JSONResponse:
    """The status of the intake with this reference and status code. For the action server only (signed)."""
    body = await request.body()  # at most 1 KB: coach/body_limit.py
    try:
        verify(settings.webhook_secret, request.headers, body)
    except WebhookVerificationError as error:
        logger.warning("status lookup rejected: %s", error)
        return JSONResponse(status_code=status.HTTP_401_UNAUTHORIZED, content={"detail": str(error)})
    try:
        asked = StatusLookupIn.model_validate_json(body, strict=True)
    except ValidationError as error:
        errors = error.errors(include_input=False, include_url=False, include_context=False)
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": "body is not a reference and a six-digit status code", "errors": errors},
        )

    found = status_lookup.look_up(db, cipher, request.app.state.status_limiter, asked.reference, asked.code)
    audit.record(db, None, "status_lookup", asked.reference if found.known else None, AUDIT_DETAIL[found.outcome])
    db.commit()
    logger.info("status lookup: %s", AUDIT_DETAIL[found.outcome])
    if found.outcome == "match":
        return JSONResponse(IntakeStatusOut(status=found.status).model_dump())  # type: ignore[arg-type]
    if found.outcome == "rate_limited":
        return JSONResponse(
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            content=TOO_MANY,
            headers={"Retry-After": str(found.retry_after)},
        )
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content=NOT_FOUND)
