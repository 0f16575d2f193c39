"""One intake (`/coach/intakes/{reference}`), its printable page, and the coaches' actions on it: claim,
status, observed needs, notes, translation, erasure. Every view and change is audited (never its content)."""

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse

from coach import audit, intakes, retention
from coach.deps import CipherDep, DbSession, IntakePageSession, SettingsDep, TranslatorDep, can_open
from coach.models import STATUSES, Note, utcnow
from coach.reach import counting
from coach.routers.page_common import CsrfField, back_to, coach_only, open_intake, saved
from coach.routers.templating import check_csrf, render
from coach.schemas import NEED_IDS
from coach.views.intake_detail import detail_context

router = APIRouter(prefix="/coach", tags=["coach"], include_in_schema=False)


@router.get("/intakes/{reference_code}")
def intake_detail(
    reference_code: str,
    request: Request,
    db: DbSession,
    session: IntakePageSession,
    cipher: CipherDep,
    settings: SettingsDep,
) -> Response:
    intake = intakes.find(db, reference_code)
    if intake is None or not can_open(session.user, intake.assisted_by):
        return render(request, "not_found.html", {"reference": reference_code}, 404, session=session)
    context = detail_context(intake, cipher, settings, request.app.state.translator)
    audit.record(db, session.user.username, "view", intake.reference)
    db.commit()
    return render(request, "intake_detail.html", context, session=session)


@router.get("/intakes/{reference_code}/print")
def intake_print(
    reference_code: str,
    request: Request,
    db: DbSession,
    session: IntakePageSession,
    cipher: CipherDep,
    settings: SettingsDep,
) -> Response:
    intake = open_intake(db, session, reference_code)
    context = detail_context(intake, cipher, settings, request.app.state.translator)
    audit.record(db, session.user.username, "export_print", intake.reference)
    db.commit()
    return render(request, "intake_print.html", context, session=session)


@router.post("/intakes/{reference_code}/claim")
def claim(reference_code: str, db: DbSession, session: IntakePageSession, csrf_token: CsrfField = "") -> Response:
    check_csrf(session, csrf_token)
    coach_only(session)
    intake = open_intake(db, session, reference_code)
    intake.claimed_by = session.user.username
    if intake.status == "new":
        intake.status = "claimed"
        counting.count_status(db, intake, "claimed", utcnow())
    return saved(db, session, intake, "claim")


@router.post("/intakes/{reference_code}/status")
def change_status(
    reference_code: str,
    db: DbSession,
    session: IntakePageSession,
    new_status: Annotated[str, Form(alias="status", max_length=16)],
    csrf_token: CsrfField = "",
) -> Response:
    check_csrf(session, csrf_token)
    coach_only(session)
    if new_status not in STATUSES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "unknown status")
    intake = open_intake(db, session, reference_code)
    intake.status = new_status
    intake.closed_at = utcnow() if new_status == "closed" else None
    counting.count_status(db, intake, new_status, utcnow())
    return saved(db, session, intake, "status", f"status={new_status}")


@router.post("/intakes/{reference_code}/observed")
async def set_observed(
    reference_code: str, request: Request, db: DbSession, session: IntakePageSession, cipher: CipherDep
) -> Response:
    form = await request.form()
    check_csrf(session, str(form.get("csrf_token", "")))
    coach_only(session)
    intake = open_intake(db, session, reference_code)
    ticked = [need_id for need_id in NEED_IDS if need_id in form.getlist("observed")]
    assessment = cipher.decrypt_json(intake.assessment_enc, {})
    intake.assessment_enc = cipher.encrypt_json({**assessment, "observed": ticked})
    return saved(db, session, intake, "observed", f"{len(ticked)} ticked")


@router.post("/intakes/{reference_code}/notes")
def add_note(
    reference_code: str,
    db: DbSession,
    session: IntakePageSession,
    cipher: CipherDep,
    text: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf_token: CsrfField = "",
) -> Response:
    check_csrf(session, csrf_token)
    coach_only(session)
    intake = open_intake(db, session, reference_code)
    intake.notes.append(Note(author=session.user.username, created_at=utcnow(), text_enc=cipher.encrypt(text)))
    return saved(db, session, intake, "note")


@router.post("/intakes/{reference_code}/translate")
def translate_again(
    reference_code: str,
    db: DbSession,
    session: IntakePageSession,
    cipher: CipherDep,
    translator: TranslatorDep,
    csrf_token: CsrfField = "",
) -> Response:
    check_csrf(session, csrf_token)
    coach_only(session)
    intake = open_intake(db, session, reference_code)
    done, total = intakes.translate(intake, cipher, translator)
    audit.record(db, session.user.username, "translate", intake.reference, f"{done}/{total} {translator.name}")
    db.commit()
    return back_to(intake.reference)


@router.post("/intakes/{reference_code}/erase")
def erase(
    reference_code: str,
    db: DbSession,
    session: IntakePageSession,
    cipher: CipherDep,
    settings: SettingsDep,
    confirm: Annotated[str, Form(max_length=16)] = "",
    csrf_token: CsrfField = "",
) -> Response:
    """Erasure on request (GDPR art. 17): admins only, after typing the reference again."""
    check_csrf(session, csrf_token)
    if session.user.role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only admins erase intakes")
    intake = open_intake(db, session, reference_code)
    if confirm != intake.reference:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "type the reference to confirm")
    retention.erase_intake(db, intake, cipher, settings, session.user.username)
    return RedirectResponse("/coach?team=alle", status_code=status.HTTP_303_SEE_OTHER)
