"""Generates the secrets of a deployment, never overwriting one that exists (run it again to fill in what is new).

    python3 tools/deploy_secrets.py deploy/secrets                             # compose: one file per secret
    python3 tools/deploy_secrets.py --env deploy/k8s/overlays/example/secrets.env  # kustomize's secretGenerator

The service secrets are made exactly as `make run` makes its development ones (`tools/stack.py`), the database and
Redis passwords with `secrets.token_urlsafe`, and the three store URLs from them, for the host names the compose
file and the Kubernetes manifests use (`postgres`, `redis`). The channel secrets (Twilio, Telegram) are left empty:
an empty one keeps its channel shut; paste the provider's values in when a channel is opened.
The folder is readable by its owner only; the files in it by every user of the containers (compose bind-mounts
them, so the containers' users, uid 10001 and the databases' own, need to read them). Standard library only.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tools` importable
    sys.path.insert(0, str(ROOT))

from tools.stack import ensure_dotenv  # noqa: E402

SERVICE_SECRETS = (
    "ONTHAAL_WEBHOOK_SECRET",
    "RASA_JWT_SECRET",
    "ONTHAAL_ACTION_SECRET",
    "ONTHAAL_DATA_KEYS",
    "ONTHAAL_TRACKER_KEYS",
)
CHANNEL_SECRETS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET")
DATABASE_USER = "onthaal"


def generate(postgres_password: str | None = None, redis_password: str | None = None) -> dict[str, str]:
    """Every secret of a deployment by its setting's name, plus the two passwords the stores are started with."""
    with tempfile.TemporaryDirectory() as scratch:
        made = ensure_dotenv(Path(scratch) / ".env")
    postgres_password = postgres_password or secrets.token_urlsafe(32)
    redis_password = redis_password or secrets.token_urlsafe(32)
    database = f"postgresql://{DATABASE_USER}:{postgres_password}@postgres:5432"
    values = {name: made[name] for name in SERVICE_SECRETS}
    values.update(
        {
            "ONTHAAL_BOT_DATABASE_URL": f"{database}/onthaal_bot",
            "DATABASE_URL": f"{database}/onthaal_coach",
            "ONTHAAL_REDIS_URL": f"redis://:{redis_password}@redis:6379/0",
            "POSTGRES_PASSWORD": postgres_password,
            "REDIS_PASSWORD": redis_password,
        }
    )
    values.update({name: "" for name in CHANNEL_SECRETS})
    return values


# The compose secret (a file in deploy/secrets) that holds each setting.
COMPOSE_FILES = {
    "POSTGRES_PASSWORD": "postgres_password",
    "REDIS_PASSWORD": "redis_password",
    "ONTHAAL_BOT_DATABASE_URL": "bot_database_url",
    "DATABASE_URL": "coach_database_url",
    "ONTHAAL_REDIS_URL": "redis_url",
    **{name: name.lower() for name in SERVICE_SECRETS + CHANNEL_SECRETS},
}


def write_files(folder: Path, values: dict[str, str]) -> list[str]:
    """One file per compose secret in `folder`; existing files are kept. Returns the names written."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    existing = {path.name: path.read_text("utf-8").strip() for path in folder.iterdir() if path.is_file()}
    # A new URL must carry the password the store was first started with.
    values = generate(existing.get("postgres_password"), existing.get("redis_password")) if existing else values
    written = []
    for setting, file_name in COMPOSE_FILES.items():
        path = folder / file_name
        if path.exists():
            continue
        path.write_text(values[setting] + ("\n" if values[setting] else ""), "utf-8")
        path.chmod(0o644)
        written.append(file_name)
    return written


def write_env(path: Path, values: dict[str, str]) -> list[str]:
    """`KEY=value` lines for the Secret `onthaal-secrets`, the keys missing from `path` appended. The stores'
    passwords are in the URLs only; the channels' keys are left out (a missing key keeps its channel shut)."""
    present = set()
    if path.exists():
        present = {line.split("=", 1)[0].strip() for line in path.read_text("utf-8").splitlines() if "=" in line}
    keys = [key for key in values if key not in CHANNEL_SECRETS + ("POSTGRES_PASSWORD", "REDIS_PASSWORD")]
    missing = [key for key in keys if key not in present]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as env_file:
        for key in missing:
            env_file.write(f"{key}={values[key]}\n")
    path.chmod(0o600)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("folder", nargs="?", type=Path, help="compose: a file per secret (deploy/secrets)")
    target.add_argument("--env", type=Path, help="Kubernetes: a KEY=value file for kustomize's secretGenerator")
    arguments = parser.parse_args(argv)
    values = generate()
    if arguments.env:
        written = write_env(arguments.env, values)
        where = arguments.env
    else:
        written = write_files(arguments.folder, values)
        where = arguments.folder
    print(f"{where}: {', '.join(written) if written else 'nothing new'} (values not shown)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
