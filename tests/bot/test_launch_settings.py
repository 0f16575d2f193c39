"""What the Rasa and action server launchers read from the environment (bot/server.py, bot/secrets_env.py)."""

from __future__ import annotations

import pytest

from bot.secrets_env import MissingSecret, read_secret
from bot.server import DEFAULT_MAX_BODY_BYTES, server_options, widget_origins

SECRETS = {"RASA_JWT_SECRET": "jwt-secret-1", "ONTHAAL_ACTION_SECRET": "action-secret-1", "ONTHAAL_ENV": "development"}


def test_a_secret_comes_from_its_variable_or_from_the_file_its_file_variable_names(tmp_path):
    secret_file = tmp_path / "jwt"
    secret_file.write_text("from-the-file\n")
    assert read_secret("RASA_JWT_SECRET", {"RASA_JWT_SECRET": " plain "}) == "plain"
    both = {"RASA_JWT_SECRET": "plain", "RASA_JWT_SECRET_FILE": str(secret_file)}
    assert read_secret("RASA_JWT_SECRET", both) == "from-the-file"
    assert read_secret("RASA_JWT_SECRET", {"RASA_JWT_SECRET": "  "}) is None


def test_rasa_does_not_start_without_its_jwt_secret_or_the_action_secret():
    with pytest.raises(MissingSecret, match="RASA_JWT_SECRET_FILE"):
        server_options({"ONTHAAL_ACTION_SECRET": "x", "ONTHAAL_ENV": "development"})
    with pytest.raises(MissingSecret, match="ONTHAAL_ACTION_SECRET"):
        server_options({"RASA_JWT_SECRET": "x", "ONTHAAL_ENV": "development"})


def test_outside_development_a_short_secret_is_refused_without_showing_it():
    long_ones = {"RASA_JWT_SECRET": "j" * 43, "ONTHAAL_ACTION_SECRET": "a" * 43}
    assert server_options(long_ones).jwt_secret == "j" * 43  # no ONTHAAL_ENV: production
    with pytest.raises(MissingSecret, match="ONTHAAL_ACTION_SECRET is shorter than 32") as refused:
        server_options({**long_ones, "ONTHAAL_ACTION_SECRET": "action-secret-1"})
    assert "action-secret-1" not in str(refused.value)


def test_the_options_default_to_no_cross_origin_caller_and_a_256_kb_body():
    options = server_options(SECRETS)
    assert (options.jwt_secret, options.action_secret) == ("jwt-secret-1", "action-secret-1")
    assert options.cors_origins == [] and options.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 256 * 1024
    assert server_options({**SECRETS, "SANIC_REQUEST_MAX_SIZE": "65536"}).max_body_bytes == 65536
    with pytest.raises(ValueError, match="SANIC_REQUEST_MAX_SIZE"):
        server_options({**SECRETS, "SANIC_REQUEST_MAX_SIZE": "100MB"})


def test_widget_origins_are_plain_origins_only():
    assert widget_origins(" https://onthaal.gent , http://127.0.0.1:8000/,") == [
        "https://onthaal.gent",
        "http://127.0.0.1:8000",
    ]
    # sanic-cors would read these as regular expressions matching any origin.
    for wildcard in ("*", "https://.*", "https://onthaal.gent?", "https://[::1]:8000", "onthaal.gent"):
        with pytest.raises(ValueError, match="ONTHAAL_WIDGET_ORIGINS"):
            widget_origins(wildcard)
