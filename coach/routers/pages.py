"""The coach pages, in Dutch: the inbox with filters, one intake, and the actions on it (claim, status,
observed needs, notes, translation, export, erasure), plus the audit log for admins.

Every page needs a logged-in user; every view and change of an intake is audited (never its content).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import select

from coach import audit, inbox, intakes, labels, outbox_status, reference, retention
from coach.deps import CipherDep, DbSession, PageSession, SettingsDep, TranslatorDep, can_open
from coach.export import export_of
from coach.models import STATUSES, AuditEntry, Intake, Note, UserSession, utcnow
from coach.routers.templating import PRIVATE_HEADERS, check_csrf, render
from coach.schemas import LANGUAGE_CODES, NEED_IDS, NO_NUL

router = APIRouter(prefix="/coach", tags=["coach"], include_in_schema=False)
CsrfField = Annotated[str, Form(max_length=128)]
FilterValue = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]


@dataclass(frozen=True)
class ChecklistRow:
    id: str
    label: str
    observed_kind: bool
    state: str
    state_label: str
    source: str | None
    evidence: str | None
    question: str | None
    ticked: bool
    support: tuple[str, ...]


def _back_to(reference_code: str) -> RedirectResponse:
    return RedirectResponse(f"/coach/intakes/{reference_code}", status_code=status.HTTP_303_SEE_OTHER)


def _saved(db: DbSession, session: UserSession, intake: Intake, action: str, detail: str = "") -> Response:
    """A coach changed the intake: stamp it, write the audit entry (never content), commit, show it again."""
    intake.updated_at = utcnow()
    audit.record(db, session.user.username, action, intake.reference, detail)
    db.commit()
    return _back_to(intake.reference)


def _open(db: DbSession, session: UserSession, reference_code: str) -> Intake:
    intake = intakes.find(db, reference_code)
    if intake is None or not can_open(session.user, intake.assisted_by):
        # Same answer for "does not exist" and "not yours": no probing of references.
        raise HTTPException(status.HTTP_404_NOT_FOUND, "not found")
    return intake


def _deletion_warning(intake: Intake, settings: SettingsDep) -> datetime | None:
    """The date an intake never closed will be deleted, from `retention_warning_days` before it."""
    return intakes.deletion_warning(intake, settings.retention_open_days, settings.retention_warning_days)


def _outbox_for(db: DbSession, session: UserSession) -> outbox_status.OutboxHealth | None:
    """The action server's delivery report, for admins only (coaches cannot act on it)."""
    return outbox_status.health(db) if session.user.role == "admin" else None


def _blank(value: str | None) -> str | None:
    return value if value else None


@router.get("")
def intake_list(
    request: Request,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    settings: SettingsDep,
    team: FilterValue = None,
    wijk: FilterValue = None,
    taal: FilterValue = None,
    status_filter: Annotated[str | None, Query(alias="status", max_length=16, pattern=NO_NUL)] = None,
    nood: FilterValue = None,
    urgentie: FilterValue = None,
    q: FilterValue = None,
) -> Response:
    user = session.user
    # A coach lands on their own team's intakes; "alle" (or any explicit choice) overrides.
    chosen_team = user.team if team is None and user.role == "coach" else team
    filters = inbox.InboxFilters(
        team=None if chosen_team in (None, "", "alle") else chosen_team,
        neighbourhood=_blank(wijk),
        language=_blank(taal),
        status=_blank(status_filter),
        need=_blank(nood),
        urgency=_blank(urgentie),
        q=_blank(q),
    )
    found = inbox.search(db, cipher, user, filters)
    audit.record(db, user.username, "list", detail=f"{len(found)} rows")
    db.commit()
    wijken = reference.neighbourhoods(languages_dir=settings.languages_dir)
    teams = reference.teams()
    needs = reference.needs()
    rows = [
        {
            "reference": intake.reference,
            "submitted_at": intake.submitted_at,
            "language": labels.LANGUAGE_NAMES.get(intake.language, intake.language),
            "wijk": wijken[intake.neighbourhood].name if intake.neighbourhood in wijken else intake.neighbourhood,
            "team": teams.get(intake.team or "", ""),
            "needs_count": intake.needs_count,
            "complete": intake.complete,
            "status": labels.STATUSES.get(intake.status, intake.status),
            "status_id": intake.status,
            "flags": [labels.FLAGS.get(flag, flag) for flag in intake.flags.split()],
            "urgency": intake.urgency,
            "claimed_by": intake.claimed_by,
            "deleted_on": _deletion_warning(intake, settings),
        }
        for intake in found
    ]
    context = {
        "rows": rows,
        "filters": {
            "team": chosen_team or "alle",
            "wijk": wijk or "",
            "taal": taal or "",
            "status": status_filter or "",
            "nood": nood or "",
            "urgentie": urgentie or "",
            "q": q or "",
        },
        "teams": teams,
        "wijken": wijken,
        "languages": {code: labels.LANGUAGE_NAMES[code] for code in LANGUAGE_CODES},
        "statuses": labels.STATUSES,
        "needs": {need_id: need.label for need_id, need in needs.items()},
        "flags": labels.FLAGS,
        "outbox": _outbox_for(db, session),
    }
    return render(request, "intake_list.html", context, session=session)


