"""/coach/bereik: for admins and analysts, figures from real intakes, small figures suppressed alike in the
tables, the charts and the CSV files, filters, and nothing that names an intake."""

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from coach.reach.weeks import week_of
from tests.coach.conftest import add_user, log_in, post_form

NAMES = ["Milena", "Ionel", "Petra", "Saied", "Anna", "Mirela", "Jana", "Dimitar", "Elena", "Marija", "Nadia", "Vasil"]


def references(count: int) -> list[str]:
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return [f"ONT-{alphabet[index // 10]}{alphabet[index % 10]}K3M9" for index in range(count)]


@pytest.fixture
def filled(client, post_intake, intake_v3):
    """Twelve intakes of this week: ten in Bulgarian, two in Dari; five of them by WhatsApp, one by Telegram."""
    now = datetime.now(UTC).isoformat()
    for index, reference in enumerate(references(12)):
        payload = intake_v3(reference=reference, submitted_at=now, language="prs" if index >= 10 else "bg")
        payload["answers"] = {**payload["answers"], "name": NAMES[index]}
        payload["channel"] = "whatsapp" if index < 5 else "telegram" if index == 5 else "rest"
        assert post_intake(payload).status_code == 201
    return client


def admin(client):
    add_user(client, "beheer", "admin", None)
    assert log_in(client, "beheer").status_code == 303
    return client


def cell_texts(page: str, table_id: str) -> dict[str, list[str]]:
    """Row label -> the cells of table `table_id` on the page."""
    section = page.split(f'<h2 id="{table_id}">')[1].split("</section>")[0]
    rows = {}
    section = re.sub(r'<span class="row-note">.*?</span>', "", section)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header:
            label = re.sub(r"<[^>]+>", "", header.group(1)).replace("★ ", "").replace("meest kwetsbare wijk: ", "")
            rows[html.unescape(label.strip())] = [
                html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)
            ]
    return rows


def test_coaches_and_reception_cannot_open_bereik(client):
    for name, role in (("an", "coach"), ("sofie", "reception")):
        add_user(client, name, role, "west")
        log_in(client, name)
        assert client.get("/coach/bereik").status_code == 403
        assert client.get("/coach/bereik/per_wijk.csv").status_code == 403
    client.cookies.clear()
    assert client.get("/coach/bereik", follow_redirects=False).headers["location"] == "/coach/login"


