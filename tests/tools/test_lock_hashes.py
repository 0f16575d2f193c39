"""tools/lock_hashes.py: every pin gets the sha256 of all files of exactly its version, comments stay, old hashes
go. PyPI is the outside service here: a dict stands in for its simple index."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import lock_hashes  # noqa: E402

INDEX = {
    "sanic-cors": [
        {"filename": "Sanic_Cors-2.0.1-py2.py3-none-any.whl", "hashes": {"sha256": "b" * 64}},
        {"filename": "Sanic-Cors-2.0.1.tar.gz", "hashes": {"sha256": "a" * 64}},
        {"filename": "Sanic-Cors-2.0.10.tar.gz", "hashes": {"sha256": "c" * 64}},
        {"filename": "Sanic-Cors-2.1.0.tar.gz", "hashes": {"sha256": "d" * 64}},
    ],
    "aiohttp-retry": [
        {"filename": "aiohttp_retry-2.9.1-py3-none-any.whl", "hashes": {"sha256": "e" * 64}},
        {"filename": "aiohttp_retry-2.9.1.tar.gz", "hashes": {"md5": "0" * 32}},
    ],
}


def fetch(project: str) -> list[dict]:
    return INDEX[project]


def test_each_pin_gets_the_hashes_of_its_own_version_only_and_comments_stay():
    lock = "# header\nSanic-Cors==2.0.1\naiohttp-retry==2.9.1 \\\n    --hash=sha256:" + "f" * 64 + "\n"
    assert lock_hashes.render(lock, fetch) == (
        "# header\n"
        f"Sanic-Cors==2.0.1 \\\n    --hash=sha256:{'a' * 64} \\\n    --hash=sha256:{'b' * 64}\n"
        f"aiohttp-retry==2.9.1 \\\n    --hash=sha256:{'e' * 64}\n"
    )


def test_rendering_twice_changes_nothing():
    once = lock_hashes.render("Sanic-Cors==2.0.1\n", fetch)
    assert lock_hashes.render(once, fetch) == once


def test_a_version_without_files_and_an_unpinned_line_are_refused():
    with pytest.raises(LookupError, match="Sanic-Cors==9.9"):
        lock_hashes.render("Sanic-Cors==9.9\n", fetch)
    with pytest.raises(ValueError, match="not pinned"):
        lock_hashes.render("sanic-cors>=2\n", fetch)
