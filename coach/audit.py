"""The audit log: who viewed or changed which intake, when, and what kind of action. Never any content."""

from sqlalchemy.orm import Session

from coach.models import AuditEntry, utcnow

ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "intake_received",
    "list",
    "view",
    "export_json",
    "export_print",
    "claim",
    "status",
    "observed",
    "note",
    "translate",
    "erase",
    "retention_delete",
    "rasa_erasure",
    "status_lookup",
)


def record(db: Session, username: str | None, action: str, reference: str | None = None, detail: str = "") -> None:
    """Add an audit entry to the session (committed with the change it describes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.add(AuditEntry(at=utcnow(), username=username, action=action, reference=reference, detail=detail[:128] or None))
