"""Shared reference data from `config/` (needs, wijken, teams) and the Dutch pack, read lazily.

Files are re-read when they change on disk, so an edit of `config/needs.yml` shows up without a restart.
"""

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from coach.settings import CONFIG_DIR


@dataclass(frozen=True)
class Need:
    id: str
    label: str
    known: str
    support: tuple[str, ...]


@dataclass(frozen=True)
class Neighbourhood:
    id: str
    name: str
    team: str
    priority: bool


@lru_cache(maxsize=32)
def _load_yaml_version(path: Path, mtime_ns: int) -> Any:  # mtime_ns only keys the cache
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def load_yaml(path: Path) -> Any:
    """Parsed YAML file, cached until the file changes."""
    return _load_yaml_version(path, os.stat(path).st_mtime_ns)


def needs(config_dir: Path = CONFIG_DIR) -> dict[str, Need]:
    """The needs checklist by id, in the order of `config/needs.yml`."""
    data = load_yaml(config_dir / "needs.yml")
    return {
        item["id"]: Need(item["id"], item["label"], item["known"], tuple(item.get("support", ())))
        for item in data["needs"]
    }


def neighbourhoods(config_dir: Path = CONFIG_DIR, languages_dir: Path | None = None) -> dict[str, Neighbourhood]:
    """Every answer `answers.neighbourhood` may hold, by id: the wijken, then the special answers.

    The special answers (`no_fixed_address`, `outside_ghent`) have no name in the config; their Dutch
    label comes from the Dutch pack when `languages_dir` is given, else the id stands in.
    """
    data = load_yaml(config_dir / "neighbourhoods.yml")
    teams = {key: team["name"] for key, team in data["teams"].items()}
    result = {
        item["id"]: Neighbourhood(item["id"], item["name"], teams[item["team"]], bool(item.get("priority")))
        for item in data["neighbourhoods"]
    }
    dutch_texts = dutch_pack(languages_dir)["texts"] if languages_dir else {}
    for item in data.get("special", []):
        name = dutch_texts.get(f"neighbourhood_{item['id']}", item["id"])
        result[item["id"]] = Neighbourhood(item["id"], name, teams[item["team"]], False)
    return result


def neighbourhood_ids(config_dir: Path = CONFIG_DIR) -> list[str]:
    return list(neighbourhoods(config_dir))


def dutch_pack(languages_dir: Path) -> dict[str, Any]:
    return load_yaml(languages_dir / "nl.yml")


def team_keys(config_dir: Path = CONFIG_DIR) -> dict[str, str]:
    """The team key of every neighbourhood answer (wijk ids and the special answers)."""
    data = load_yaml(config_dir / "neighbourhoods.yml")
    return {item["id"]: item["team"] for item in data["neighbourhoods"] + data.get("special", [])}


def teams(config_dir: Path = CONFIG_DIR) -> dict[str, str]:
    """Team key -> team name ("west" -> "Team West")."""
    return {key: team["name"] for key, team in load_yaml(config_dir / "neighbourhoods.yml")["teams"].items()}
