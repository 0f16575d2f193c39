"""Real conversations with the assistant that end in a hand-off show up in /coach/bereik, and anonymous counters
posted the way the assistant posts them (POST /webhook/counters, a signed batch) show up where people stop.
Against the real stack. The stops the assistant records itself, from real conversations, are checked in
tests/e2e/test_stops_on_bereik.py."""

from __future__ import annotations

import html
import json
import re
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from coach import auth
from coach.db import Database
from coach.signing import sign
from tests.conftest import MODEL, free_port
from tests.e2e.chat import Chat
from tests.e2e.intake import IntakeScript
from tools.stack import Stack, ensure_dotenv

pytestmark = pytest.mark.stack

WIJK = "zwijnaarde"  # no other end-to-end test uses it, so its count is this test's alone
PASSWORD = "bereik e2e password"  # noqa: S105  (a throw-away account of the test stack)
SCRIPT = {
    "contact_name": ("type", "Nadia"),
    "contact_method": "come_by",
    "neighbourhood": WIJK,
    "help_with": ["home"],
    "home": "unsure",
}


def bereik_client(stack, database_url: str | None = None) -> httpx.Client:
    """An analyst logged in to the stack's coach service (`database_url`: its database, by default its SQLite file)."""
    database = Database(database_url or f"sqlite:///{stack.state_dir / 'coach.sqlite3'}")
    with database.sessions() as db:
        username = f"telt{uuid.uuid4().hex[:6]}"
        auth.create_user(db, username, PASSWORD, "analyst")
        db.commit()
    database.dispose()
    client = httpx.Client(base_url=getattr(stack, "coach_url", None) or stack.url, timeout=30)
    form = client.get("/coach/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    answer = client.post("/coach/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code in (200, 303)
    return client


def row_cells(page: str, table_id: str, label: str) -> list[str]:
    section = page.split(f'<h2 id="{table_id}">')[1].split("</section>")[0]
    section = re.sub(r'<span class="row-note">.*?</span>', "", section)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if header and html.unescape(re.sub(r"<[^>]+>", "", header.group(1))).strip().endswith(label):
            return [html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    raise AssertionError(f"no row {label} in {table_id}")


@pytest.fixture(scope="module")
def bereik_stack(tmp_path_factory):
    """A stack of its own: the page's figures are this test's intakes alone, not those of every other test."""
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    stack = Stack(
        state_dir=tmp_path_factory.mktemp("bereik"),
        rasa_port=free_port(),
        actions_port=free_port(),
        coach_port=free_port(),
        model=MODEL,
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def test_hand_offs_and_counters_show_up_on_bereik(bereik_stack):
    live_stack = bereik_stack
    client = bereik_client(live_stack)
    before = client.get("/coach/bereik").text
    assert row_cells(before, "per_wijk", "Zwijnaarde") == ["0"]

    references = [IntakeScript(Chat(live_stack.rasa_url), "ro", SCRIPT).hold() for _ in range(5)]
    assert len(set(references)) == 5
    deadline = time.monotonic() + 60  # the outbox sends within seconds
    while time.monotonic() < deadline:
        page = client.get("/coach/bereik").text
        if row_cells(page, "per_wijk", "Zwijnaarde") == ["5"]:
            break
        time.sleep(1)
    assert row_cells(page, "per_wijk", "Zwijnaarde") == ["5"]
    for reference in references:
        assert reference not in page
    assert "Nadia" not in page

    # The assistant's counters: five Romanian conversations stopped at the income question on WhatsApp today.
    today = datetime.now(UTC).date().isoformat()
    body = json.dumps(
        {
            "counts": [
                {
                    "day": today,
                    "event": "stopped",
                    "question": "income",
                    "language": "ro",
                    "channel": "whatsapp",
                    "n": 3,
                },
                {
                    "day": today,
                    "event": "expired",
                    "question": "income",
                    "language": "ro",
                    "channel": "whatsapp",
                    "n": 3,
                },
            ]
        }
    ).encode()
    secret = ensure_dotenv()["ONTHAAL_WEBHOOK_SECRET"]
    headers = {**sign(secret, f"msg_{uuid.uuid4().hex}", int(time.time()), body), "content-type": "application/json"}
    assert httpx.post(f"{live_stack.coach_url}/webhook/counters", content=body, headers=headers).status_code == 204
    assert httpx.post(f"{live_stack.coach_url}/webhook/counters", content=body, headers=headers).status_code == 204
    page = client.get("/coach/bereik").text
    cells = row_cells(page, "stops_per_language", "Inkomen")
    assert cells[4] == "6"  # Roemeens: 3 stopped + 3 expired, the resent batch counted once
    assert row_cells(page, "stops_per_channel", "Inkomen")[1] == "6"  # WhatsApp
