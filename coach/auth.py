"""Accounts, sessions, CSRF and login rate limiting.

- Passwords: argon2id (argon2-cffi defaults), rehashed on login when the parameters change.
- Sessions: a random 32-byte token in a `Secure; HttpOnly; SameSite=Strict` cookie; the database keeps only its
  SHA-256, the user and a per-session CSRF token. Expired sessions are refused and removed.
- CSRF: every form carries the session's token (synchronizer token); the login form, which has no session yet,
  uses a double-submit cookie. SameSite=Strict is a second line of defence, not the only one.
- Rate limiting: a sliding window per (username, client IP) and per IP, counted in the database
  (coach/attempts.py, keyed hashes only), so that every worker and replica counts the same failures.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coach.attempts import AttemptLog
from coach.attempts import now as attempts_clock
from coach.models import ROLES, User, UserSession, utcnow

SESSION_COOKIE = "onthaal_session"
LOGIN_CSRF_COOKIE = "onthaal_login_csrf"
_hasher = PasswordHasher()
# Verifying against this keeps the answer time the same for unknown usernames.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(db: Session, username: str, password: str, role: str, team: str | None = None) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").isalnum():
        raise ValueError("a username is 1 to 64 letters, digits, dots or dashes")
    user = User(username=username, password_hash=hash_password(password), role=role, team=team, active=True)
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    user = db.scalar(select(User).where(User.username == username, User.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, user: User, hours: float) -> str:
    """A new session for `user`; returns the cookie value (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(delete(UserSession).where(UserSession.expires_at < now))
    db.add(
        UserSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def session_for(db: Session, token: str | None) -> UserSession | None:
    if not token or len(token) > 128:
        return None
    found = db.get(UserSession, _token_hash(token))
    if found is None or not found.user.active:
        return None
    if found.expires_at < utcnow():
        db.delete(found)
        db.commit()
        return None
    return found


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class LoginRateLimiter:
    """Failed logins in a sliding window: at most `per_user` per (username, IP) and `per_ip` per IP."""

    def __init__(
        self, attempts: AttemptLog, per_user: int = 5, per_ip: int = 20, window_seconds: float = 15 * 60
    ) -> None:
        self.attempts = attempts
        self.per_user = per_user
        self.per_ip = per_ip
        self.window = window_seconds

    @staticmethod
    def _user_key(username: str, ip: str) -> str:
        return f"{username.lower()}\n{ip}"

    def blocked(self, username: str, ip: str, now: float | None = None) -> bool:
        now = attempts_clock() if now is None else now
        since = now - self.window
        return (
            self.attempts.recent("login", self._user_key(username, ip), since)[0] >= self.per_user
            or self.attempts.recent("login_ip", ip, since)[0] >= self.per_ip
        )

    def failed(self, username: str, ip: str, now: float | None = None) -> None:
        now = attempts_clock() if now is None else now
        self.attempts.add([("login", self._user_key(username, ip)), ("login_ip", ip)], now, self.window)

    def succeeded(self, username: str, ip: str) -> None:
        self.attempts.clear("login", self._user_key(username, ip))