def _detail_context(request: Request, intake: Intake, cipher: CipherDep, settings: SettingsDep) -> dict[str, Any]:
    decrypted = intakes.decrypt(intake, cipher)
    payload = decrypted.payload
    answers = payload["answers"]
    needs = reference.needs()
    reported = {need["id"]: need for need in payload["needs"]}
    checklist = []
    for need_id in NEED_IDS:
        known = needs.get(need_id)
        state = payload["checklist"].get(need_id, "not_asked")
        given = reported.get(need_id, {})
        ticked = need_id in decrypted.observed
        checklist.append(
            ChecklistRow(
                id=need_id,
                label=known.label if known else need_id,
                observed_kind=bool(known and known.known == "observed"),
                state=state,
                state_label=labels.CHECKLIST_STATES.get(state, state),
                source=labels.NEED_SOURCES.get(given.get("source", ""), None),
                evidence=given.get("evidence"),
                question=labels.QUESTIONS.get(given.get("question") or "", given.get("question")),
                ticked=ticked,
                support=known.support if known and (state == "reported" or ticked) else (),
            )
        )
    answer_rows = []
    for field, label in labels.QUESTIONS.items():
        if field in ("needs", "neighbourhood") or field not in answers:
            continue
        value = answers[field]
        if field in labels.SHOWN_WHEN_GIVEN and not value and field not in payload["skipped"]:
            continue
        if isinstance(value, bool):
            shown = "ja" if value else "nee"
        elif field == "contact_method":
            shown = labels.CONTACT_METHODS.get(value or "", value)
        elif field == "help_with":
            shown = ", ".join(labels.HELP_DOMAINS.get(domain, domain) for domain in value) if value else None
        else:
            shown = labels.ANSWER_VALUES.get(field, {}).get(value or "", value)
        answer_rows.append({"field": field, "label": label, "value": shown, "skipped": field in payload["skipped"]})
    own_words = [
        {
            "question": labels.QUESTIONS.get(word.question, word.question),
            "text": word.text,
            "language": labels.LANGUAGE_NAMES.get(word.language or "", word.language),
            "dutch": word.language == "nl",
            "translation": decrypted.translations.get(word.key, {}).get("text"),
            "tried": word.key in decrypted.translations,
        }
        for word in intakes.own_words(payload)
    ]
    wijken = reference.neighbourhoods(languages_dir=settings.languages_dir)
    return {
        "intake": intake,
        "payload": payload,
        "answers": answer_rows,
        "own_words": own_words,
        "checklist": checklist,
        "flags": [labels.FLAGS.get(flag, flag) for flag in payload["flags"]],
        "language": labels.LANGUAGE_NAMES.get(intake.language, intake.language),
        "wijk": wijken.get(answers.get("neighbourhood") or ""),
        "team": reference.teams().get(intake.team or ""),
        "status_label": labels.STATUSES.get(intake.status, intake.status),
        "statuses": labels.STATUSES,
        "notes": decrypted.notes,
        "remarks": payload.get("remarks", []),
        "media": payload.get("media", []),
        "skipped": [labels.QUESTIONS.get(question, question) for question in payload["skipped"]],
        "translator": request.app.state.translator,
        "deleted_on": _deletion_warning(intake, settings),
        "open_days": settings.retention_open_days,
    }


@router.get("/intakes/{reference_code}")
def intake_detail(
    reference_code: str,
    request: Request,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    settings: SettingsDep,
) -> Response:
    intake = intakes.find(db, reference_code)
    if intake is None or not can_open(session.user, intake.assisted_by):
        return render(request, "not_found.html", {"reference": reference_code}, 404, session=session)
    context = _detail_context(request, intake, cipher, settings)
    audit.record(db, session.user.username, "view", intake.reference)
    db.commit()
    return render(request, "intake_detail.html", context, session=session)


