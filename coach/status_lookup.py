"""The person's "what happens now?": an intake's status, for whoever has both its reference and its status code.

Schema v3 gives every intake a six-digit status code next to its reference. The coach service keeps only a keyed
hash of it (HMAC-SHA256 under a key derived from ONTHAAL_DATA_KEYS, bound to the reference: coach/crypto.py), so
neither the database nor a backup tells anyone the code. A lookup compares in constant time and answers the same
"not found" for an unknown reference, a wrong code, an erased intake and a v1 or v2 intake (which has no code).

A million codes are few, so guessing is limited per reference: after `MAX_WRONG` wrong codes within `WINDOW_SECONDS`
the reference is refused (429) until the oldest of them is older than the window, whether the reference exists or
not (otherwise the refusal itself would tell which references exist). The count lives in the database
(coach/attempts.py, a keyed hash of the reference), so every worker and replica counts the same wrong codes.

After a data key rotation a code hashed under the old key still matches while that key is listed; the first lookup
that matches stores the hash again under the new key. Once the old key is removed, codes not looked up since
then no longer match (the person hears "not found"; the coach still has the intake).
"""

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.attempts import AttemptLog
from coach.attempts import now as attempts_clock
from coach.crypto import DataCipher
from coach.models import Intake

MAX_WRONG = 5
WINDOW_SECONDS = 15 * 60
_CONTEXT = "intake status code"
# Compared against when there is nothing to compare against, so every "not found" costs the same.
_NO_HASH = "0" * 64

Outcome = Literal["match", "unknown", "wrong_code", "no_code", "rate_limited"]


def code_hash(cipher: DataCipher, reference_code: str, status_code: str) -> str:
    """The keyed hash kept for an intake's status code; bound to its reference, so equal codes hash apart."""
    return cipher.keyed_hash(f"{_CONTEXT} {reference_code}", status_code)


class WrongCodeLimiter:
    """Wrong codes per reference in a sliding window, counted in the database (coach/attempts.py)."""

    KIND = "status_code"

    def __init__(
        self, attempts: AttemptLog, max_wrong: int = MAX_WRONG, window_seconds: float = WINDOW_SECONDS
    ) -> None:
        self.attempts = attempts
        self.max_wrong = max_wrong
        self.window = window_seconds

    def retry_after(self, reference_code: str, now: float | None = None) -> int:
        """0 when the reference may be tried; else whole seconds until its oldest wrong code leaves the window."""
        now = attempts_clock() if now is None else now
        count, oldest = self.attempts.recent(self.KIND, reference_code, now - self.window)
        if count < self.max_wrong or oldest is None:
            return 0
        return max(1, int(oldest + self.window - now + 0.999))

    def wrong(self, reference_code: str, now: float | None = None) -> None:
        now = attempts_clock() if now is None else now
        self.attempts.add([(self.KIND, reference_code)], now, self.window)

    def matched(self, reference_code: str) -> None:
        self.attempts.clear(self.KIND, reference_code)


@dataclass(frozen=True)
class Lookup:
    outcome: Outcome
    known: bool  # the reference belongs to a stored intake (for the audit log only, never for the answer)
    status: str | None = None  # the intake's status, only on a match
    retry_after: int = 0  # seconds, only when rate limited


def look_up(
    db: Session, cipher: DataCipher, limiter: WrongCodeLimiter, reference_code: str, status_code: str
) -> Lookup:
    """The intake's status when `status_code` is its code; the caller commits (a match may re-hash the code)."""
    intake = db.scalar(select(Intake).where(Intake.reference == reference_code))
    wait = limiter.retry_after(reference_code)
    if wait:
        return Lookup("rate_limited", known=intake is not None, retry_after=wait)
    stored = intake.status_code_hash if intake is not None else None
    matches, under_first_key = cipher.keyed_hash_matches(
        f"{_CONTEXT} {reference_code}", status_code, stored or _NO_HASH
    )
    if intake is not None and stored and matches:
        limiter.matched(reference_code)
        if not under_first_key:
            intake.status_code_hash = code_hash(cipher, reference_code, status_code)
        return Lookup("match", known=True, status=intake.status)
    limiter.wrong(reference_code)
    if intake is None:
        return Lookup("unknown", known=False)
    return Lookup("wrong_code" if stored else "no_code", known=True)
