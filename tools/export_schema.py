"""Write the JSON Schema of the intake hand-off (coach.schemas.IntakeIn, version 1) to schemas/.

Usage: .venv/bin/python tools/export_schema.py [--output PATH]
A test fails when the checked-in schemas/intake-v1.schema.json differs from a fresh export.
"""

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "schemas" / "intake-v1.schema.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO_ROOT))
    from coach.schemas import intake_json_schema_text

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(intake_json_schema_text(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
