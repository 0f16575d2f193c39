"""One intake as a JSON file for the case file (`/coach/intakes/{reference}/export.json`), audited."""

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from coach import audit
from coach.deps import CipherDep, DbSession, IntakePageSession
from coach.export import export_of
from coach.routers.page_common import open_intake
from coach.routers.templating import PRIVATE_HEADERS

router = APIRouter(prefix="/coach", tags=["coach"], include_in_schema=False)


@router.get("/intakes/{reference_code}/export.json")
def intake_export(reference_code: str, db: DbSession, session: IntakePageSession, cipher: CipherDep) -> Response:
    intake = open_intake(db, session, reference_code)
    exported = export_of(intake, cipher)
    audit.record(db, session.user.username, "export_json", intake.reference)
    db.commit()
    return JSONResponse(
        exported.model_dump(mode="json"),
        headers={**PRIVATE_HEADERS, "Content-Disposition": f'attachment; filename="{intake.reference}.json"'},
    )
