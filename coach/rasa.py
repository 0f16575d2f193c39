"""Erasing a conversation in Rasa's tracker store through Rasa's HTTP API (Rasa 3.6, `rasa/server.py`).

`PUT {RASA_URL}/conversations/{id}/tracker/events` with an empty list replaces every event, which removes what
the person typed from the tracker store. Rasa accepts only a JWT (`bot/server.py`): the request carries
`Authorization: Bearer <HS256 JWT with the admin role>`, signed with Rasa's JWT secret; nothing goes in the URL.
Bounded by a 5 second timeout; the caller audits whether it worked. Never raises.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import quote

import httpx

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5.0
TOKEN_LIFETIME_SECONDS = 300


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def admin_token(jwt_secret: str, lifetime_seconds: int = TOKEN_LIFETIME_SECONDS) -> str:
    """A short-lived HS256 JWT with the admin role Rasa's `requires_auth` asks for (PyJWT is not in this
    environment; HS256 is one HMAC over two base64url-encoded JSON objects)."""
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    payload = {"user": {"username": "onthaal-coach", "role": "admin"}, "iat": now, "exp": now + lifetime_seconds}
    signing_input = ".".join(_b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
    signature = hmac.new(jwt_secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def auth_headers(jwt_secret: str) -> dict[str, str]:
    """The `Authorization` header for Rasa's HTTP API."""
    return {"Authorization": f"Bearer {admin_token(jwt_secret)}"}


def erase_conversation(rasa_url: str, jwt_secret: str, conversation_id: str) -> bool:
    if not conversation_id:
        return False
    if not jwt_secret:
        logger.warning("tracker erasure skipped: no secret for Rasa's HTTP API")
        return False
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker/events"
    try:
        response = httpx.put(url, headers=auth_headers(jwt_secret), json=[], timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        logger.warning("tracker erasure failed: %s", type(error).__name__)
        return False
    if response.status_code != 200:
        logger.warning("tracker erasure refused with status %s", response.status_code)
        return False
    return True
