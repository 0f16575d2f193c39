"""Reading a comma-separated list of Fernet keys (`ONTHAAL_TRACKER_KEYS`: the first encrypts, all decrypt).

Shared by the conversation store (bot/tracker_store.py) and the WhatsApp/Telegram reply queue
(bot/channels/reply_queue.py), which each say in their own words why they cannot start. Needs only
`cryptography`, so it imports in either Python environment. A key is never echoed in an error.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet


class FernetKeyError(ValueError):
    """No key at all (`position` None), or the key at `position` (1-based) of `count` is not a Fernet key."""

    def __init__(self, position: int | None = None, count: int = 0) -> None:
        super().__init__("no Fernet key" if position is None else f"key {position} of {count} is not a Fernet key")
        self.position = position
        self.count = count


def raw_fernet_keys(setting: str | None) -> list[bytes]:
    """The 32-byte keys of the comma-separated setting, in order; FernetKeyError when empty or malformed."""
    keys = [key.strip() for key in (setting or "").split(",") if key.strip()]
    if not keys:
        raise FernetKeyError()
    decoded = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
            decoded.append(base64.urlsafe_b64decode(key))
        except (ValueError, TypeError) as error:
            raise FernetKeyError(position, len(keys)) from error
    return decoded
