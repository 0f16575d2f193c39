"""The Dutch coach view: list and detail pages show what was stored, with config labels and teams."""

import re

from coach import reference


def test_empty_list_says_so(client):
    response = client.get("/coach")

    assert response.status_code == 200
    assert "Nog geen aanmeldingen" in response.text
    assert response.headers["cache-control"] == "no-store"


def test_list_shows_intakes_newest_first(intake_payload, client, post_intake):
    older = intake_payload(reference="ONT-AAAAAA", submitted_at="2026-11-26T09:00:00+00:00", complete=False)
    newer = intake_payload(
        reference="ONT-BBBBBB",
        submitted_at="2026-11-27T10:15:00+00:00",
        language="prs",
        answers={**intake_payload()["answers"], "neighbourhood": "no_fixed_address"},
        needs=[],
        needs_answer="rather_not_say",
    )
    assert post_intake(older).status_code == 201
    assert post_intake(newer).status_code == 201

    page = client.get("/coach").text
    rows = re.findall(r"<tr>(.*?)</tr>", page, flags=re.S)[1:]  # skip the header row
    assert [re.search(r"ONT-\w{6}", row).group(0) for row in rows] == ["ONT-BBBBBB", "ONT-AAAAAA"]
    newest, oldest = rows
    assert "27-11-2026 11:15" in newest  # 10:15 UTC is 11:15 in Ghent in November
    assert "Dari" in newest
    assert "Geen vast adres" in newest  # label from languages/nl.yml
    assert re.search(r'data-label="Noden">0<', newest)
    assert "Volledig" in newest
    assert "Bulgaars" in oldest
    assert "Bloemekenswijk" in oldest
    assert re.search(r'data-label="Noden">2<', oldest)
    assert "Onvolledig" in oldest
    assert 'href="/coach/intakes/ONT-AAAAAA"' in oldest


def test_detail_shows_answers_needs_labels_team_and_support(intake_payload, client, post_intake):
    assert post_intake(intake_payload()).status_code == 201

    response = client.get("/coach/intakes/ONT-7K3M9Q")

    assert response.status_code == 200
    page = response.text
    assert "Milena" in page
    assert "Telefoon" in page and "0470 12 34 56" in page
    assert "Bloemekenswijk" in page and "Team West" in page
    assert "prioritaire wijk" in page
    assert "Overgeslagen vragen" in page and "Contactgegevens" in page
    assert "Bulgaars" in page
    needs = reference.needs()
    for need_id in ("housing", "financial_need"):
        assert needs[need_id].label in page
        for kind in needs[need_id].support:
            assert kind in page
    assert "budgetbegeleiding" in page  # one of financial_need's kinds of support, spelled out
    assert needs["childcare"].label not in page
    assert "Ik heb geen geld voor de huur" in page
    assert "In eigen woorden" in page and "Gekozen met een knop" in page


def test_detail_escapes_what_the_person_typed(intake_payload, client, post_intake):
    answers = {**intake_payload()["answers"], "name": "<script>alert(1)</script>"}
    assert post_intake(intake_payload(answers=answers)).status_code == 201

    page = client.get("/coach/intakes/ONT-7K3M9Q").text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_reference_is_a_dutch_404_page(client):
    for unknown in ("ONT-ZZZZZZ", "not-a-reference"):
        response = client.get(f"/coach/intakes/{unknown}")
        assert response.status_code == 404
        assert "niet gevonden" in response.text
        assert response.headers["content-type"].startswith("text/html")


def test_stylesheet_is_served(client):
    response = client.get("/coach/static/coach.css")

    assert response.status_code == 200
    assert "@media" in response.text


def test_observed_need_said_unprompted_is_marked(intake_payload, client, post_intake):
    needs = [{"id": "distrust", "source": "text", "evidence": "Ik vertrouw het OCMW niet"}]
    assert post_intake(intake_payload(needs=needs)).status_code == 201

    page = client.get("/coach/intakes/ONT-7K3M9Q").text

    assert "Wantrouwen t.a.v. hulpverlening" in page
    assert "hier zelf vermeld" in page
    assert "vertrouwenspersoon" in page
