"""Settings refuse to start without a real secret; the app does no I/O before startup."""

import base64

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from pydantic import ValidationError

from coach.crypto import DataKeyError
from coach.db import build_engine
from coach.main import create_app
from coach.settings import REPO_ROOT, Settings, generate_webhook_secret, get_settings, looks_like_placeholder

ENV_NAMES = (
    "ONTHAAL_ENV",
    "ONTHAAL_WEBHOOK_SECRET",
    "DATABASE_URL",
    "RASA_PUBLIC_URL",
    "ONTHAAL_WIDGET_DIR",
    "ONTHAAL_LANGUAGES_DIR",
    "ONTHAAL_DATA_KEYS",
    "ONTHAAL_TRANSLATOR",
    "ONTHAAL_LIBRETRANSLATE_URL",
    "ONTHAAL_TRANSLATION_PUBLIC_OPT_IN",
    "RASA_URL",
    "RASA_JWT_SECRET",
    "ONTHAAL_RETENTION_DAYS",
)
DATA_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_reads_the_environment(monkeypatch, tmp_path):
    secret = generate_webhook_secret()
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    monkeypatch.setenv("ONTHAAL_DATA_KEYS", DATA_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://chat.example.test/")

    settings = get_settings()

    assert settings.webhook_secret == secret
    assert settings.database_url == f"sqlite:///{tmp_path}/x.sqlite3"
    assert settings.rasa_public_url == "https://chat.example.test"
    assert settings.environment == "production"
    assert get_settings() is settings


def test_defaults(monkeypatch):
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", generate_webhook_secret())
    monkeypatch.setenv("ONTHAAL_DATA_KEYS", DATA_KEY)

    settings = Settings()

    assert settings.database_url == f"sqlite:///{REPO_ROOT}/var/coach.sqlite3"
    assert settings.rasa_public_url == "http://127.0.0.1:5005"
    assert settings.widget_dir == REPO_ROOT / "web_widget"
    assert settings.languages_dir == REPO_ROOT / "languages"
    assert settings.retention_days == 180
    assert settings.translator == "none"
    assert settings.secure_cookies is True
    assert "ONTHAAL_DATA_KEYS" not in repr(settings) and DATA_KEY not in repr(settings)


def test_data_keys_are_required_outside_development(monkeypatch):
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", generate_webhook_secret())
    with pytest.raises(ValidationError, match="ONTHAAL_DATA_KEYS is required"):
        Settings()

    monkeypatch.setenv("ONTHAAL_ENV", "development")
    assert Settings().data_keys == ""


def test_malformed_data_key_is_refused_without_repeating_it(monkeypatch):
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", generate_webhook_secret())
    monkeypatch.setenv("ONTHAAL_DATA_KEYS", f"{DATA_KEY},not-a-key-at-all")
    with pytest.raises((ValidationError, DataKeyError)) as refused:
        Settings()
    assert "key 2" in str(refused.value) and "not-a-key-at-all" not in str(refused.value)


def test_public_translation_needs_the_explicit_opt_in(monkeypatch):
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", generate_webhook_secret())
    monkeypatch.setenv("ONTHAAL_DATA_KEYS", DATA_KEY)
    monkeypatch.setenv("ONTHAAL_TRANSLATOR", "public")
    with pytest.raises(ValidationError, match="OPT_IN"):
        Settings()
    monkeypatch.setenv("ONTHAAL_TRANSLATION_PUBLIC_OPT_IN", "true")
    assert Settings().translator == "public"
    monkeypatch.setenv("ONTHAAL_TRANSLATOR", "libretranslate")
    with pytest.raises(ValidationError, match="ONTHAAL_LIBRETRANSLATE_URL"):
        Settings()


def test_refused_secret_is_not_repeated_in_the_error(monkeypatch):
    typo = generate_webhook_secret() + "!"
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", typo)

    with pytest.raises(ValidationError) as refused:
        Settings()
    assert typo not in str(refused.value)
    assert typo.removeprefix("whsec_")[:20] not in str(refused.value)


def test_missing_secret_is_refused():
    with pytest.raises(ValidationError, match="ONTHAAL_WEBHOOK_SECRET"):
        Settings()


@pytest.mark.parametrize("secret", ["", "changeme", "whsec_", "whsec_not base64!", "abc" + "A" * 40])
def test_malformed_secret_is_refused_even_in_development(monkeypatch, secret):
    monkeypatch.setenv("ONTHAAL_ENV", "development")
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)

    with pytest.raises(ValidationError):
        Settings()


PLACEHOLDERS = [
    "whsec_" + base64.b64encode(b"please-use-a-real-key-1234567").decode(),  # typed, not random
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",  # the Standard Webhooks test vector
    "whsec_CHANGEME" + "A" * 32,
    "whsec_" + "A" * 44,  # 32 zero bytes
    "whsec_" + base64.b64encode(b"short").decode(),
    "whsec_MfKQ9r2+example+secret+value+0000000==",
]


@pytest.mark.parametrize("secret", PLACEHOLDERS)
def test_placeholder_secret_refused_in_production_allowed_in_development(monkeypatch, secret):
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", secret)
    with pytest.raises(ValidationError, match="placeholder"):
        Settings()

    monkeypatch.setenv("ONTHAAL_ENV", "development")
    assert Settings().webhook_secret == secret


def test_generated_secrets_are_not_placeholders():
    assert not any(looks_like_placeholder(generate_webhook_secret()) for _ in range(200))


@pytest.mark.parametrize("url", ["javascript:alert(1)", 'http://x/"><script>', "http://a b", "ftp://x"])
def test_rasa_url_must_be_plain_http(monkeypatch, url):
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", generate_webhook_secret())
    monkeypatch.setenv("RASA_PUBLIC_URL", url)

    with pytest.raises(ValidationError, match="RASA_PUBLIC_URL"):
        Settings()


def test_app_refuses_to_start_without_secret():
    app = create_app()

    with pytest.raises(ValidationError), TestClient(app):
        pass


def test_creating_the_app_touches_no_database(monkeypatch, tmp_path):
    database = tmp_path / "var" / "coach.sqlite3"
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", generate_webhook_secret())
    monkeypatch.setenv("ONTHAAL_DATA_KEYS", DATA_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")

    app = create_app()
    assert not database.parent.exists()

    with TestClient(app) as client:
        assert database.exists()  # created on startup, folder included
        assert client.get("/api/v1/health").status_code == 200


@pytest.mark.parametrize("url", ["postgres://onthaal:pw@db.internal/onthaal", "postgresql://u@localhost/x"])
def test_postgresql_urls_use_psycopg_without_connecting(url):
    engine = build_engine(url)

    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg"
    engine.dispose()
