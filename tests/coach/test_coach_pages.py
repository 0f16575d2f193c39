"""The Dutch coach pages: login required, the inbox with its filters, one intake, and the work on it."""

import json
import re

from sqlalchemy import select

from coach import labels, reference
from coach.models import AuditEntry, Intake
from coach.schemas import HELP_DOMAINS
from tests.coach.conftest import add_user, log_in, post_form


def references_on(page: str) -> list[str]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S)[1:]  # skip the header row
    return [re.search(r"ONT-\w{6}", row).group(0) for row in rows]


def test_every_page_needs_a_login(intake_payload, client, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    for url in (
        "/coach",
        "/coach/intakes/ONT-7K3M9Q",
        "/coach/intakes/ONT-7K3M9Q/print",
        "/coach/intakes/ONT-7K3M9Q/export.json",
        "/coach/audit",
    ):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"] == "/coach/login"
    for url in ("/api/v1/intakes", "/api/v1/intakes/ONT-7K3M9Q"):
        assert client.get(url).status_code == 401, url
    response = client.post("/coach/intakes/ONT-7K3M9Q/claim", data={"csrf_token": "x"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/coach/login"


def test_login_sets_a_secure_http_only_same_site_cookie(client):
    add_user(client, "an")
    response = log_in(client, "an")

    assert response.status_code == 303 and response.headers["location"] == "/coach"
    cookie = response.headers["set-cookie"].lower()
    assert "onthaal_session=" in cookie
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    assert "Aanmeldingen" in client.get("/coach").text


def test_wrong_password_and_login_without_csrf_token_are_refused(client):
    add_user(client, "an")

    assert log_in(client, "an", "wrong password!!").status_code == 401
    assert log_in(client, "nobody").status_code == 401
    client.get("/coach/login")
    without_token = client.post("/coach/login", data={"username": "an", "password": "x"}, follow_redirects=False)
    assert without_token.status_code == 403
    assert client.get("/coach", follow_redirects=False).status_code == 303


def test_login_attempts_are_rate_limited_per_user_and_ip(client):
    add_user(client, "an")
    for _ in range(5):
        assert log_in(client, "an", "wrong password!!").status_code == 401
    blocked = log_in(client, "an")  # even the right password, for the rest of the window

    assert blocked.status_code == 429
    assert "Te veel mislukte pogingen" in blocked.text
    add_user(client, "bert")
    assert log_in(client, "bert").status_code == 303  # another account from the same desk still works


def test_forms_without_the_csrf_token_are_refused(intake_payload, coach_client, post_intake):
    assert post_intake(intake_payload()).status_code == 201

    for action, data in (("claim", {}), ("status", {"status": "closed"}), ("notes", {"text": "x"})):
        response = coach_client.post(f"/coach/intakes/ONT-7K3M9Q/{action}", data={**data, "csrf_token": "forged"})
        assert response.status_code == 403, action
    with coach_client.app.state.database.sessions() as db:
        intake = db.scalars(select(Intake)).one()
    assert intake.status == "new" and intake.claimed_by is None


def test_a_coach_sees_their_team_first_and_can_filter(intake_payload, intake_v2, coach_client, post_intake):
    west = intake_payload(reference="ONT-AAAAAA", submitted_at="2026-11-26T09:00:00+00:00")
    zuid_answers = {**intake_payload()["answers"], "neighbourhood": "ledeberg"}
    zuid = intake_payload(reference="ONT-BBBBBB", answers=zuid_answers, language="ro")
    crisis = intake_v2(reference="ONT-CCCCCC", flags=["crisis"], submitted_at="2026-11-20T09:00:00+00:00")
    newest = intake_payload(reference="ONT-DDDDDD", submitted_at="2026-11-27T12:00:00+00:00", needs=[])
    for payload in (west, zuid, crisis, newest):
        assert post_intake(payload).status_code == 201, payload["reference"]

    inbox = coach_client.get("/coach").text
    # Team West only (the coach's team); the crisis first although older, then newest first.
    assert references_on(inbox) == ["ONT-CCCCCC", "ONT-DDDDDD", "ONT-AAAAAA"]
    assert "Crisis" in inbox
    assert references_on(coach_client.get("/coach?team=alle").text) == [
        "ONT-CCCCCC",
        "ONT-DDDDDD",
        "ONT-BBBBBB",
        "ONT-AAAAAA",
    ]
    assert references_on(coach_client.get("/coach?team=zuid").text) == ["ONT-BBBBBB"]
    assert references_on(coach_client.get("/coach?team=alle&taal=ro").text) == ["ONT-BBBBBB"]
    assert references_on(coach_client.get("/coach?team=alle&wijk=ledeberg").text) == ["ONT-BBBBBB"]
    assert references_on(coach_client.get("/coach?team=alle&nood=housing").text) == ["ONT-BBBBBB", "ONT-AAAAAA"]
    assert references_on(coach_client.get("/coach?team=alle&urgentie=urgent").text) == ["ONT-CCCCCC"]
    assert references_on(coach_client.get("/coach?team=alle&urgentie=no_income").text) == []
    assert references_on(coach_client.get("/coach?team=alle&status=new").text) == references_on(
        coach_client.get("/coach?team=alle").text
    )
    assert references_on(coach_client.get("/coach?team=alle&status=closed").text) == []
    assert references_on(coach_client.get("/coach?team=alle&q=bbbbbb").text) == ["ONT-BBBBBB"]
    assert "Geen aanmeldingen gevonden" in coach_client.get("/coach?team=noord").text


def test_search_by_name_ignores_case_and_accents(intake_payload, coach_client, post_intake):
    answers = {**intake_payload()["answers"], "name": "Ionuț Popescu"}
    assert post_intake(intake_payload(reference="ONT-AAAAAA", answers=answers)).status_code == 201
    assert post_intake(intake_payload(reference="ONT-BBBBBB")).status_code == 201

    assert references_on(coach_client.get("/coach?team=alle&q=ionut").text) == ["ONT-AAAAAA"]
    assert references_on(coach_client.get("/coach?team=alle&q=MILENA").text) == ["ONT-BBBBBB"]


def test_search_finds_a_dari_name_typed_on_another_keyboard(intake_payload, coach_client, post_intake):
    # Saved as typed on a Persian keyboard (ی, ک); a coach searches with an Arabic one (ي, ك) and a stray space.
    answers = {**intake_payload()["answers"], "name": "علی کریمی"}
    assert post_intake(intake_payload(reference="ONT-CCCCCC", answers=answers)).status_code == 201
    assert post_intake(intake_payload(reference="ONT-DDDDDD")).status_code == 201

    assert references_on(coach_client.get("/coach", params={"team": "alle", "q": "علي  كريمي"}).text) == ["ONT-CCCCCC"]
    assert references_on(coach_client.get("/coach", params={"team": "alle", "q": "كريم"}).text) == ["ONT-CCCCCC"]


def test_detail_shows_flags_answers_own_words_checklist_support_and_team(intake_v2, coach_client, post_intake):
    payload = intake_v2(flags=["no_place_to_sleep"])
    assert post_intake(payload).status_code == 201

    response = coach_client.get("/coach/intakes/ONT-7K3M9Q")

    assert response.status_code == 200
    page = response.text
    assert page.index("Geen slaapplaats") < page.index("Antwoorden")  # urgency on top
    assert "Milena" in page and "0470 12 34 56" in page and "leefloon" in page
    assert "Bloemekenswijk" in page and "Team West" in page and "prioritaire wijk" in page
    assert "в кухня или почистване" in page  # the person's own words
    assert "we have no money for rent" in page
    assert "niet vertaald" in page  # translator "none"
    needs = reference.needs()
    rows = dict(re.findall(r'<tr class="state-(\w+)[^"]*" id="need-(\w+)"', page)[i][::-1] for i in range(20))
    assert len(rows) == 20
    assert rows["family_care"] == "reported" and rows["housing"] == "not_reported"
    assert rows["justice"] == "skipped" and rows["motivation"] == "not_asked"
    assert "te beoordelen" in page and "overgeslagen" in page
    for kind in needs["financial_need"].support:
        assert kind in page
    assert needs["childcare"].support[0] not in page  # support only for reported or observed needs
    assert response.headers["cache-control"] == "no-store"


def answer_rows(page: str) -> dict[str, str]:
    answers = page.split('<dl class="answers">')[1].split("</dl>")[0]
    return {
        label.strip(): re.sub(r"<[^>]+>", "", value).strip()
        for label, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", answers, flags=re.S)
    }


def test_v3_detail_print_and_export_show_the_social_worker_and_the_help_domains_in_dutch(
    intake_v3, coach_client, post_intake
):
    assert post_intake(intake_v3()).status_code == 201
    page_url = "/coach/intakes/ONT-7K3M9Q"

    for page in (coach_client.get(page_url).text, coach_client.get(f"{page_url}/print").text):
        rows = answer_rows(page)
        assert rows["Via sociaal werker"] == "Sara, OCMW Ledeberg"
        assert rows["Wil hulp bij"] == "werk, geld, verblijfspapieren"
        assert rows["Contactwijze"] == "Via sociaal werker"
        assert "483920" not in page
    document = coach_client.get(f"{page_url}/export.json").json()
    assert document["intake"]["answers"]["social_worker"] == "Sara, OCMW Ledeberg"
    assert document["intake"]["answers"]["help_with"] == ["work", "money", "papers"]
    assert "status_code" not in document["intake"] and "483920" not in json.dumps(document)


def test_v3_answers_not_given_are_left_out_and_skipped_ones_say_so(intake_v3, intake_v2, coach_client, post_intake):
    answers = {**intake_v3()["answers"], "social_worker": None, "help_with": None}
    assert post_intake(intake_v3(answers=answers, skipped=["help_with"])).status_code == 201
    assert post_intake(intake_v2(reference="ONT-22222A")).status_code == 201

    rows = answer_rows(coach_client.get("/coach/intakes/ONT-7K3M9Q").text)
    assert "Via sociaal werker" not in rows
    assert rows["Wil hulp bij"] == "overgeslagen"
    rows = answer_rows(coach_client.get("/coach/intakes/ONT-22222A").text)
    assert "Via sociaal werker" not in rows and "Wil hulp bij" not in rows
    assert rows["Naam"] == "Milena"


def test_every_help_domain_has_a_dutch_label():
    assert tuple(labels.HELP_DOMAINS) == HELP_DOMAINS
    assert all(labels.HELP_DOMAINS.values())


def test_detail_escapes_what_the_person_typed(intake_payload, coach_client, post_intake):
    answers = {**intake_payload()["answers"], "name": "<script>alert(1)</script>"}
    assert post_intake(intake_payload(answers=answers)).status_code == 201

    page = coach_client.get("/coach/intakes/ONT-7K3M9Q").text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_coach_ticks_observed_needs_claims_changes_status_adds_a_note(intake_payload, coach_client, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    page_url = "/coach/intakes/ONT-7K3M9Q"

    observed = post_form(coach_client, page_url, f"{page_url}/observed", {"observed": ["motivation", "distrust"]})
    assert observed.status_code == 303
    assert post_form(coach_client, page_url, f"{page_url}/claim").status_code == 303
    assert post_form(coach_client, page_url, f"{page_url}/status", {"status": "contacted"}).status_code == 303
    assert (
        post_form(coach_client, page_url, f"{page_url}/notes", {"text": "Gebeld, afspraak dinsdag"}).status_code == 303
    )

    page = coach_client.get(page_url).text
    assert re.search(r'value="motivation" checked', page) and re.search(r'value="distrust" checked', page)
    assert "inzicht in drijfveren" in page  # support of the ticked observed need
    assert "opgenomen door an" in page
    assert "Contact gelegd" in page
    assert "Gebeld, afspraak dinsdag" in page
    assert post_form(coach_client, page_url, f"{page_url}/status", {"status": "lost"}).status_code == 422
    with coach_client.app.state.database.sessions() as db:
        intake = db.scalars(select(Intake)).one()
        assert intake.status == "contacted" and intake.claimed_by == "an"
        assert "Gebeld" not in intake.notes[0].text_enc
        assert "motivation" not in (intake.assessment_enc or "")


def test_export_json_and_printable_page(intake_v2, coach_client, post_intake):
    assert post_intake(intake_v2()).status_code == 201
    page_url = "/coach/intakes/ONT-7K3M9Q"
    post_form(coach_client, page_url, f"{page_url}/notes", {"text": "Eerste gesprek gepland"})

    exported = coach_client.get(f"{page_url}/export.json")
    assert exported.status_code == 200
    assert 'filename="ONT-7K3M9Q.json"' in exported.headers["content-disposition"]
    document = exported.json()
    assert document["reference"] == "ONT-7K3M9Q" and document["status"] == "new" and document["team"] == "west"
    assert document["intake"]["answers"]["name"] == "Milena"
    assert document["notes"][0]["text"] == "Eerste gesprek gepland"
    assert document["translations"][0]["text"] == "в кухня или почистване"
    assert document["translations"][0]["translation"] is None

    printable = coach_client.get(f"{page_url}/print")
    assert printable.status_code == 200
    assert "Afdrukversie" not in printable.text and "<form" not in printable.text.split("<main>")[1]
    assert "Milena" in printable.text and "Eerste gesprek gepland" in printable.text


def test_every_view_and_change_is_audited_without_content(intake_payload, coach_client, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    page_url = "/coach/intakes/ONT-7K3M9Q"
    coach_client.get(page_url)
    post_form(coach_client, page_url, f"{page_url}/status", {"status": "closed"})
    coach_client.get(f"{page_url}/export.json")

    with coach_client.app.state.database.sessions() as db:
        entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [(entry.username, entry.action, entry.reference) for entry in entries]
    assert (None, "intake_received", "ONT-7K3M9Q") in actions
    assert ("an", "login", None) in actions
    assert actions.count(("an", "view", "ONT-7K3M9Q")) == 2  # once before the form, once by post_form
    assert ("an", "status", "ONT-7K3M9Q") in actions and ("an", "export_json", "ONT-7K3M9Q") in actions
    text = " ".join(f"{entry.detail}" for entry in entries)
    assert "Milena" not in text and "0470" not in text


def test_audit_log_is_for_admins_only(intake_payload, client, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    add_user(client, "an")
    log_in(client, "an")
    assert client.get("/coach/audit").status_code == 403
    add_user(client, "beheer", "admin", None)
    log_in(client, "beheer")

    page = client.get("/coach/audit?ref=ONT-7K3M9Q")
    assert page.status_code == 200
    assert "aanmelding ontvangen" in page.text


def test_reception_sees_only_the_intakes_they_helped_with(intake_v2, client, post_intake):
    assert post_intake(intake_v2(reference="ONT-AAAAAA", assisted_by="sara")).status_code == 201
    assert post_intake(intake_v2(reference="ONT-BBBBBB")).status_code == 201
    add_user(client, "sara", "reception", None)
    log_in(client, "sara")

    assert references_on(client.get("/coach").text) == ["ONT-AAAAAA"]
    assert client.get("/coach/intakes/ONT-AAAAAA").status_code == 200
    assert client.get("/coach/intakes/ONT-BBBBBB").status_code == 404
    assert post_form(client, "/coach/intakes/ONT-AAAAAA", "/coach/intakes/ONT-AAAAAA/claim").status_code == 403


def test_unknown_reference_is_a_dutch_404_page(coach_client):
    for unknown in ("ONT-ZZZZZZ", "not-a-reference"):
        response = coach_client.get(f"/coach/intakes/{unknown}")
        assert response.status_code == 404
        assert "niet gevonden" in response.text


def test_stylesheet_is_served(client):
    response = client.get("/coach/static/coach.css")

    assert response.status_code == 200
    assert "@media print" in response.text


def test_refusals_on_coach_pages_are_dutch_pages_and_the_api_keeps_json(intake_payload, coach_client, post_intake):
    assert post_intake(intake_payload()).status_code == 201
    forged = coach_client.post("/coach/intakes/ONT-7K3M9Q/claim", data={"csrf_token": "forged"})
    assert forged.status_code == 403 and "Geen toegang" in forged.text
    assert forged.headers["content-type"].startswith("text/html")
    empty_note = post_form(coach_client, "/coach/intakes/ONT-7K3M9Q", "/coach/intakes/ONT-7K3M9Q/notes", {})
    assert empty_note.status_code == 422 and "Ongeldige invoer" in empty_note.text
    assert coach_client.get("/api/v1/intakes/ONT-ZZZZZZ").json() == {"detail": "not found"}
