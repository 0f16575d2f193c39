"""What tools/coach_admin.py does, as functions (tested directly): accounts, key rotation, retention, erasure."""

from sqlalchemy import select

from coach import auth, intakes, reference, retention
from coach.attempts import only_one_at_a_time
from coach.crypto import DataCipher
from coach.db import Database
from coach.models import Intake, Note, PendingErasure, User
from coach.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def _open(settings: Settings) -> tuple[Database, DataCipher]:
    if not settings.data_keys.strip():
        raise SystemExit("ONTHAAL_DATA_KEYS is not set")
    database = Database(settings.database_url)
    database.migrate()
    return database, DataCipher.from_setting(settings.data_keys)


def migrate(settings: Settings) -> None:
    database = Database(settings.database_url)
    database.migrate()
    database.dispose()


def create_user(settings: Settings, username: str, password: str, role: str, team: str | None) -> None:
    if team is not None and team not in reference.teams():
        raise SystemExit(f"unknown team {team!r}; teams: {', '.join(reference.teams())}")
    database = Database(settings.database_url)
    database.migrate()
    with database.sessions() as db:
        if db.scalar(select(User).where(User.username == username)):
            raise SystemExit(f"user {username} exists")
        try:
            auth.create_user(db, username, password, role, team)
        except ValueError as error:
            raise SystemExit(str(error)) from error
        db.commit()
    database.dispose()


def rotate_keys(settings: Settings) -> int:
    """Re-encrypt every encrypted column with the first key; afterwards the old keys may be dropped."""
    database, cipher = _open(settings)
    count = 0
    with database.sessions() as db:
        for intake in db.scalars(select(Intake)):
            for column in ("payload_enc", "assessment_enc", "translations_enc"):
                token = getattr(intake, column)
                if token:
                    setattr(intake, column, cipher.rotate(token))
                    count += 1
        for note in db.scalars(select(Note)):
            note.text_enc = cipher.rotate(note.text_enc)
            count += 1
        for pending in db.scalars(select(PendingErasure)):
            pending.conversation_enc = cipher.rotate(pending.conversation_enc)
            count += 1
        db.commit()
    database.dispose()
    return count


def purge(settings: Settings) -> list[str] | None:
    """The references purged; None when a running service (a worker of it) was in the middle of the job."""
    database, cipher = _open(settings)
    with only_one_at_a_time(database.engine, "retention") as mine, database.sessions() as db:
        gone = retention.run_retention(db, cipher, settings) if mine else None
    database.dispose()
    return gone


def erase(settings: Settings, reference_code: str) -> tuple[bool, bool]:
    database, cipher = _open(settings)
    with database.sessions() as db:
        intake = intakes.find(db, reference_code)
        if intake is None:
            return False, False
        rasa_ok = retention.erase_intake(db, intake, cipher, settings, "coach_admin")
    database.dispose()
    return True, rasa_ok
