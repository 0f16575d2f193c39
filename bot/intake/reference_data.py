"""Reference data the actions need: language packs, wijken, the needs checklist and the need groups.

Everything is read from `languages/` and `config/` on first use (no I/O at import) and cached.
Python never holds words a person reads: labels come from the packs.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.normalise import words as normalise

ROOT = Path(os.environ.get("ONTHAAL_ROOT", Path(__file__).resolve().parents[2]))
LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
DEFAULT_LANGUAGE = "en"
SKIPPED = "__skipped__"


def _read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


@cache
def pack(code: str) -> dict[str, Any]:
    return _read_yaml(ROOT / "languages" / f"{code}.yml")


def text(code: str | None, key: str) -> str:
    """The text `key` in language `code` (English while the language is unknown)."""
    return pack(code if code in LANGUAGES else DEFAULT_LANGUAGE)["texts"][key]


@lru_cache(maxsize=1)
def neighbourhoods() -> dict[str, Any]:
    return _read_yaml(ROOT / "config" / "neighbourhoods.yml")


@lru_cache(maxsize=1)
def need_ids() -> tuple[str, ...]:
    return tuple(need["id"] for need in _read_yaml(ROOT / "config" / "needs.yml")["needs"])


@lru_cache(maxsize=1)
def short_commands() -> dict[str, tuple[str, ...]]:
    """intent -> short typed commands that mean it even where a free-text answer is expected."""
    commands = _read_yaml(ROOT / "bot" / "short_commands.yml")
    return {intent: tuple(normalise(word) for word in words) for intent, words in commands.items()}


def neighbourhood_ids() -> set[str]:
    config = neighbourhoods()
    return {wijk["id"] for wijk in config["neighbourhoods"]} | {special["id"] for special in config["special"]}


def neighbourhood_label(code: str | None, neighbourhood_id: str) -> str:
    for wijk in neighbourhoods()["neighbourhoods"]:
        if wijk["id"] == neighbourhood_id:
            return wijk["name"]
    return text(code, f"neighbourhood_{neighbourhood_id}")


@lru_cache(maxsize=1)
def pictograms() -> dict[str, str]:
    return _read_yaml(ROOT / "config" / "pictograms.yml")["pictograms"]


def button_title(code: str | None, key: str, label: str | None = None) -> str:
    """A button's title: its pictogram, then its words (`label`, else the text `key`)."""
    words = text(code, key) if label is None else label
    return f"{pictograms()[key]} {words}"


def localised_digits(code: str | None, number: int) -> str:
    """A number in the digits the language writes (Dari: ۰۱۲۳۴۵۶۷۸۹)."""
    digits = text(code, "digits")
    return "".join(digits[int(char)] for char in str(number))
