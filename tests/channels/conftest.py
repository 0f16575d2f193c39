"""The real stack with WhatsApp and Telegram enabled, its replies going to a local fake provider."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.channels.fake_provider import FakeProvider
from tests.conftest import MODEL, free_port
from tools.stack import Stack

PUBLIC_WHATSAPP_URL = "https://onthaal.example/webhooks/whatsapp/webhook"


@pytest.fixture(scope="session")
def fake_provider() -> Iterator[FakeProvider]:
    provider = FakeProvider().start()
    try:
        yield provider
    finally:
        provider.stop()


@pytest.fixture(scope="session")
def channel_credentials() -> dict[str, str]:
    """Test credentials, fresh per run: nothing here is valid at Twilio or Telegram."""
    return {
        "TWILIO_ACCOUNT_SID": "AC" + secrets.token_hex(16),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_WHATSAPP_NUMBER": "whatsapp:+14155238886",
        "TELEGRAM_BOT_TOKEN": "1000000001:" + secrets.token_urlsafe(26),
        "TELEGRAM_BOT_NAME": "onthaal_test_bot",
        "TELEGRAM_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "TELEGRAM_WEBHOOK_URL": "",
    }


@contextmanager
def running_channel_stack(
    state_dir: Path, provider: FakeProvider, credentials: dict[str, str], **extra_env: str
) -> Iterator[Stack]:
    """Action server, coach service and Rasa server with both messaging channels, their replies going to
    `provider`; TWILIO_WEBHOOK_URL is the URL the tests sign, as a proxy's public URL would be.
    ONTHAAL_TEST_MODEL may point at another model."""
    model = Path(os.environ.get("ONTHAAL_TEST_MODEL") or MODEL)
    if not model.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    stack = Stack(
        state_dir=state_dir,
        rasa_port=free_port(),
        actions_port=free_port(),
        coach_port=free_port(),
        model=model,
        extra_env={
            **credentials,
            "TWILIO_WEBHOOK_URL": PUBLIC_WHATSAPP_URL,
            "TWILIO_API_BASE": provider.url,
            "TELEGRAM_API_BASE": provider.url,
            **extra_env,
        },
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def channel_stack(
    tmp_path_factory: pytest.TempPathFactory, fake_provider: FakeProvider, channel_credentials: dict[str, str]
) -> Iterator[Stack]:
    with running_channel_stack(tmp_path_factory.mktemp("channels"), fake_provider, channel_credentials) as stack:
        yield stack
