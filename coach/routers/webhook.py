"""POST /api/v1/intakes: the signed hand-off from the action server (docs/architecture.md).

Order matters: the signature is checked on the raw bytes before anything is parsed. Neither the body nor
any answer is ever logged; log lines carry the webhook id and the reference only.
"""

import json
import logging

from fastapi import APIRouter, BackgroundTasks, Request, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach import audit, intakes
from coach.deps import CipherDep, DbSession, SettingsDep
from coach.models import Intake
from coach.reach import counting
from coach.schemas import CONTRACTS, IntakeIn, IntakeReceipt, IntakeV2In, ReferenceConflict, upgrade_v1
from coach.signing import WebhookVerificationError, verify

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["intakes"])


def _error(status_code: int, detail: str, **extra: object) -> JSONResponse:
    return JSONResponse(status_code=status_code, content={"detail": detail, **extra})


def _receipt(status_code: int, reference: str, duplicate: bool = False) -> JSONResponse:
    receipt = IntakeReceipt(reference=reference, duplicate=True if duplicate else None)
    return JSONResponse(status_code=status_code, content=receipt.model_dump(exclude_none=True))


def _by_webhook_id(db: Session, webhook_id: str) -> Intake | None:
    return db.scalar(select(Intake).where(Intake.webhook_id == webhook_id))


def _reference_taken(db: Session, reference: str) -> bool:
    return db.scalar(select(Intake.id).where(Intake.reference == reference)) is not None


def _collision(reference: str) -> JSONResponse:
    """Another intake (another webhook id) already has this reference: the sender must pick a new one. Storing
    nothing and answering 200 would make the sender drop this person's intake."""
    return _error(status.HTTP_409_CONFLICT, "reference already in use", reference=reference)


@router.post(
    "/intakes",
    status_code=status.HTTP_201_CREATED,
    response_model=IntakeReceipt,
    response_model_exclude_none=True,
    responses={
        200: {"model": IntakeReceipt, "description": "Already stored under this webhook-id (a retry)"},
        401: {"description": "Missing or invalid signature, or timestamp more than 5 minutes off"},
        409: {
            "model": ReferenceConflict,
            "description": "The reference already belongs to another intake (another webhook-id); nothing was "
            "stored or changed. Pick a new reference and send again under a new webhook-id.",
        },
        413: {"description": "Body over 256 KB (coach/body_limit.py)"},
        422: {"description": "Body is not JSON or does not match intake schema v1, v2 or v3"},
    },
    openapi_extra={
        "parameters": [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}, "description": text}
            for name, text in (
                ("webhook-id", "unique per intake, reused on retries"),
                ("webhook-timestamp", "unix seconds"),
                ("webhook-signature", "v1,<base64 HMAC-SHA256>; several may be space-separated"),
            )
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": "#/components/schemas/IntakeIn"},
                            {"$ref": "#/components/schemas/IntakeV2In"},
                            {"$ref": "#/components/schemas/IntakeV3In"},
                        ]
                    }
                }
            },
        },
    },
)
async def receive_intake(
    request: Request, settings: SettingsDep, db: DbSession, cipher: CipherDep, background: BackgroundTasks
) -> JSONResponse:
    """Store one intake (schemas/intake-v3.schema.json, or v2 or v1), signed with Standard Webhooks. Anonymous."""
    body = await request.body()  # at most 256 KB: coach/body_limit.py refuses more while it arrives

    try:
        webhook_id = verify(settings.webhook_secret, request.headers, body)
    except WebhookVerificationError as error:
        logger.warning("intake rejected: %s", error)
        return _error(status.HTTP_401_UNAUTHORIZED, str(error))

    try:
        document = json.loads(body)
    except ValueError:
        logger.warning("intake %s rejected: body is not valid JSON", webhook_id)
        return _error(status.HTTP_422_UNPROCESSABLE_CONTENT, "body is not valid JSON")
    version = document.get("schema_version") if isinstance(document, dict) else None
    contract = CONTRACTS.get(version) if type(version) is int else None
    try:
        received = (contract or IntakeV2In).model_validate_json(body, strict=True)
    except ValidationError as error:
        # include_input=False: the errors go back to the sender without echoing the person's answers.
        errors = error.errors(include_input=False, include_url=False, include_context=False)
        logger.warning("intake %s rejected: %d schema error(s)", webhook_id, len(errors))
        return _error(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "body does not match intake schema v1, v2 or v3 (schemas/intake-v3.schema.json)",
            errors=errors,
        )

    intake = upgrade_v1(received) if isinstance(received, IntakeIn) else received
    existing = _by_webhook_id(db, webhook_id)
    if existing is not None:
        logger.info("intake %s already stored as %s", webhook_id, existing.reference)
        return _receipt(status.HTTP_200_OK, existing.reference, duplicate=True)
    if _reference_taken(db, intake.reference):
        logger.warning("intake %s refused: reference %s already in use", webhook_id, intake.reference)
        return _collision(intake.reference)

    row = intakes.new_intake(intake, webhook_id, received.schema_version, cipher)
    db.add(row)
    audit.record(db, None, "intake_received", intake.reference, f"v{received.schema_version}")
    try:
        db.flush()
        counting.count_intake(db, intake, row)  # the week counts of /coach/bereik, in the same transaction
        db.commit()
    except IntegrityError:
        # Another request won the race between the lookups and the insert: a retry, or a colliding reference.
        db.rollback()
        existing = _by_webhook_id(db, webhook_id)
        if existing is not None:
            return _receipt(status.HTTP_200_OK, existing.reference, duplicate=True)
        if _reference_taken(db, intake.reference):
            return _collision(intake.reference)
        raise
    logger.info("intake %s stored as %s", webhook_id, intake.reference)
    if request.app.state.translator.name != "none":
        background.add_task(translate_in_background, request.app, intake.reference)
    return _receipt(status.HTTP_201_CREATED, intake.reference)


def translate_in_background(app: object, reference_code: str) -> None:
    """After the acknowledgement: translate the person's words; a failure leaves them "not translated"."""
    state = app.state  # type: ignore[attr-defined]
    with state.database.sessions() as db:
        intake = intakes.find(db, reference_code)
        if intake is None:
            return
        done, total = intakes.translate(intake, state.cipher, state.translator)
        audit.record(db, None, "translate", reference_code, f"{done}/{total} {state.translator.name}")
        db.commit()
