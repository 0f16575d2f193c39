"""The action server's outbox report (signed, like the intake webhook) and its health view for admins.

`POST /api/v1/outbox-status`: Standard Webhooks headers with ONTHAAL_WEBHOOK_SECRET, body `OutboxStatusIn`;
204 when taken. `GET /api/v1/health/outbox`: the stored report for a logged-in admin (session cookie).
"""

import logging

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from coach import outbox_status
from coach.deps import ApiUser, DbSession, SettingsDep
from coach.outbox_status import OutboxHealth, OutboxStatusIn
from coach.signing import WebhookVerificationError, verify

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["outbox"])

_SIGNED_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string"}, "description": text}
    for name, text in (
        ("webhook-id", "unique per report"),
        ("webhook-timestamp", "unix seconds"),
        ("webhook-signature", "v1,<base64 HMAC-SHA256>; several may be space-separated"),
    )
]


@router.post(
    "/outbox-status",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        204: {"description": "Taken (or older than the report already stored)"},
        401: {"description": "Missing or invalid signature, or timestamp more than 5 minutes off"},
        413: {"description": "Body over 4 KB"},
        422: {"description": "Body is not JSON or does not match the report's contract"},
    },
    openapi_extra={
        "parameters": _SIGNED_HEADERS,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OutboxStatusIn"}}},
        },
    },
)
async def receive_outbox_status(request: Request, settings: SettingsDep, db: DbSession) -> Response:
    """The action server's outbox: how many intakes wait, how many it gave up on (dead letters). Anonymous."""
    body = await request.body()
    try:
        verify(settings.webhook_secret, request.headers, body)
    except WebhookVerificationError as error:
        logger.warning("outbox report rejected: %s", error)
        return JSONResponse(status_code=status.HTTP_401_UNAUTHORIZED, content={"detail": str(error)})
    try:
        report = OutboxStatusIn.model_validate_json(body)
    except ValidationError as error:
        errors = error.errors(include_input=False, include_url=False, include_context=False)
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
            content={"detail": "body does not match the outbox report", "errors": errors},
        )
    if outbox_status.store(db, report):
        db.commit()
        if report.dead_letters:
            logger.warning("outbox report: %d dead letter(s), %d pending", report.dead_letters, report.pending)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/health/outbox",
    response_model=OutboxHealth,
    responses={
        401: {"description": "Not logged in (no valid session cookie)"},
        403: {"description": "Only admins"},
    },
)
def outbox_health(db: DbSession, user: ApiUser) -> OutboxHealth:
    """The action server's latest outbox report, and whether it is older than 15 minutes. Admins only."""
    if user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins")
    return outbox_status.health(db)
