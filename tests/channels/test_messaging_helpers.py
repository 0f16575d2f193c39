"""The helpers both connectors share (bot/channels/messaging.py): no servers needed."""

from __future__ import annotations

import pytest

from bot.channels.messaging import (
    OptionMemory,
    PayloadStore,
    language_hint,
    match_option,
    media_kind_from_mime,
    media_payload,
    numbered_options,
    pseudonym,
    split_text,
)

YES_NO = [{"title": "Áno", "payload": "/affirm"}, {"title": "Nie", "payload": "/deny"}]


def test_buttons_become_numbered_options():
    assert numbered_options("Začneme?", YES_NO) == "Začneme?\n\n1. Áno\n2. Nie"


@pytest.mark.parametrize(
    ("answer", "payload"),
    [
        ("1", "/affirm"),
        ("1.", "/affirm"),
        (" 2 ", "/deny"),
        ("2)", "/deny"),
        ("۲", "/deny"),  # Persian digit
        ("áno", "/affirm"),
        ("ANO", "/affirm"),  # without the accent
        ("nie!", "/deny"),
        ("3", None),
        ("0", None),
        ("áno, prosím", None),
        ("", None),
    ],
)
def test_an_option_is_answered_with_its_number_or_its_words(answer, payload):
    assert match_option(answer, YES_NO) == payload


def test_persian_letter_variants_match():
    dari = [{"title": "بلی", "payload": "/affirm"}]
    assert match_option("بلي", dari) == "/affirm"  # Arabic yeh typed instead of Persian yeh


def test_no_options_no_match():
    assert match_option("1", None) is None
    assert match_option("1", []) is None


def test_short_text_is_not_split():
    assert split_text("  Hallo  ", 1600) == ["Hallo"]


def test_long_text_is_split_between_paragraphs_then_sentences():
    paragraph = "Dit is een zin. " * 60  # about 960 characters
    text = f"{paragraph.strip()}\n\n{paragraph.strip()}\n\n{paragraph.strip()}"
    parts = split_text(text, 1600)
    assert len(parts) == 3 and all(part == paragraph.strip() for part in parts)
    one_paragraph = "Een lange zin met woorden. " * 200
    parts = split_text(one_paragraph, 1600)
    assert all(len(part) <= 1600 for part in parts) and len(parts) == 4
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts) == one_paragraph.strip()


def test_a_text_without_any_break_is_cut_at_the_limit():
    parts = split_text("x" * 5000, 4096)
    assert [len(part) for part in parts] == [4096, 904]


def test_language_hints():
    assert [language_hint(code) for code in ("bg", "ro-RO", "sk", "nl_BE", "en", "fa", "prs", "de", None)] == [
        "bg",
        "ro",
        "sk",
        "nl",
        "en",
        "prs",
        "prs",
        None,
        None,
    ]


def test_media_payloads():
    assert media_payload("voice") == '/media{"media_kind":"voice"}'
    assert media_payload("sticker") == '/media{"media_kind":"other"}'
    assert [media_kind_from_mime(m) for m in ("audio/ogg", "image/jpeg", "video/mp4", "application/pdf", None)] == [
        "voice",
        "image",
        "video",
        "file",
        "other",
    ]


def test_pseudonyms_are_stable_and_hide_the_number():
    first = pseudonym("wa", "secret", "whatsapp:+32470123456")
    assert first == pseudonym("wa", "secret", "whatsapp:+32470123456")
    assert first != pseudonym("wa", "other secret", "whatsapp:+32470123456")
    assert first.startswith("wa-") and "470" not in first


def test_option_memory_forgets_and_is_bounded():
    memory = OptionMemory(max_senders=2)
    memory.remember("a", YES_NO)
    assert memory.get("a") == YES_NO
    memory.remember("a", None)
    assert memory.get("a") is None
    for sender in ("a", "b", "c"):
        memory.remember(sender, YES_NO)
    assert memory.get("a") is None and memory.get("c") == YES_NO
    expired = OptionMemory(ttl_seconds=-1)
    expired.remember("a", YES_NO)
    assert expired.get("a") is None


def test_long_payloads_get_short_callback_data():
    store = PayloadStore()
    short = '/choose_contact{"contact_method":"phone"}'
    long = '/choose_neighbourhood{"neighbourhood":"' + "x" * 80 + '"}'
    assert store.callback_data(short) == short
    token = store.callback_data(long)
    assert len(token.encode()) <= 64 and store.payload_for(token) == long
    assert store.payload_for("~unknown") is None
