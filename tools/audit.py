"""`make audit`: pip-audit over both locks, accepting only the advisories listed with a reason.

Runs `pip-audit --require-hashes --disable-pip --strict -r <lock>` for requirements/bot.lock and
requirements/coach.lock, with every id (and alias) of requirements/accepted-advisories.toml as `--ignore-vuln`.
Nothing is installed or resolved (pip-audit 2.10 calls --no-deps redundant beside --require-hashes), and with
PyPI's service pip-audit also checks each hash against PyPI. The vulnerability data comes from PyPI over the
network; `--strict` makes a package that cannot be looked up fail the audit, so an unreachable service fails
loudly instead of passing with nothing checked. Arguments after `--` go to pip-audit unchanged (the tests point
it at a local stand-in OSV service that way).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = (ROOT / "requirements" / "bot.lock", ROOT / "requirements" / "coach.lock")
ACCEPTED = ROOT / "requirements" / "accepted-advisories.toml"
# A version page of PyPI's JSON API, which pip-audit reads for every pin: when it cannot be fetched, nothing
# could be checked (on this project's build machines only PyPI's index is reachable, not this API).
PROBE_URL = "https://pypi.org/pypi/pip/24.0/json"
PIP_AUDIT = ("--require-hashes", "--disable-pip", "--strict", "--progress-spinner", "off")


@dataclass(frozen=True)
class Advisory:
    """One accepted advisory: its id, the other names it is known by, the pin it is about, and why."""

    id: str
    aliases: tuple[str, ...]
    package: str
    reason: str

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


def load_accepted(path: Path = ACCEPTED) -> list[Advisory]:
    """The accepted advisories; ValueError when an entry lacks an id, a `name==version` package or a reason."""
    entries = tomllib.loads(path.read_text("utf-8")).get("advisory", [])
    advisories = []
    for entry in entries:
        advisory = Advisory(
            id=str(entry.get("id", "")).strip(),
            aliases=tuple(str(alias).strip() for alias in entry.get("aliases", [])),
            package=str(entry.get("package", "")).strip(),
            reason=str(entry.get("reason", "")).strip(),
        )
        if not advisory.id or not all(advisory.aliases) or "==" not in advisory.package or not advisory.reason:
            raise ValueError(f"{path.name}: incomplete entry {entry!r}")
        advisories.append(advisory)
    return advisories


def pip_audit_command(lock: Path, advisories: list[Advisory], extra: list[str] | None = None) -> list[str]:
    """The pip-audit call for one lock."""
    ignored = [arg for advisory in advisories for vid in advisory.ids for arg in ("--ignore-vuln", vid)]
    return [sys.executable, "-m", "pip_audit", *PIP_AUDIT, "-r", str(lock), *ignored, *(extra or [])]


def vulnerability_data_reachable(url: str = PROBE_URL, timeout: float = 10) -> str | None:
    """None when PyPI's per-version JSON API answers, else why not (an HTTP status or the error's type)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (fixed https URL)
            return None if response.status == 200 else f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return type(error).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", action="append", type=Path, help="audit only this lock (repeatable)")
    parser.add_argument("--accepted", type=Path, default=ACCEPTED, help="the accepted advisories")
    parser.add_argument(
        "--if-reachable",
        action="store_true",
        help="when PyPI's vulnerability API cannot be reached, say so loudly and exit 0 instead of failing (CI)",
    )
    parser.add_argument("extra", nargs="*", help="after --: more pip-audit arguments")
    args = parser.parse_args(argv)
    advisories = load_accepted(args.accepted)
    if args.if_reachable and (why := vulnerability_data_reachable()):
        print(
            f"AUDIT NOT RUN: PyPI's vulnerability API ({PROBE_URL}) answered {why}, so no vulnerability data can be "
            f"read from this machine. The locks' hashes were still enforced by the install, and the {len(advisories)} "
            "accepted advisories were checked for a reason each. Run `make audit` where PyPI's JSON API is reachable.",
            flush=True,
        )
        return 0
    failed = []
    for lock in args.lock or LOCKS:
        shown = lock.relative_to(ROOT) if lock.is_relative_to(ROOT) else lock
        print(f"pip-audit {' '.join(PIP_AUDIT)} -r {shown} (accepting {len(advisories)} advisories)", flush=True)
        if subprocess.run(pip_audit_command(lock, advisories, args.extra), check=False).returncode:
            failed.append(str(shown))
    if failed:
        print(
            f"AUDIT FAILED for {', '.join(failed)}: a known vulnerability that is not accepted, or no vulnerability "
            "data (a package 'not found on PyPI' or a connection error means PyPI's JSON API could not be reached: "
            "nothing was checked). Upgrade the package, or add the advisory to "
            "requirements/accepted-advisories.toml with the reason it does not apply.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
