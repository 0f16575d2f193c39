"""`make cluster` for real: PostgreSQL, Redis, nginx, two Rasa servers, two action servers and two coach
workers on this machine. Conversations alternate between the Rasa servers and end with the right intake; one
Rasa server killed with SIGKILL in the middle of 20 conversations loses none of them and doubles none; and
/coach/bereik, on PostgreSQL, counts the intakes the assistant made."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cluster.resending import ResendingChat
from tests.conftest import MODEL, free_port
from tests.e2e.intake import IntakeScript
from tests.e2e.test_bereik_counts import bereik_client, row_cells
from tools.cluster import Cluster
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack

NAMES = ["Mieke", "Simon", "Milena", "Jozef", "Ionel", "Samira", "Bram", "Natalya", "Lorenzo", "Aylin"]
LANGUAGES = ["nl", "en", "bg", "sk", "ro", "prs"]


def script(number: int) -> dict[str, Any]:
    """A short intake: a name, a phone number, a wijk, one help domain."""
    return {
        "contact_name": ("type", NAMES[number % len(NAMES)]),
        "contact_method": "phone",
        "contact_detail": ("type", f"0470 12 34 {number:02d}"),
        "contact_time": "morning",
        "neighbourhood": "binnenstad",
        "help_with": ["home"],
        "home": "unsure",
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.fail("No trained model: run `make train` (make test does this first).")
    running = Cluster(state_dir=tmp_path_factory.mktemp("cluster"), port=free_port(), model=MODEL)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def count_rows(url: str, table: str) -> int:
    from sqlalchemy import text

    from coach.db import build_engine

    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 (a constant)
    finally:
        engine.dispose()


def coach_intakes(cluster: Cluster) -> list[dict[str, Any]]:
    """Every intake in the coach service's PostgreSQL database, decrypted."""
    from sqlalchemy import text

    from coach.crypto import DataCipher
    from coach.db import build_engine

    cipher = DataCipher.from_setting(ensure_dotenv()["ONTHAAL_DATA_KEYS"])
    engine = build_engine(cluster.database_urls["onthaal_coach"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT payload_enc FROM intakes ORDER BY id")).all()
    finally:
        engine.dispose()
    return [cipher.decrypt_json(payload) for (payload,) in rows]


def hold(chat: ResendingChat, number: int) -> str:
    return IntakeScript(chat, LANGUAGES[number % len(LANGUAGES)], script(number)).hold()


def test_conversations_alternate_between_the_rasa_servers_and_end_with_their_intake(cluster):
    replicas = {url.removeprefix("http://") for url in cluster.rasa_replica_urls}
    chats = [ResendingChat(cluster.url, f"10.13.0.{number}") for number in (1, 2)]
    references = [hold(chat, number) for number, chat in enumerate(chats)]

    for chat in chats:
        assert set(chat.upstreams) == replicas
        # One client at a time: nginx takes the servers in turn, so no two messages in a row go to the same one.
        assert all(first != second for first, second in zip(chat.upstreams, chat.upstreams[1:], strict=False))
        assert chat.resent == 0
    intakes = {intake["conversation_id"]: intake for intake in coach_intakes(cluster)}
    for number, (chat, reference) in enumerate(zip(chats, references, strict=True)):
        intake = intakes[chat.sender]
        assert intake["reference"] == reference
        assert intake["language"] == LANGUAGES[number]
        assert intake["answers"]["name"] == NAMES[number]
        assert intake["answers"]["neighbourhood"] == "binnenstad"
    # Both Rasa servers kept the conversations in the shared PostgreSQL database, not in a file of their own.
    assert count_rows(cluster.database_urls["onthaal_bot"], "tracker_conversations") >= len(chats)
    assert not list(cluster.state_dir.rglob("trackers.sqlite3"))


def test_a_rasa_server_killed_during_the_hand_off_sends_one_intake(cluster):
    chat = ResendingChat(cluster.url, "10.13.2.1")
    intake = IntakeScript(chat, "en", script(1))
    intake.start("button")
    while (slot := intake.current_question()) != "readback":
        intake.answer(slot)
    # One client at a time: the confirmation goes to the server that did not answer the last message.
    last = chat.upstreams[-1]
    handling = next(i for i, url in enumerate(cluster.rasa_replica_urls) if url.removeprefix("http://") != last)
    assert cluster.coach is not None
    coach = next(process for name, process in cluster.coach.processes if name == "coach")
    os.killpg(coach.pid, signal.SIGSTOP)  # the hand-off waits for the coach service's acknowledgement
    try:
        confirm = threading.Thread(target=intake.click, args=(intake.texts["readback_confirm"],))
        confirm.start()
        time.sleep(3)
        cluster.kill_rasa(handling)  # while it waits for the action server
    finally:
        os.killpg(coach.pid, signal.SIGCONT)
    try:
        confirm.join(timeout=120)
        given = [word.strip(".,!?:") for word in "\n".join(chat.texts).split() if word.startswith("ONT-")]
        time.sleep(2)
        stored = [found["reference"] for found in coach_intakes(cluster) if found["conversation_id"] == chat.sender]
        assert stored == given[:1] and len(given) == 1, (stored, given)
    finally:
        chat.close()
        cluster.restart_rasa(handling)


def test_a_rasa_server_killed_mid_conversation_loses_and_doubles_no_intake(cluster):
    people = 20
    chats = [ResendingChat(cluster.url, f"10.13.1.{number}") for number in range(people)]
    references: dict[int, str] = {}
    errors: list[BaseException] = []

    def person(number: int) -> None:
        try:
            references[number] = hold(chats[number], number)
        except BaseException as error:  # noqa: BLE001 (reported by the test below)
            errors.append(error)

    threads = [threading.Thread(target=person, args=(number,)) for number in range(people)]
    for thread in threads:
        thread.start()
    # Kill the first Rasa server once every conversation is under way and well before any can have ended.
    deadline = time.monotonic() + 120
    while min(len(chat.upstreams) for chat in chats) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    turns_before = sum(len(chat.upstreams) for chat in chats)
    cluster.kill_rasa(0)
    for thread in threads:
        thread.join(timeout=240)

    assert not errors, errors
    assert len(references) == people
    assert all(len(chat.upstreams) > 4 for chat in chats)  # each went on after the kill
    assert turns_before < sum(len(chat.upstreams) for chat in chats)
    survivor = cluster.rasa_replica_urls[1].removeprefix("http://")
    assert all(chat.upstreams[-1].endswith(survivor) for chat in chats)
    time.sleep(1)  # an intake acknowledged late would still be in the outbox
    intakes = [intake for intake in coach_intakes(cluster) if intake["conversation_id"].startswith("web-")]
    per_conversation = Counter(intake["conversation_id"] for intake in intakes)
    for number, chat in enumerate(chats):
        assert per_conversation[chat.sender] == 1, (number, per_conversation[chat.sender])
        [intake] = [intake for intake in intakes if intake["conversation_id"] == chat.sender]
        assert intake["reference"] == references[number]
        assert intake["answers"]["name"] == NAMES[number % len(NAMES)]
        assert "".join(filter(str.isdigit, intake["answers"]["contact_detail"])).endswith(f"4701234{number:02d}")
    for chat in chats:
        chat.close()


def test_bereik_on_postgresql_counts_the_intakes_the_assistant_made(cluster):
    # Runs after the tests above: every intake they made (all from Binnenstad) is in PostgreSQL.
    intakes = coach_intakes(cluster)
    assert len(intakes) >= 20
    client = bereik_client(cluster, cluster.database_urls["onthaal_coach"])
    try:
        page = client.get("/coach/bereik")
        assert page.status_code == 200
        assert row_cells(page.text, "per_wijk", "Binnenstad") == [str(len(intakes))]
        csv = client.get("/coach/bereik/per_wijk.csv")
        assert csv.status_code == 200
        [row] = [line.split(";") for line in csv.text.splitlines() if line.startswith("Binnenstad")]
        assert row[-1] == str(len(intakes))
        for intake in intakes:
            assert intake["reference"] not in page.text
        assert not any(name in page.text for name in NAMES)
        # An analyst opens no single intake.
        assert client.get(f"/coach/intakes/{intakes[0]['reference']}").status_code == 403
    finally:
        client.close()
