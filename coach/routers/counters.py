"""POST /webhook/counters: the assistant's anonymous conversation counters (coach/reach/counters.py), signed
like the intake webhook. 204 when taken or already taken under this webhook-id; 401 unsigned; 422 bad body."""

import logging

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from coach.deps import DbSession, SettingsDep
from coach.reach import counters
from coach.signing import WebhookVerificationError, verify

logger = logging.getLogger(__name__)
router = APIRouter(tags=["counters"])


@router.post(
    "/webhook/counters",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        204: {"description": "Counted (or already counted under this webhook-id)"},
        401: {"description": "Missing or invalid signature, or timestamp more than 5 minutes off"},
        413: {"description": "Body over 128 KB"},
        422: {"description": "Body is not JSON or does not match the counters' contract"},
    },
    openapi_extra={
        "parameters": [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CountersIn"}}},
        },
    },
)
async def receive_counters(request: Request, settings: SettingsDep, db: DbSession) -> Response:
    """Anonymous counts from the assistant: started, consented, stopped or expired at a question, handed off."""
    body = await request.body()
    try:
        webhook_id = verify(settings.webhook_secret, request.headers, body)
    except WebhookVerificationError as error:
        logger.warning("counters rejected: %s", error)
        return JSONResponse(status_code=status.HTTP_401_UNAUTHORIZED, content={"detail": str(error)})
    try:
        batch = counters.CountersIn.model_validate_json(body)
        for count in batch.counts:
            counters.parse_day(count.day)
    except (ValidationError, ValueError) as error:
        errors = (
            error.errors(include_input=False, include_url=False, include_context=False)
            if isinstance(error, ValidationError)
            else [{"msg": "day is not a date"}]
        )
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": "body does not match the counters' contract", "errors": errors},
        )
    try:
        added = counters.store(db, webhook_id, batch)
        db.commit()
    except IntegrityError:  # the same batch, resent while the first was being counted
        db.rollback()
        added = False
    logger.info("counters %s: %s", webhook_id, f"{len(batch.counts)} counted" if added else "already counted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
