"""Where people stop (issue 15), from the first word to the coach page: conversations held with the real assistant
through the web channel, stopped at known questions or left to expire, reach /coach/bereik as the assistant's own
anonymous counters (no stand-in receiver, no batch posted by the test), on the page and in its CSV export.

A stack of its own: fast counters and a short conversation TTL, and a coach database that holds only this test's
counts. All the stops are Dutch and on the web channel, so that the two small cells protect each other in the
"nl" and "Web" columns and suppression has no reason to hide the 5 (a lone small cell next to it would be pinned
by the column total, and the 5 hidden with it).
"""

from __future__ import annotations

import csv
import io
import re
import time

import pytest

from coach.reach.counting import CHANNELS
from coach.schemas import LANGUAGE_CODES
from tests.conftest import MODEL, free_port
from tests.e2e.chat import Chat, pack, stored_intakes
from tests.e2e.intake import IntakeScript
from tests.e2e.test_bereik_counts import bereik_client, row_cells
from tools.stack import Stack

pytestmark = pytest.mark.stack
TTL_HOURS = 0.005  # 18 s (a turn of its own takes far less); expiry runs every tenth of it, on a save
WAIT_SECONDS = 75
NAMES = ("Milena", "Ionela", "Samira", "Wendelien", "Jorunn", "Tsvetanka")
HANDED_OFF_NAME = "Aurelie"
# The rows of the "where people stop" tables (coach/labels.py QUESTIONS).
STOPPED_HERE, STOPPED_THERE, EXPIRED_HERE = "Wijk", "Naam", "Contactwijze"
NL, WEB = LANGUAGE_CODES.index("nl"), CHANNELS.index("web")


@pytest.fixture(scope="module")
def counting_stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    stack = Stack(
        state_dir=tmp_path_factory.mktemp("stops"),
        rasa_port=free_port(),
        actions_port=free_port(),
        coach_port=free_port(),
        model=MODEL,
        extra_env={  # the counters go to this stack's coach service (ONTHAAL_COUNTERS_URL unset)
            "ONTHAAL_COUNTERS_FLUSH_SECONDS": "0.2",
            "ONTHAAL_COUNTERS_SEND_SECONDS": "0.5",
            "ONTHAAL_CONVERSATION_TTL_HOURS": str(TTL_HOURS),
        },
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def consented(stack: Stack, name: str | None) -> tuple[Chat, dict[str, str]]:
    """A Dutch conversation on the web channel that has consented, at "What is your name?", or with a name at
    "How can a coach reach you?"."""
    texts = pack("nl")
    chat = Chat(stack.rasa_url)
    chat.say('/choose_language{"language":"nl"}')
    chat.click(texts["consent_yes"])
    assert chat.bare_texts == [texts["ask_contact_name"]]
    if name:
        chat.say(name)
        assert chat.bare_texts == [texts["ask_contact_method"]]
    return chat, texts


def csv_rows(client, table_id: str) -> dict[str, list[str]]:  # noqa: ANN001
    answer = client.get(f"/coach/bereik/{table_id}.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))
    return {row[0]: row[1:] for row in rows}


def stop_cells(page: str) -> dict[str, tuple[str, str]]:
    """(Dutch, total) of the three rows and the total row in the per-language table; (Web, total) per channel;
    the rows not on the page yet are left out."""
    found = {}
    for table_id, column in (("stops_per_language", NL), ("stops_per_channel", WEB)):
        for label in (STOPPED_HERE, STOPPED_THERE, EXPIRED_HERE, "Totaal"):
            try:
                cells = row_cells(page, table_id, label)
            except (AssertionError, IndexError):  # no such row, or no such table (yet)
                continue
            found[(table_id, label)] = (cells[column], cells[-1])
    return found


EXPECTED = {
    (table_id, label): shown
    for table_id in ("stops_per_language", "stops_per_channel")
    for label, shown in (
        (STOPPED_HERE, ("5", "5")),
        (STOPPED_THERE, ("<5", "<5")),
        (EXPIRED_HERE, ("<5", "<5")),
        ("Totaal", ("8", "8")),
    )
}


def test_conversations_stopped_and_expired_show_up_where_people_stop(counting_stack):
    stack = counting_stack
    client = bereik_client(stack)
    started = time.monotonic()

    # First the one who leaves at "How can a coach reach you?": it expires while the others talk.
    consented(stack, NAMES[0])

    # Five stop at the neighbourhood question, two at the name question.
    for name in NAMES[1:6]:
        chat, texts = consented(stack, name)
        chat.click(texts["contact_method_come_by"])
        assert chat.bare_texts[-1] == texts["ask_neighbourhood"]
        chat.say("stop")
        assert chat.texts == [texts["stopped"]]
    for _ in range(2):
        chat, texts = consented(stack, None)
        chat.say("stop")
        assert chat.texts == [texts["stopped"]]

    # One hand-off, whose reference and name must not reach the page either.
    reference = IntakeScript(
        Chat(stack.rasa_url),
        "nl",
        {"contact_name": ("type", HANDED_OFF_NAME), "contact_method": "come_by", "help_with": ["home"]},
    ).hold()
    assert reference.startswith("ONT-")

    # The expiry runs on a save: a fresh opening now and then (no language chosen: not counted).
    deadline = started + WAIT_SECONDS
    while True:
        page = client.get("/coach/bereik").text
        if (stop_cells(page) == EXPECTED and stored_intakes(stack.state_dir)) or time.monotonic() > deadline:
            break
        Chat(stack.rasa_url).greet()
        time.sleep(1)
    assert stop_cells(page) == EXPECTED
    assert [intake["reference"] for intake in stored_intakes(stack.state_dir)] == [reference]

    # Nowhere else in these tables: no other language, channel or question.
    for table_id, column in (("stops_per_language", NL), ("stops_per_channel", WEB)):
        exported = csv_rows(client, table_id)
        assert set(exported) == {"Vraag", STOPPED_HERE, STOPPED_THERE, EXPIRED_HERE, "Totaal"}
        for label in (STOPPED_HERE, STOPPED_THERE, EXPIRED_HERE, "Totaal"):
            row = exported[label]
            assert (row[column], row[-1]) == EXPECTED[(table_id, label)], (table_id, label, row)
            assert set(row[:-1]) - {row[column]} <= {"0"}, (table_id, label, row)

    # Only counts: no reference, no name, on the page or in any of its exports.
    tables = re.findall(r'href="/coach/bereik/([a-z_]+)\.csv', page)
    assert {"stops_per_language", "stops_per_channel"} <= set(tables)
    exports = [client.get(f"/coach/bereik/{table_id}.csv").text for table_id in sorted(set(tables))]
    for shown in (page, *exports):
        assert not re.search(r"ONT-[0-9A-Z]", shown)
        for name in (*NAMES, HANDED_OFF_NAME):
            assert name not in shown
