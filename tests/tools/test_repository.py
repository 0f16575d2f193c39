"""What is committed: no symbolic links (a worktree's link to a shared model, virtual environment or
node_modules was committed twice by accident; in a fresh clone it points at another checkout or at itself)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_no_symbolic_link_is_committed():
    staged = subprocess.run(
        ["git", "ls-files", "--stage"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    links = [line.split("\t", 1)[1] for line in staged if line.startswith("120000 ")]
    assert links == []
    assert staged, "git lists the committed files"
