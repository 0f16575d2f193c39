"""Administration of the coach service, from the command line (same environment as the service).

  create-user NAME --role admin|coach|reception|analyst [--team west]   password asked twice (or ONTHAAL_NEW_PASSWORD)
  rotate-keys          re-encrypt every stored value with the first key of ONTHAAL_DATA_KEYS
  purge                delete intakes past retention (closed: ONTHAAL_RETENTION_DAYS, never closed:
                       ONTHAAL_RETENTION_OPEN_DAYS), retry failed tracker erasures (for cron; the service also runs it)
  erase REFERENCE      erase one intake on request, with its conversation in Rasa's tracker store
  migrate              upgrade the database to the newest migration

The first admin: `.venv/bin/python tools/coach_admin.py create-user beheerder --role admin`.
Reads `.env` for variables that are not set in the environment. Prints no personal data.
"""

import argparse
import getpass
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def load_dotenv(path: Path = REPO_ROOT / ".env") -> None:
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


def _password() -> str:
    from_env = os.environ.get("ONTHAAL_NEW_PASSWORD")
    if from_env:
        return from_env
    first = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
    if first != getpass.getpass("Nog eens: "):
        raise SystemExit("The passwords differ.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-user", help="create an account")
    create.add_argument("username")
    create.add_argument("--role", choices=("admin", "coach", "reception", "analyst"), required=True)
    create.add_argument("--team", help="team key of config/neighbourhoods.yml (coaches)")
    commands.add_parser("rotate-keys", help="re-encrypt everything with the first key")
    commands.add_parser("purge", help="delete intakes past retention, retry failed tracker erasures")
    erase = commands.add_parser("erase", help="erase one intake on request")
    erase.add_argument("reference")
    commands.add_parser("migrate", help="upgrade the database schema")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO_ROOT))
    load_dotenv()
    from coach import admin

    settings = admin.settings()
    if args.command == "create-user":
        admin.create_user(settings, args.username, _password(), args.role, args.team)
        print(f"created {args.role} {args.username}")
    elif args.command == "rotate-keys":
        print(f"re-encrypted {admin.rotate_keys(settings)} value(s) with the first key")
    elif args.command == "purge":
        gone = admin.purge(settings)
        if gone is None:
            raise SystemExit("the coach service is running the retention job right now: nothing to do")
        print(f"deleted {len(gone)} intake(s) past retention")
    elif args.command == "erase":
        found, rasa_ok = admin.erase(settings, args.reference)
        if not found:
            print(f"no intake {args.reference}")
            return 1
        print(f"erased {args.reference}; conversation in Rasa {'erased' if rasa_ok else 'NOT erased (see audit log)'}")
    elif args.command == "migrate":
        admin.migrate(settings)
        print("database at the newest migration")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
