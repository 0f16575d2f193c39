"""Standard Webhooks signatures (https://www.standardwebhooks.com): verify incoming, sign for tests and tools.

Signed content is `{webhook-id}.{webhook-timestamp}.{raw body}`, HMAC-SHA256 with the base64-decoded part of
the `whsec_` secret, sent as `v1,<base64>`; several space-separated signatures may be present.
"""

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

from coach.settings import decode_webhook_secret

TOLERANCE_SECONDS = 5 * 60
MAX_WEBHOOK_ID_LENGTH = 255
# Unix seconds have 10 digits until the year 2286; more is never a clock, and a 400-digit number would not
# even fit a float for the comparison below.
MAX_TIMESTAMP_DIGITS = 12


class WebhookVerificationError(Exception):
    """The request is not a validly signed, fresh webhook. The message is safe to return to the caller."""


def _signature(key: bytes, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for `body`."""
    key = decode_webhook_secret(secret)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + _signature(key, msg_id, str(timestamp), body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> str:
    """Check the headers against `body`; return the webhook id or raise WebhookVerificationError."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header")
    if len(msg_id) > MAX_WEBHOOK_ID_LENGTH:
        raise WebhookVerificationError("webhook-id is too long")
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > MAX_TIMESTAMP_DIGITS:
        raise WebhookVerificationError("webhook-timestamp is not unix seconds")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > TOLERANCE_SECONDS:
        raise WebhookVerificationError("webhook-timestamp is more than 5 minutes off")

    expected = _signature(decode_webhook_secret(secret), msg_id, timestamp, body).encode()
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return msg_id
    raise WebhookVerificationError("no valid webhook-signature")
