"""Encryption at rest of everything a person said (Fernet / MultiFernet, keys from ONTHAAL_DATA_KEYS).

`ONTHAAL_DATA_KEYS` is a comma-separated list of Fernet keys: the first encrypts, all of them decrypt.
Rotation: prepend a new key, run `tools/coach_admin.py rotate-keys` (re-encrypts every stored value with the
first key), then drop the old key. Only non-personal columns (reference, language, wijk id, team, status, flags,
need ids, timestamps) stay in clear so the inbox can filter without decrypting.

Short secrets that must be checked but never read back (a status code) are kept as keyed hashes instead
(`keyed_hash`, HMAC-SHA256 with a key derived from each data key): without ONTHAAL_DATA_KEYS a stolen database
does not let anyone try the million six-digit codes. A keyed hash cannot be re-made with a new key without the
value, so `keyed_hash_matches` accepts every key, and a caller that saw a match under an old key stores
`keyed_hash` again.
"""

import base64
import hashlib
import hmac
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
        # One hashing key per data key, derived for this purpose only (never the Fernet key itself).
        self._hash_keys = [
            hmac.new(base64.urlsafe_b64decode(key), b"onthaal keyed hash v1", hashlib.sha256).digest() for key in keys
        ]

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

    def keyed_hash(self, context: str, value: str) -> str:
        """HMAC-SHA256 of `value` under the first key, hex; `context` keeps one purpose's hashes from another's."""
        return self._keyed_hash(self._hash_keys[0], context, value)

    def keyed_hash_matches(self, context: str, value: str, digest: str) -> tuple[bool, bool]:
        """(matches under some key, matches under the first key), every key compared in constant time."""
        results = [
            hmac.compare_digest(self._keyed_hash(key, context, value).encode(), digest.encode())
            for key in self._hash_keys
        ]
        return any(results), results[0]

    @staticmethod
    def _keyed_hash(key: bytes, context: str, value: str) -> str:
        message = json.dumps([context, value]).encode()  # unambiguous: no (context, value) pair shares a message
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def rotate(self, token: str) -> str:
        """The same value encrypted with the first key (MultiFernet.rotate)."""
        return self._fernet.rotate(token.encode()).decode()
