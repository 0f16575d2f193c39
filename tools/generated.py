"""Write a generated file, or with --check fail when the checked-in copy is out of date (for `make lint`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def main(output: Path, generate: Callable[[], str], script: str, description: str | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="fail if the generated file is out of date")
    args = parser.parse_args()
    content = generate()
    if args.check:
        if not output.exists() or output.read_text("utf-8") != content:
            print(f"{output.name} is out of date: run python {script}")
            return 1
        return 0
    output.write_text(content, "utf-8")
    return 0
