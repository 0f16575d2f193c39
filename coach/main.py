"""The coach service's FastAPI app. Importing this module does no I/O; the database opens on startup.

Run: ONTHAAL_WEBHOOK_SECRET=whsec_... .venv/bin/python -m uvicorn coach.main:app --host 127.0.0.1 --port 8000
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from coach.db import Database
from coach.routers import health, pages, webhook, widget
from coach.settings import Settings, get_settings

STATIC_DIR = Path(__file__).resolve().parent / "static"


def resolve_settings(app: FastAPI) -> Settings:
    """The settings the app's routes see, honouring a test's `dependency_overrides[get_settings]`."""
    return app.dependency_overrides.get(get_settings, get_settings)()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Fails startup (and so uvicorn) when ONTHAAL_WEBHOOK_SECRET is missing or a placeholder.
    settings = resolve_settings(app)
    database = Database(settings.database_url)
    database.create_tables()
    app.state.database = database
    try:
        yield
    finally:
        database.dispose()


def create_app() -> FastAPI:
    app = FastAPI(title="Onthaal coach service", version="1", lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(webhook.router)
    app.include_router(pages.router)
    app.include_router(widget.router)
    app.mount("/coach/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="coach-static")
    return app


app = create_app()
