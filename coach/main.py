"""The coach service's FastAPI app. Importing this module does no I/O; the database opens on startup.

Run: ONTHAAL_WEBHOOK_SECRET=whsec_... ONTHAAL_DATA_KEYS=... .venv/bin/python -m uvicorn coach.main:app --port 8000
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException

from coach import legacy, logging_privacy, retention
from coach.attempts import AttemptLog
from coach.auth import LoginRateLimiter
from coach.body_limit import BodyLimitMiddleware
from coach.crypto import DataCipher
from coach.db import Database
from coach.deps import LoginRequired
from coach.outbox_status import OutboxStatusIn
from coach.reach.counters import CountersIn
from coach.routers import (
    api,
    audit_page,
    counters,
    docs,
    health,
    inbox_page,
    intake_export,
    intake_page,
    intake_status,
    login,
    outbox_status,
    reach_page,
    reception,
    webhook,
    widget,
)
from coach.routers.intake_status import StatusLookupIn
from coach.routers.templating import render
from coach.schemas import IntakeIn, IntakeV2In, IntakeV3In
from coach.security_headers import SecurityHeadersMiddleware
from coach.settings import Settings, get_settings
from coach.status_lookup import WrongCodeLimiter
from coach.translation import build_translator

STATIC_DIR = Path(__file__).resolve().parent / "static"
logger = logging.getLogger(__name__)


def resolve_settings(app: FastAPI) -> Settings:
    """The settings the app's routes see, honouring a test's `dependency_overrides[get_settings]`."""
    return app.dependency_overrides.get(get_settings, get_settings)()


def build_cipher(settings: Settings) -> DataCipher:
    if settings.data_keys.strip():
        return DataCipher.from_setting(settings.data_keys)
    # Only reachable in development (Settings refuses this elsewhere): say so loudly, keep the key in memory only.
    logger.warning(
        "ONTHAAL_DATA_KEYS is not set: using a throw-away key for this run; intakes stored now become unreadable "
        "after a restart. Add ONTHAAL_DATA_KEYS to .env."
    )
    return DataCipher([Fernet.generate_key()])


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Fails startup (and so uvicorn) when a secret is missing or a placeholder.
    settings = resolve_settings(app)
    logging_privacy.install()
    database = Database(settings.database_url)
    database.migrate()
    app.state.database = database
    app.state.cipher = build_cipher(settings)
    legacy.import_legacy(database, app.state.cipher)
    app.state.translator = build_translator(settings)
    attempts = AttemptLog(database.sessions, app.state.cipher.keyed_hash)  # shared by every worker
    app.state.login_limiter = LoginRateLimiter(attempts)
    app.state.status_limiter = WrongCodeLimiter(attempts)
    job = None
    if settings.retention_interval_seconds:
        job = asyncio.create_task(retention.run_periodically(app, settings))
    try:
        yield
    finally:
        if job is not None:
            job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job
        database.dispose()


async def _to_login(request: Request, _error: Exception) -> RedirectResponse:
    return RedirectResponse("/coach/login", status_code=303)


COACH_ERRORS = {
    403: ("Geen toegang", "Je rol laat dit niet toe, of de pagina was verlopen. Laad de pagina opnieuw."),
    404: ("Niet gevonden", "Deze pagina of aanmelding bestaat niet, of je mag ze niet openen."),
    422: ("Ongeldige invoer", "Controleer wat je invulde en probeer opnieuw."),
}


async def _coach_error(request: Request, error: Exception) -> Response:
    """Coach pages answer errors with a Dutch page; the API keeps FastAPI's JSON errors."""
    status_code = error.status_code if isinstance(error, StarletteHTTPException) else 422
    if not request.url.path.startswith("/coach") or status_code not in COACH_ERRORS:
        if isinstance(error, RequestValidationError):
            return await request_validation_exception_handler(request, error)
        return await http_exception_handler(request, error)  # type: ignore[arg-type]
    title, message = COACH_ERRORS[status_code]
    session = getattr(request.state, "user_session", None)
    return render(request, "error.html", {"title": title, "message": message}, status_code, session=session)


def _openapi_with_contracts(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The signed routes read their raw body (to verify the signature first), so FastAPI cannot see their
    models: add the intake contracts, the outbox report and the status lookup to the components their
    requestBody refers to."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, definitions = models_json_schema(
            [
                (IntakeIn, "validation"),
                (IntakeV2In, "validation"),
                (IntakeV3In, "validation"),
                (OutboxStatusIn, "validation"),
                (CountersIn, "validation"),
                (StatusLookupIn, "validation"),
            ],
            ref_template="#/components/schemas/{model}",
        )
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for name, schema in definitions["$defs"].items():
            # $id would change the base URI of the refs inside; the files in schemas/ keep it.
            components[name] = {key: value for key, value in schema.items() if key not in ("$id", "$schema")}
        app.openapi_schema = document
        return document

    return openapi


def create_app() -> FastAPI:
    app = FastAPI(
        title="Onthaal coach service",
        version="2",
        lifespan=lifespan,
        description="Receives signed intakes (schema v1, v2 and v3), serves them to logged-in coaches and tells the "
        "action server an intake's status when it gives the reference and the status code.",
        # Swagger UI and ReDoc load from a CDN; coach/routers/docs.py serves the reference without it.
        docs_url=None,
        redoc_url=None,
    )
    # The widget is sent compressed: its first render on a slow phone network depends on it.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityHeadersMiddleware)
    # Added last, so it is the outermost of ours: no route or middleware sees more body than its cap.
    app.add_middleware(BodyLimitMiddleware)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(StarletteHTTPException, _coach_error)
    app.add_exception_handler(RequestValidationError, _coach_error)
    app.include_router(health.router)
    app.include_router(webhook.router)
    app.include_router(outbox_status.router)
    app.include_router(counters.router)
    app.include_router(intake_status.router)
    app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(inbox_page.router)
    app.include_router(intake_page.router)
    app.include_router(intake_export.router)
    app.include_router(audit_page.router)
    app.include_router(reach_page.router)
    app.include_router(reception.router)
    app.include_router(widget.router)
    app.include_router(docs.router)
    app.mount("/coach/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="coach-static")
    app.openapi = _openapi_with_contracts(app)  # type: ignore[method-assign]
    return app


app = create_app()
