"""Settings of the coach service, read from the environment once through `get_settings()`."""

import base64
import binascii
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "config"

# Words that betray a secret copied from documentation or an example file rather than generated.
_PLACEHOLDER_WORDS = ("change", "placeholder", "example", "secret", "dummy", "replace")
_SECRET_SHAPE = re.compile(r"^whsec_[A-Za-z0-9+/]+={0,2}$")
# A command that makes a secret, not a secret.
GENERATE_SECRET_COMMAND = (
    "python3 -c \"import base64, os; print('whsec_' + base64.b64encode(os.urandom(32)).decode())\""  # noqa: S105
)
# Secrets printed in public documentation and test vectors.
_PUBLISHED_SECRETS = frozenset({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})  # noqa: S105
_MIN_SECRET_BYTES = 24  # Standard Webhooks asks for 24 to 64 random bytes.


def generate_webhook_secret() -> str:
    """A fresh `whsec_` secret of 32 random bytes."""
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def decode_webhook_secret(secret: str) -> bytes:
    """Return the HMAC key of a `whsec_` secret; ValueError when it is not `whsec_` + base64."""
    if not _SECRET_SHAPE.match(secret):
        raise ValueError("ONTHAAL_WEBHOOK_SECRET must be 'whsec_' followed by base64")
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error as error:
        raise ValueError("ONTHAAL_WEBHOOK_SECRET is not valid base64 after 'whsec_'") from error
    if not key:
        raise ValueError("ONTHAAL_WEBHOOK_SECRET is empty after 'whsec_'")
    return key


def looks_like_placeholder(secret: str) -> bool:
    """True for secrets that were clearly not generated at random (short, low-entropy or a known word)."""
    lowered = secret.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    if secret in _PUBLISHED_SECRETS:
        return True
    key = decode_webhook_secret(secret)
    # Random bytes are almost never all printable ASCII; a key that is, was typed by a person.
    typed_by_a_person = all(32 <= byte < 127 for byte in key)
    return len(key) < _MIN_SECRET_BYTES or len(set(key)) < 8 or typed_by_a_person


