"""POST /api/v1/intakes: the signed hand-off from the action server (docs/architecture.md).

Order matters: the signature is checked on the raw bytes before anything is parsed. Neither the body nor
any answer is ever logged; log lines carry the webhook id and the reference only.
"""

import json
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.deps import DbSession, SettingsDep
from coach.models import Intake
from coach.schemas import IntakeIn, IntakeReceipt
from coach.signing import WebhookVerificationError, verify

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["intakes"])

MAX_BODY_BYTES = 256 * 1024  # 20 needs with 2000 characters of evidence each stay far below this


def _error(status_code: int, detail: str, **extra: object) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"detail": detail, **extra})


def _receipt(status_code: int, reference: str, duplicate: bool = False) -> JSONResponse:
    receipt = IntakeReceipt(reference=reference, duplicate=True if duplicate else None)
    return JSONResponse(status_code=status_code, content=receipt.model_dump(exclude_none=True))


def _already_stored(db: Session, webhook_id: str, reference: str) -> Intake | None:
    by_webhook = db.scalar(select(Intake).where(Intake.webhook_id == webhook_id))
    return by_webhook or db.scalar(select(Intake).where(Intake.reference == reference))


@router.post(
    "/intakes",
    status_code=status.HTTP_201_CREATED,
    response_model=IntakeReceipt,
    response_model_exclude_none=True,
    responses={
        200: {"model": IntakeReceipt, "description": "Already stored (same webhook-id or reference)"},
        401: {"description": "Missing or invalid signature, or timestamp more than 5 minutes off"},
        413: {"description": "Body too large"},
        422: {"description": "Body is not JSON or does not match intake schema v1"},
    },
)
async def receive_intake(request: Request, settings: SettingsDep, db: DbSession) -> JSONResponse:
    """Store one intake (body: schemas/intake-v1.schema.json), signed with Standard Webhooks."""
    declared_length = request.headers.get("content-length", "")
    if declared_length.isdigit() and int(declared_length) > MAX_BODY_BYTES:
        return _error(status.HTTP_413_CONTENT_TOO_LARGE, "body too large")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _error(status.HTTP_413_CONTENT_TOO_LARGE, "body too large")

    try:
        webhook_id = verify(settings.webhook_secret, request.headers, body)
    except WebhookVerificationError as error:
        logger.warning("intake rejected: %s", error)
        return _error(status.HTTP_401_UNAUTHORIZED, str(error))

    try:
        json.loads(body)
    except ValueError:
        logger.warning("intake %s rejected: body is not valid JSON", webhook_id)
        return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, "body is not valid JSON")
    try:
        intake = IntakeIn.model_validate_json(body, strict=True)
    except ValidationError as error:
        # include_input=False: the errors go back to the sender without echoing the person's answers.
        errors = error.errors(include_input=False, include_url=False, include_context=False)
        logger.warning("intake %s rejected: %d schema error(s)", webhook_id, len(errors))
        return _error(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "body does not match intake schema v1 (schemas/intake-v1.schema.json)",
            errors=errors,
        )

    existing = _already_stored(db, webhook_id, intake.reference)
    if existing is not None:
        logger.info("intake %s already stored as %s", webhook_id, existing.reference)
        return _receipt(status.HTTP_200_OK, existing.reference, duplicate=True)

    db.add(
        Intake(
            reference=intake.reference,
            webhook_id=webhook_id,
            schema_version=intake.schema_version,
            language=intake.language,
            channel=intake.channel,
            neighbourhood=intake.answers.neighbourhood,
            complete=intake.complete,
            needs_count=len(intake.needs),
            submitted_at=intake.submitted_at,
            received_at=datetime.now(UTC),
            payload=intake.model_dump_json(),
        )
    )
    try:
        db.commit()
    except IntegrityError:
        # A retry raced us between the lookup and the insert: the other request stored it.
        db.rollback()
        existing = _already_stored(db, webhook_id, intake.reference)
        if existing is None:
            raise
        return _receipt(status.HTTP_200_OK, existing.reference, duplicate=True)
    logger.info("intake %s stored as %s", webhook_id, intake.reference)
    return _receipt(status.HTTP_201_CREATED, intake.reference)
