"""Entry point of Onthaal's container images: settings from secret files, then the server's own command.

- Every `NAME_FILE=/path` in the environment becomes `NAME=<the file's contents, stripped>` (the file wins over a
  `NAME` also set, as in `bot/secrets_env.py`). This is how compose `secrets:` and Kubernetes secret volumes reach
  settings that only read their environment (the coach service's, the database and Redis URLs).
- Every name listed in `ONTHAAL_OPTIONAL_VARIABLES` (comma-separated) that is still unset becomes empty: Rasa
  refuses to start when a `${VARIABLE}` of `bot/credentials.yml` is missing, and an empty channel secret keeps that
  channel shut (its webhook answers 403).
Then it replaces itself with the command (`exec`), so the server is PID 1's only child and gets the signals.
Nothing is printed but the names of what is wrong. Standard library only.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import MutableMapping
from pathlib import Path

_FILE_SUFFIX = "_FILE"
_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
OPTIONAL_VARIABLES = "ONTHAAL_OPTIONAL_VARIABLES"


def settings_from_files(environ: MutableMapping[str, str]) -> list[str]:
    """Set `NAME` from the file of each `NAME_FILE`; returns the names set. OSError names a file it cannot read."""
    loaded = []
    for variable, path in sorted(environ.items()):
        name = variable.removesuffix(_FILE_SUFFIX)
        if variable == name or not _NAME.fullmatch(name) or not path.strip():
            continue
        try:
            environ[name] = Path(path.strip()).read_text("utf-8").strip()
        except OSError as error:
            raise OSError(f"{variable}: cannot read {path.strip()} ({error.strerror})") from None
        loaded.append(name)
    return loaded


def optional_defaults(environ: MutableMapping[str, str]) -> list[str]:
    """Set each unset name of `ONTHAAL_OPTIONAL_VARIABLES` to ""; returns the names set."""
    names = [name.strip() for name in environ.get(OPTIONAL_VARIABLES, "").split(",") if name.strip()]
    emptied = [name for name in names if name not in environ]
    for name in emptied:
        environ[name] = ""
    return emptied


def main(argv: list[str]) -> int:
    if not argv:
        print("entrypoint: no command given", file=sys.stderr)
        return 2
    try:
        settings_from_files(os.environ)
    except OSError as error:
        print(f"entrypoint: {error}", file=sys.stderr)
        return 2
    optional_defaults(os.environ)
    os.execvp(argv[0], argv)  # noqa: S606 (the image's own command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
