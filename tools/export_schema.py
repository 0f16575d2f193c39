"""Write the JSON Schemas of the intake hand-off (coach.schemas: IntakeIn = version 1, IntakeV2In = version 2,
IntakeV3In = version 3).

Usage: .venv/bin/python tools/export_schema.py [--version 1|2|3 --output PATH]
Without arguments all three are written to schemas/intake-v{1,2,3}.schema.json.
A test fails when a checked-in schema differs from a fresh export.
"""

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VERSIONS = (1, 2, 3)


def default_output(version: int) -> Path:
    return REPO_ROOT / "schemas" / f"intake-v{version}.schema.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", type=int, choices=VERSIONS)
    parser.add_argument("--output", type=Path, help="only with --version")
    args = parser.parse_args(argv)
    if args.output and not args.version:
        parser.error("--output needs --version")

    sys.path.insert(0, str(REPO_ROOT))
    from coach.schemas import intake_json_schema_text

    for version in (args.version,) if args.version else VERSIONS:
        output = args.output or default_output(version)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(intake_json_schema_text(version), encoding="utf-8")
        print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
