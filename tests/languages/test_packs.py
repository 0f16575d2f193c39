"""Every word a person reads exists in all six language packs, and the code only uses keys that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CODES = ("nl", "en", "bg", "sk", "ro", "prs")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load(code: str) -> dict:
    return yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))


PACKS = {code: load(code) for code in CODES}
ENGLISH_KEYS = set(PACKS["en"]["texts"])


def test_there_are_exactly_six_packs():
    assert sorted(path.stem for path in (ROOT / "languages").glob("*.yml")) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_every_key_is_translated(code):
    texts = PACKS[code]["texts"]
    assert set(texts) == ENGLISH_KEYS, f"missing: {ENGLISH_KEYS - set(texts)}, extra: {set(texts) - ENGLISH_KEYS}"
    assert all(isinstance(value, str) and value.strip() for value in texts.values())


@pytest.mark.parametrize("code", CODES)
def test_placeholders_survive_translation(code):
    for key, english in PACKS["en"]["texts"].items():
        assert set(PLACEHOLDER.findall(PACKS[code]["texts"][key])) == set(PLACEHOLDER.findall(english)), key


@pytest.mark.parametrize("code", CODES)
def test_each_pack_names_its_language_and_direction(code):
    pack = PACKS[code]
    assert pack["code"] == code
    assert pack["direction"] == ("rtl" if code == "prs" else "ltr")
    assert pack["name"] and len({PACKS[other]["name"] for other in CODES}) == 6


def test_dari_is_written_in_perso_arabic_script_with_persian_letters():
    texts = PACKS["prs"]["texts"]
    assert re.search(r"[\u0600-\u06ff]", texts["ask_contact_name"])
    assert not any(letter in value for value in texts.values() for letter in "يكة")


def test_bulgarian_is_written_in_cyrillic():
    assert re.search(r"[\u0400-\u04ff]", PACKS["bg"]["texts"]["consent_question"])


def _used_keys_in_responses_template() -> set[str]:
    template = yaml.safe_load((ROOT / "bot" / "responses.yml").read_text("utf-8"))["responses"]
    keys = set()
    for spec in template.values():
        text = spec["text"]
        keys.update(key for key in (text if isinstance(text, list) else [text]) if not key.startswith("{"))
        if isinstance(spec.get("buttons"), list):
            keys.update(button["title"] for button in spec["buttons"])
    return keys


def test_every_key_the_responses_use_exists():
    assert _used_keys_in_responses_template() <= ENGLISH_KEYS


def test_every_key_the_actions_use_exists():
    # The actions and the libraries they read the packs through (bot/intake/), channels' own answers included.
    folders = ("actions", "intake", "channels")
    source = "\n".join(path.read_text("utf-8") for folder in folders for path in (ROOT / "bot" / folder).glob("*.py"))
    literal_keys = set(re.findall(r'text\(\w+, "(\w+)"\)', source))
    prefixes = set(re.findall(r'text\(\w+, f"(\w+)\{', source))
    assert literal_keys and literal_keys <= ENGLISH_KEYS
    for prefix in prefixes:
        assert any(key.startswith(prefix) for key in ENGLISH_KEYS), prefix


def test_every_key_the_widget_uses_exists():
    source = "\n".join(path.read_text("utf-8") for path in (ROOT / "web_widget").glob("*.js"))
    used = set(re.findall(r"\bwidget_\w+", source))
    assert used, "the widget uses no strings from the packs"
    assert used <= ENGLISH_KEYS, used - ENGLISH_KEYS


def test_no_user_facing_text_is_written_in_the_actions():
    # Actions speak only through responses (utter_message(response=...)), never text=.
    for path in (ROOT / "bot" / "actions").glob("*.py"):
        assert "utter_message(text=" not in path.read_text("utf-8"), path.name