def test_the_page_counts_the_intakes_and_suppresses_small_figures(filled):
    page = admin(filled).get("/coach/bereik").text
    languages = cell_texts(page, "per_language")["Totaal"]
    assert languages[:2] == ["0", "0"] and languages[5] == "<5"  # nl en bg sk ro prs, total
    # 10 + "<5" = 12 would give the 2 away: one of 10 and 12 is hidden (x) instead.
    assert "x" in (languages[2], languages[6])
    assert cell_texts(page, "per_wijk")["Bloemekenswijk"] == ["12"]
    channels = cell_texts(page, "per_channel")["Totaal"]
    assert channels[2:4] == ["<5", "0"]  # web whatsapp telegram reception: 6 5 1 0
    assert "x" in channels[:2] + channels[4:]
    groups = cell_texts(page, "target_groups")
    assert groups["Dari-sprekers"] == ["<5"]
    assert groups["Geen inkomen"] == ["12"]
    # No figure from 1 to 4 is printed anywhere on the page.
    every_cell = [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", page)]
    assert not [cell for cell in every_cell if cell in {"1", "2", "3", "4"}]
    # Nothing of a single intake.
    for secret in [*references(12), *NAMES, "0470 12 34 56", "OCMW Ledeberg"]:
        assert secret not in page


def test_the_page_marks_the_seven_most_vulnerable_wijken(filled):
    page = admin(filled).get("/coach/bereik").text
    assert page.count('<tr class="marked">') == 7


def test_the_chart_draws_no_bar_for_a_hidden_figure_and_a_stub_for_a_small_one(filled):
    page = admin(filled).get("/coach/bereik").text
    section = page.split('<h2 id="per_channel">')[1].split("</section>")[0]
    chart = section.split("</svg>")[0]
    assert '<text x="' in chart and ">&lt;5</text>" in chart
    assert 'class="bar-small"' in chart
    # The bar of a "<5" has the stub's length, whatever the real count.
    assert re.search(r'width="6" height="18" class="bar-small"', chart)


def test_every_table_downloads_as_csv_with_the_same_suppression(filled):
    client = admin(filled)
    page = client.get("/coach/bereik").text
    links = re.findall(r'href="(/coach/bereik/[a-z_]+\.csv)"', page)
    assert len(links) >= 14
    for link in links:
        answer = client.get(link)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.headers["cache-control"] == "no-store"
        text = answer.content.decode("utf-8-sig")
        for secret in [*references(12), *NAMES]:
            assert secret not in text
    rows = list(
        csv.reader(io.StringIO(client.get("/coach/bereik/per_language.csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0][0] == "Periode"
    assert rows[-1][:3] == ["Totaal", "0", "0"]
    assert rows[-1][6] == "<5"
    for row in rows[1:]:
        assert not set(row[1:]) & {"1", "2", "3", "4"}
    assert client.get("/coach/bereik/unknown.csv").status_code == 404


def test_filters_narrow_the_figures(filled):
    client = admin(filled)
    page = client.get("/coach/bereik?taal=bg").text
    assert cell_texts(page, "per_wijk")["Bloemekenswijk"] == ["10"]
    page = client.get("/coach/bereik?kanaal=whatsapp").text
    assert cell_texts(page, "per_wijk")["Bloemekenswijk"] == ["5"]
    page = client.get("/coach/bereik?kanaal=reception").text
    assert cell_texts(page, "per_wijk")["Bloemekenswijk"] == ["0"]
    page = client.get("/coach/bereik?team=west&per=maand").text
    assert cell_texts(page, "per_wijk")["Bloemekenswijk"] == ["12"]
    last_month = (datetime.now(UTC) - timedelta(days=70)).date()
    page = client.get(f"/coach/bereik?tot={last_month.isoformat()}").text
    assert cell_texts(page, "per_wijk")["Bloemekenswijk"] == ["0"]
    assert client.get("/coach/bereik?team=nergens").status_code == 422
    assert client.get("/coach/bereik?van=2030-01-01&tot=2020-01-01").status_code == 422


def test_the_funnel_follows_the_coaches(filled):
    client = filled
    add_user(client, "an", "coach", "west")
    log_in(client, "an")
    for reference in references(7):
        page = f"/coach/intakes/{reference}"
        post_form(client, page, f"{page}/claim")
    client.cookies.clear()
    page = admin(client).get("/coach/bereik").text
    funnel = cell_texts(page, "funnel")
    assert funnel["Opgenomen door een coach"] == ["7"]
    assert funnel["Contact gelegd"] == ["0"]
    medians = cell_texts(page, "medianen")
    assert medians["Team West"][0] == "binnen het uur"


def test_the_week_is_the_iso_week_in_ghent():
    assert str(week_of(datetime(2026, 12, 6, 23, 30, tzinfo=UTC))) == "2026-12-07"  # Monday 00:30 in Ghent
    assert str(week_of(datetime(2026, 12, 6, 22, 30, tzinfo=UTC))) == "2026-11-30"


def test_after_an_erasure_a_table_whose_cells_were_pending_gets_a_total_of_its_own(client, post_intake, intake_v3):
    """Found by tests/coach/test_reach_mixed_data.py: five intakes fill the "received" cell (released, it keeps
    its 5 after an erasure) while their age bands differ (each pending, erased with its intake). The age bands then
    add up to 4, not to the 5 received: the page used to fail (500); now that table has a total of its own."""
    from coach import intakes
    from coach.models import Intake

    now = datetime.now(UTC).isoformat()
    bands = ["under_25", "25_34", "35_49", "50_plus", None]
    for reference, band in zip(references(5), bands, strict=True):
        payload = intake_v3(reference=reference, submitted_at=now, language="bg")
        payload["answers"] = {**payload["answers"], "age_band": band}
        assert post_intake(payload).status_code == 201
    with client.app.state.database.sessions() as db:
        row = db.query(Intake).filter_by(reference=references(5)[0]).one()
        intakes.erase(db, row, client.app.state.cipher, None)
        db.commit()
    page = admin(client).get("/coach/bereik")
    assert page.status_code == 200
    assert cell_texts(page.text, "per_wijk")["Totaal"] == ["5"]  # the wijk cell was full: released, kept
    ages = cell_texts(page.text, "per_age_band")
    assert ages["Totaal"] == ["x"]  # its own 4, over four 1s: as "<5" it would pin each of them to 1
    assert not {"1", "2", "3", "4"} & {cell for cells in ages.values() for cell in cells}