@router.get("/intakes/{reference_code}/print")
def intake_print(
    reference_code: str,
    request: Request,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    settings: SettingsDep,
) -> Response:
    intake = _open(db, session, reference_code)
    context = _detail_context(request, intake, cipher, settings)
    audit.record(db, session.user.username, "export_print", intake.reference)
    db.commit()
    return render(request, "intake_print.html", context, session=session)


@router.get("/intakes/{reference_code}/export.json")
def intake_export(reference_code: str, db: DbSession, session: PageSession, cipher: CipherDep) -> Response:
    intake = _open(db, session, reference_code)
    exported = export_of(intake, cipher)
    audit.record(db, session.user.username, "export_json", intake.reference)
    db.commit()
    return JSONResponse(
        exported.model_dump(mode="json"),
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'attachment; filename="{intake.reference}.json"'},
    )


def _coach_only(session: UserSession) -> None:
    if session.user.role not in ("coach", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only coaches")


@router.post("/intakes/{reference_code}/claim")
def claim(reference_code: str, db: DbSession, session: PageSession, csrf_token: CsrfField = "") -> Response:
    check_csrf(session, csrf_token)
    _coach_only(session)
    intake = _open(db, session, reference_code)
    intake.claimed_by = session.user.username
    if intake.status == "new":
        intake.status = "claimed"
    return _saved(db, session, intake, "claim")


@router.post("/intakes/{reference_code}/status")
def change_status(
    reference_code: str,
    db: DbSession,
    session: PageSession,
    new_status: Annotated[str, Form(alias="status", max_length=16)],
    csrf_token: CsrfField = "",
) -> Response:
    check_csrf(session, csrf_token)
    _coach_only(session)
    if new_status not in STATUSES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown status")
    intake = _open(db, session, reference_code)
    intake.status = new_status
    intake.closed_at = utcnow() if new_status == "closed" else None
    return _saved(db, session, intake, "status", f"status={new_status}")


@router.post("/intakes/{reference_code}/observed")
async def set_observed(
    reference_code: str, request: Request, db: DbSession, session: PageSession, cipher: CipherDep
) -> Response:
    form = await request.form()
    check_csrf(session, str(form.get("csrf_token", "")))
    _coach_only(session)
    intake = _open(db, session, reference_code)
    ticked = [need_id for need_id in NEED_IDS if need_id in form.getlist("observed")]
    assessment = cipher.decrypt_json(intake.assessment_enc, {})
    intake.assessment_enc = cipher.encrypt_json({**assessment, "observed": ticked})
    return _saved(db, session, intake, "observed", f"{len(ticked)} ticked")


@router.post("/intakes/{reference_code}/notes")
def add_note(
    reference_code: str,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    text: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf_token: CsrfField = "",
) -> Response:
    check_csrf(session, csrf_token)
    _coach_only(session)
    intake = _open(db, session, reference_code)
    intake.notes.append(Note(author=session.user.username, created_at=utcnow(), text_enc=cipher.encrypt(text)))
    return _saved(db, session, intake, "note")


@router.post("/intakes/{reference_code}/translate")
def translate_again(
    reference_code: str,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    translator: TranslatorDep,
    csrf_token: CsrfField = "",
) -> Response:
    check_csrf(session, csrf_token)
    _coach_only(session)
    intake = _open(db, session, reference_code)
    done, total = intakes.translate(intake, cipher, translator)
    audit.record(db, session.user.username, "translate", intake.reference, f"{done}/{total} {translator.name}")
    db.commit()
    return _back_to(intake.reference)


@router.post("/intakes/{reference_code}/erase")
def erase(
    reference_code: str,
    db: DbSession,
    session: PageSession,
    cipher: CipherDep,
    settings: SettingsDep,
    confirm: Annotated[str, Form(max_length=16)] = "",
    csrf_token: CsrfField = "",
) -> Response:
    """Erasure on request (GDPR art. 17): admins only, after typing the reference again."""
    check_csrf(session, csrf_token)
    if session.user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins erase intakes")
    intake = _open(db, session, reference_code)
    if confirm != intake.reference:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "type the reference to confirm")
    retention.erase_intake(db, intake, cipher, settings, session.user.username)
    return RedirectResponse("/coach?team=alle", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/audit")
def audit_log(
    request: Request,
    db: DbSession,
    session: PageSession,
    ref: Annotated[str | None, Query(max_length=16, pattern=NO_NUL)] = None,
) -> Response:
    if session.user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins read the audit log")
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500)
    if ref:
        query = query.where(AuditEntry.reference == ref)
    entries = list(db.scalars(query))
    context = {"entries": entries, "ref": ref or "", "outbox": _outbox_for(db, session)}
    return render(request, "audit.html", context, session=session)
