"""Credentials for Rasa's HTTP API (the tracker endpoints), as Rasa 3.6 checks them (`rasa/server.py`).

Rasa runs with JWT authentication only (`bot/server.py`): a request carries `Authorization: Bearer <token>`, an
HS256 JWT signed with `RASA_JWT_SECRET` whose payload says `{"user": {"role": "admin"}}`. There is no plain
token, so nothing travels in a URL (`?token=` is refused).
"""

from __future__ import annotations

import time

import jwt

from bot.secrets_env import read_secret

JWT_SECRET_VARIABLE = "RASA_JWT_SECRET"  # noqa: S105 (a name, not a secret)
JWT_ALGORITHM = "HS256"
TOKEN_LIFETIME_SECONDS = 300


def admin_token(secret: str, lifetime_seconds: int = TOKEN_LIFETIME_SECONDS) -> str:
    """A short-lived JWT with the admin role Rasa's `requires_auth` asks for."""
    now = int(time.time())
    payload = {"user": {"username": "onthaal", "role": "admin"}, "iat": now, "exp": now + lifetime_seconds}
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM)


def auth_headers() -> dict[str, str] | None:
    """The `Authorization` header for Rasa's HTTP API, or None when no secret is configured."""
    secret = read_secret(JWT_SECRET_VARIABLE)
    return {"Authorization": f"Bearer {admin_token(secret)}"} if secret else None
