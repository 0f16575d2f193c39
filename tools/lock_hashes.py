"""Add or refresh the `--hash=sha256:` lines of a pinned lock file, so pip installs it in hash-checking mode.

Every `name==version` line gets the sha256 of every file PyPI holds for that version (wheels for all platforms
and the sdist, as pip-compile writes them), read from PyPI's simple index in its JSON form (PEP 691). Comment
lines stay where they are; old hashes are replaced. Standard library only, so it runs in either environment:

    python tools/lock_hashes.py requirements/bot.lock requirements/coach.lock
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

INDEX = "https://pypi.org/simple"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[^\]]*\])?==(?P<version>[^\s;\\]+)")
SDIST_SUFFIXES = (".tar.gz", ".zip", ".tar.bz2", ".tgz")

Fetch = Callable[[str], list[dict]]


def canonical(name: str) -> str:
    """PEP 503 name normalisation: `Sanic-Cors`, `sanic_cors` and `sanic.cors` are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def file_version(filename: str, project: str) -> str | None:
    """The version in a wheel or sdist file name of `project`, or None when the file is not one of its releases."""
    if filename.endswith(".whl"):
        name, version = filename[: -len(".whl")].split("-")[:2]
        return version if canonical(name) == project else None
    for suffix in SDIST_SUFFIXES:
        if filename.endswith(suffix):
            name, _, version = filename[: -len(suffix)].rpartition("-")
            return version if canonical(name) == project else None
    return None


def fetch_files(project: str) -> list[dict]:
    """PyPI's file list for a project: [{"filename": ..., "hashes": {"sha256": ...}}, ...]."""
    url = f"{INDEX}/{project}/"  # a fixed https URL
    request = urllib.request.Request(url, headers={"Accept": SIMPLE_JSON})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.load(response)["files"]


def hashes_for(name: str, version: str, fetch: Fetch = fetch_files) -> list[str]:
    """The sorted sha256 digests of every file of `name==version`; fails when PyPI has none."""
    project = canonical(name)
    digests = sorted(
        {
            entry["hashes"]["sha256"]
            for entry in fetch(project)
            if "sha256" in entry.get("hashes", {}) and file_version(entry["filename"], project) == version
        }
    )
    if not digests:
        raise LookupError(f"PyPI has no file for {name}=={version}")
    return digests


def requirements(lines: Iterable[str]) -> list[str | tuple[str, str, str]]:
    """The lock as comment lines (kept verbatim) and pins (requirement, name, version); old hash lines dropped."""
    items: list[str | tuple[str, str, str]] = []
    for raw in lines:
        line = raw.strip()
        if line.startswith("--hash") or line == "\\":
            continue
        if not line or line.startswith("#"):
            items.append(raw.rstrip("\n"))
            continue
        match = PIN.match(line)
        if not match:
            raise ValueError(f"not pinned with ==: {line!r}")
        requirement = line.split("\\")[0].split("--hash")[0].strip()
        items.append((requirement, match["name"], match["version"]))
    return items


def render(lock: str, fetch: Fetch = fetch_files, workers: int = 8) -> str:
    """The lock text with fresh hashes under every pin."""
    items = requirements(lock.splitlines())
    pins = [item for item in items if isinstance(item, tuple)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = dict(zip(pins, pool.map(lambda pin: hashes_for(pin[1], pin[2], fetch), pins), strict=True))
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        out.append(f"{item[0]} \\")
        hashes = [f"    --hash=sha256:{digest}" for digest in digests[item]]
        out.append(" \\\n".join(hashes))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("locks", nargs="+", type=Path, help="lock files to rewrite in place")
    args = parser.parse_args(argv)
    for lock in args.locks:
        try:
            text = render(lock.read_text("utf-8"))
        except (LookupError, ValueError, OSError) as error:
            print(f"{lock}: {error}", file=sys.stderr)
            return 1
        lock.write_text(text, "utf-8")
        pins = sum(isinstance(item, tuple) for item in requirements(text.splitlines()))
        print(f"{lock}: {pins} pins, {text.count('--hash=sha256:')} hashes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