class Settings(BaseSettings):
    """Everything the coach service reads from its environment."""

    # hide_input_in_errors: a refused secret must not end up in the startup log.
    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore", frozen=True, hide_input_in_errors=True)

    environment: Annotated[str, Field(validation_alias="ONTHAAL_ENV")] = "production"
    webhook_secret: Annotated[str, Field(validation_alias="ONTHAAL_WEBHOOK_SECRET", repr=False)]
    database_url: Annotated[str, Field(validation_alias="DATABASE_URL")] = (
        f"sqlite:///{REPO_ROOT / 'var' / 'coach.sqlite3'}"
    )
    rasa_public_url: Annotated[str, Field(validation_alias="RASA_PUBLIC_URL")] = "http://127.0.0.1:5005"
    widget_dir: Annotated[Path, Field(validation_alias="ONTHAAL_WIDGET_DIR")] = REPO_ROOT / "web_widget"
    languages_dir: Annotated[Path, Field(validation_alias="ONTHAAL_LANGUAGES_DIR")] = REPO_ROOT / "languages"
    # Fernet keys, comma-separated: the first encrypts, all decrypt (coach/crypto.py). Required outside development.
    data_keys: Annotated[str, Field(validation_alias="ONTHAAL_DATA_KEYS", repr=False)] = ""
    retention_days: Annotated[int, Field(validation_alias="ONTHAAL_RETENTION_DAYS", ge=1, le=3650)] = 180
    # Intakes never closed go this long after they arrived; coaches are warned `retention_warning_days` before.
    retention_open_days: Annotated[int, Field(validation_alias="ONTHAAL_RETENTION_OPEN_DAYS", ge=1, le=3650)] = 365
    retention_warning_days: Annotated[int, Field(validation_alias="ONTHAAL_RETENTION_WARNING_DAYS", ge=0, le=365)] = 30
    # How often the retention job runs inside the service; 0 = never (then run `coach_admin.py purge` from cron).
    retention_interval_seconds: Annotated[int, Field(validation_alias="ONTHAAL_RETENTION_INTERVAL_SECONDS", ge=0)] = (
        3600
    )
    translator: Annotated[Literal["none", "libretranslate", "public"], Field(validation_alias="ONTHAAL_TRANSLATOR")] = (
        "none"
    )
    libretranslate_url: Annotated[str, Field(validation_alias="ONTHAAL_LIBRETRANSLATE_URL")] = ""
    libretranslate_api_key: Annotated[str, Field(validation_alias="ONTHAAL_LIBRETRANSLATE_API_KEY", repr=False)] = ""
    # The public services send the person's words outside the organisation: only with this explicit opt-in.
    translation_public_opt_in: Annotated[bool, Field(validation_alias="ONTHAAL_TRANSLATION_PUBLIC_OPT_IN")] = False
    translation_timeout_seconds: Annotated[float, Field(validation_alias="ONTHAAL_TRANSLATION_TIMEOUT", gt=0, le=5)] = (
        5.0
    )
    rasa_url: Annotated[str, Field(validation_alias="RASA_URL")] = "http://127.0.0.1:5005"
    rasa_jwt_secret: Annotated[str, Field(validation_alias="RASA_JWT_SECRET", repr=False)] = ""
    # Unset: Secure cookies everywhere but in development (plain http://127.0.0.1 under `make run`).
    cookie_secure: Annotated[bool | None, Field(validation_alias="ONTHAAL_COOKIE_SECURE")] = None
    session_hours: Annotated[float, Field(validation_alias="ONTHAAL_SESSION_HOURS", gt=0, le=24)] = 8.0

    @field_validator("webhook_secret")
    @classmethod
    def _secret_is_well_formed(cls, secret: str) -> str:
        decode_webhook_secret(secret)
        return secret

    @field_validator("rasa_public_url")
    @classmethod
    def _rasa_url_is_plain_http(cls, url: str) -> str:
        # The URL is pasted into the widget's HTML, so it may not carry quotes, brackets or spaces.
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-:\[\]/_%~]+", url):
            raise ValueError("RASA_PUBLIC_URL must be a plain http(s) URL")
        return url.rstrip("/")

    @field_validator("data_keys")
    @classmethod
    def _data_keys_are_fernet_keys(cls, value: str) -> str:
        from coach.crypto import parse_keys

        if value.strip():
            parse_keys(value)
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret_outside_development(self) -> "Settings":
        if not self.is_development and looks_like_placeholder(self.webhook_secret):
            raise ValueError(
                "ONTHAAL_WEBHOOK_SECRET looks like a placeholder; generate one with "
                f"`{GENERATE_SECRET_COMMAND}` (placeholders are only accepted with ONTHAAL_ENV=development)"
            )
        if not self.is_development and not self.data_keys.strip():
            from coach.crypto import GENERATE_KEY_COMMAND

            raise ValueError(
                f"ONTHAAL_DATA_KEYS is required outside development; generate a key with `{GENERATE_KEY_COMMAND}`"
            )
        if self.retention_warning_days >= self.retention_open_days:
            raise ValueError("ONTHAAL_RETENTION_WARNING_DAYS must be less than ONTHAAL_RETENTION_OPEN_DAYS")
        if self.translator == "libretranslate" and not self.libretranslate_url:
            raise ValueError("ONTHAAL_TRANSLATOR=libretranslate needs ONTHAAL_LIBRETRANSLATE_URL")
        if self.translator == "public" and not self.translation_public_opt_in:
            raise ValueError(
                "ONTHAAL_TRANSLATOR=public sends the person's words outside the organisation; "
                "set ONTHAAL_TRANSLATION_PUBLIC_OPT_IN=true to accept that"
            )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else not self.is_development


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests override this dependency instead of touching the environment."""
    return Settings()  # type: ignore[call-arg]  # webhook_secret comes from the environment
