"""Encryption at rest of everything a person said (Fernet / MultiFernet, keys from ONTHAAL_DATA_KEYS).

`ONTHAAL_DATA_KEYS` is a comma-separated list of Fernet keys: the first encrypts, all of them decrypt.
Rotation: prepend a new key, run `tools/coach_admin.py rotate-keys` (re-encrypts every stored value with the
first key), then drop the old key. Only non-personal columns (reference, language, wijk id, team, status, flags,
need ids, timestamps) stay in clear so the inbox can filter without decrypting.
"""

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

GENERATE_KEY_COMMAND = (
    '.venv/bin/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class DataKeyError(ValueError):
    """ONTHAAL_DATA_KEYS is missing or malformed. The message never contains a key."""


def parse_keys(value: str) -> list[bytes]:
    keys = [part.strip().encode() for part in value.split(",") if part.strip()]
    if not keys:
        raise DataKeyError("ONTHAAL_DATA_KEYS is empty")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as error:
            raise DataKeyError(
                f"key {position} of ONTHAAL_DATA_KEYS is not a Fernet key (32 url-safe base64 bytes)"
            ) from error
    return keys


class DataCipher:
    """Encrypts text and JSON with the first key; decrypts with any key."""

    def __init__(self, keys: list[bytes]) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def from_setting(cls, value: str) -> "DataCipher":
        return cls(parse_keys(value))

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise DataKeyError("stored value cannot be decrypted with any key of ONTHAAL_DATA_KEYS") from error

    def encrypt_json(self, value: Any) -> str:
        return self.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def decrypt_json(self, token: str | None, default: Any = None) -> Any:
        if not token:
            return default
        return json.loads(self.decrypt(token))

    def rotate(self, token: str) -> str:
        """The same value encrypted with the first key (MultiFernet.rotate)."""
        return self._fernet.rotate(token.encode()).decode()
