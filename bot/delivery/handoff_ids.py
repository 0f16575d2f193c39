"""The ids of one hand-off (webhook id, reference, status code), the same again when the same hand-off is repeated.

A Rasa replica can die after the action server handed an intake to the coach service but before the turn was
stored; the widget then sends the same message (same message id) again, another replica runs the hand-off again,
and without this the coach service would get a second intake under a second reference. Derived from the
conversation id and the message id with a key from the webhook secret, the repeat carries the first attempt's
webhook id (the coach service answers it with the intake it already has), reference and status code, so the person
is told the same thing twice and the coach sees one intake. A reference change after a 409 is derived the same way
from the webhook id it replaces.

Unpredictable without the webhook secret, which only the action server and the coach service hold. A hand-off
without a message id (WhatsApp, Telegram, a caller that sends none) gets random ids, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass

from bot.intake.intake import new_reference, new_status_code

_LABEL = b"onthaal hand-off ids v1"


@dataclass(frozen=True)
class HandoffIds:
    webhook_id: str
    reference: str
    status_code: str


def _derive(secret: str, *parts: str) -> bytes:
    key = hmac.new(_LABEL, secret.encode(), hashlib.sha256).digest()
    return hmac.new(key, "\x00".join(parts).encode(), hashlib.sha256).digest()


def webhook_id_from(seed: bytes | None) -> str:
    return f"msg_{seed[:16].hex() if seed else uuid.uuid4().hex}"


def handoff_ids(secret: str, conversation_id: str, message_id: str | None) -> HandoffIds:
    """Derived ids when there is a message id and a secret, random ones otherwise."""
    if not (secret and message_id):
        return HandoffIds(webhook_id_from(None), new_reference(), new_status_code())
    return HandoffIds(
        webhook_id_from(_derive(secret, "webhook id", conversation_id, message_id)),
        new_reference(_derive(secret, "reference", conversation_id, message_id)),
        new_status_code(_derive(secret, "status code", conversation_id, message_id)),
    )


def changed_reference(secret: str, webhook_id: str) -> tuple[str, str]:
    """After a 409 for `webhook_id`: the new (webhook id, reference), the same for every sender that gets it."""
    if not secret:
        return webhook_id_from(None), new_reference()
    return (
        webhook_id_from(_derive(secret, "changed webhook id", webhook_id)),
        new_reference(_derive(secret, "changed reference", webhook_id)),
    )
