"""What a delivered intake leaves in the outbox file: nothing. secure_delete overwrites deleted and rewritten rows,
incremental auto-vacuum hands the freed pages back, so not even the ciphertext can be found in the raw file."""

from __future__ import annotations

import sqlite3

from bot.delivery import delivery, outbox
from bot.delivery.coach_client import DeliverySettings
from tests.bot.intakes import valid_intake

INTAKES = "/api/v1/intakes"


def pieces(sealed: str) -> list[bytes]:
    """Stretches of the ciphertext long enough to be unique, from its start, middle and end."""
    token = sealed.encode()
    return [token[10:60], token[len(token) // 2 : len(token) // 2 + 50], token[-60:-10]]


def freelist_pages(path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA freelist_count").fetchone()[0]


def long_intake(reference: str) -> dict:
    """An intake of several pages (long free-text answers), as a talkative person's would be."""
    intake = valid_intake(reference)
    for field in ("work_wish", "work_done", "anything_else"):
        intake["answers"][field] = "words of the person " * 100
    return intake


def test_a_delivered_intake_leaves_no_ciphertext_in_the_file(coach):
    path = DeliverySettings.from_env().outbox_path
    waiting = delivery.enqueue(valid_intake("ONT-BBBBB3"))  # stays: the file is not simply emptied
    coach.script[INTAKES] = [503]
    delivery.deliver_now(waiting)
    webhook_id = delivery.enqueue(long_intake("ONT-AAAAA2"))
    size = path.stat().st_size
    sealed = outbox.get(webhook_id, path).body
    assert all(piece in path.read_bytes() for piece in pieces(sealed))

    assert delivery.deliver_now(webhook_id).delivered

    raw = path.read_bytes()
    assert not any(piece in raw for piece in pieces(sealed))
    assert webhook_id.encode() not in raw
    assert outbox.get(waiting, path) is not None
    assert freelist_pages(path) == 0 and path.stat().st_size < size  # the freed pages went back


def test_a_replaced_body_leaves_no_trace_of_the_old_one(coach):
    path = DeliverySettings.from_env().outbox_path
    coach.script[INTAKES] = [409, 503]
    webhook_id = delivery.enqueue(valid_intake("ONT-AAAAA2"))
    old = outbox.get(webhook_id, path).body

    result = delivery.deliver_now(webhook_id)

    assert result.webhook_id != webhook_id and outbox.get(result.webhook_id, path) is not None
    raw = path.read_bytes()
    assert not any(piece in raw for piece in pieces(old))
    assert b"ONT-AAAAA2" not in raw
