"""Both locks pin every package with `==` and its sha256 hashes; every accepted advisory says why, for a real pin."""

from __future__ import annotations

import re
import sys
from importlib.metadata import distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools import audit  # noqa: E402
from tools.lock_hashes import canonical  # noqa: E402

LOCKS = ("bot.lock", "coach.lock")
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?==[^\s=]+$")
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def requirements(lock: str) -> list[tuple[str, list[str]]]:
    """Each requirement of a lock as (requirement, its options), continuation lines joined as pip joins them."""
    text = (ROOT / "requirements" / lock).read_text("utf-8")
    logical = re.sub(r"\\\n", " ", text).splitlines()
    entries = []
    for line in logical:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement, *options = line.split()
        entries.append((requirement, options))
    return entries


def pins() -> set[str]:
    return {re.sub(r"\[[^\]]*\]", "", requirement).lower() for lock in LOCKS for requirement, _ in requirements(lock)}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_line_of_a_lock_is_pinned_with_its_hashes(lock):
    entries = requirements(lock)
    assert len(entries) > 50
    for requirement, options in entries:
        assert PIN.match(requirement), f"{lock}: {requirement} is not pinned with =="
        assert options, f"{lock}: {requirement} has no hash"
        assert all(HASH.match(option) for option in options), f"{lock}: {requirement}: {options}"


def test_a_dependency_asked_for_with_extras_is_pinned_with_them():
    """pip in hash-checking mode resolves `CacheControl[filecache]>=0.13` apart from a plain `CacheControl==0.14.4` pin:
    once a newer release appears on the index it picks that one and refuses the install as unpinned (CI failed so on
    the day cachecontrol 0.15.0 came out). The coach lock is installed with dependencies, so each such request needs
    its extras on the pin. Read from the metadata of the coach environment these tests run in."""
    pinned = {canonical(pin.name): pin.extras for pin in (Requirement(line) for line, _ in requirements("coach.lock"))}
    asked = []
    for dist in distributions():
        if canonical(dist.metadata["Name"]) not in pinned:
            continue
        for line in dist.requires or []:
            wanted = Requirement(line)
            if wanted.extras and (wanted.marker is None or wanted.marker.evaluate({"extra": ""})):
                asked.append((canonical(wanted.name), set(wanted.extras), dist.metadata["Name"]))
    assert asked, "no package of the coach lock asks for a dependency with extras: is this the coach environment?"
    for name, extras, by in asked:
        assert name in pinned, f"{by} needs {name}, which is not in coach.lock"
        assert extras <= pinned[name], f"{by} asks for {name}{sorted(extras)}: pin it as {name}[...]== in coach.lock"


def test_a_package_appears_once_per_lock():
    for lock in LOCKS:
        names = [requirement.split("==")[0].lower().replace("_", "-") for requirement, _ in requirements(lock)]
        assert len(names) == len(set(names)), lock


def test_every_accepted_advisory_has_a_reason_and_is_about_a_locked_pin():
    advisories = audit.load_accepted()
    assert advisories
    locked = pins()
    for advisory in advisories:
        assert len(advisory.reason) > 40, advisory.id
        assert advisory.package.lower() in locked, f"{advisory.id}: {advisory.package} is in no lock: remove it"
    ids = [vid for advisory in advisories for vid in advisory.ids]
    assert len(ids) == len(set(ids)), "an advisory id is listed twice"


def test_an_entry_without_a_reason_is_refused(tmp_path):
    accepted = tmp_path / "accepted.toml"
    accepted.write_text('[[advisory]]\nid = "PYSEC-0000-1"\npackage = "aiohttp==3.9.5"\nreason = "  "\n', "utf-8")
    with pytest.raises(ValueError, match="incomplete"):
        audit.load_accepted(accepted)
