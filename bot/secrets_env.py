"""Secrets of the bot's servers, read from the environment: `NAME` itself, or the file that `NAME_FILE` names.

The file form is for deployments that mount secrets as files (Docker/Kubernetes secrets, systemd credentials);
neither form ever puts a secret on a command line, where every user of the machine can read it (`ps`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

MIN_LENGTH_OUTSIDE_DEVELOPMENT = 32  # `secrets.token_urlsafe(32)` gives 43 characters


class MissingSecret(RuntimeError):
    """A required secret is in neither `NAME` nor `NAME_FILE`, or (outside development) too short to be random."""


def read_secret(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The secret `name`: the contents of the file `NAME_FILE` (stripped) when that is set, else `NAME`."""
    environ = os.environ if environ is None else environ
    file_name = environ.get(f"{name}_FILE", "").strip()
    value = Path(file_name).read_text("utf-8").strip() if file_name else environ.get(name, "").strip()
    return value or None


def require_secret(name: str, environ: Mapping[str, str] | None = None) -> str:
    """Like `read_secret`, but a missing secret, or outside development (`ONTHAAL_ENV`) a short one, is an error
    that says how to provide it."""
    environ = os.environ if environ is None else environ
    value = read_secret(name, environ)
    if not value:
        raise MissingSecret(f"{name} is not set: put it in the environment, or its path in {name}_FILE")
    if environ.get("ONTHAAL_ENV", "production") != "development" and len(value) < MIN_LENGTH_OUTSIDE_DEVELOPMENT:
        raise MissingSecret(
            f"{name} is shorter than {MIN_LENGTH_OUTSIDE_DEVELOPMENT} characters; generate one with "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(32))"` '
            "(short ones only with ONTHAAL_ENV=development)"
        )
    return value
