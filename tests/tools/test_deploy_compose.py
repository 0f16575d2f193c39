"""The one-host deployment (deploy/compose.yaml with deploy/nginx/onthaal.conf), the images' entrypoint and the
secrets generator (tools/deploy_secrets.py): what they give each server is what that server reads and accepts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.fernet_keys import raw_fernet_keys  # noqa: E402
from bot.secrets_env import require_secret  # noqa: E402
from coach.settings import Settings  # noqa: E402
from tests.tools.deploy_files import (  # noqa: E402
    DEPLOY,
    PORTS,
    SECRET_NAME,
    SECRET_VALUE,
    compose_file,
    dockerfile_env,
    environment,
    variables_rasa_expands,
)
from tools import deploy_secrets  # noqa: E402

ENTRYPOINT = DEPLOY / "docker" / "entrypoint.py"
SECRET_FILE = re.compile(r"/run/secrets/([a-z0-9_]+)")


@pytest.fixture(scope="module")
def compose() -> dict:
    return compose_file()


def test_every_service_is_pinned_restarts_and_has_a_healthcheck(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "rasa", "actions", "coach", "nginx"}
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD", name
        if "build" in service:
            assert service["build"]["dockerfile"] == f"deploy/docker/{name}.Dockerfile"
        else:  # an official image, pinned to its version
            assert re.fullmatch(r"(postgres|redis|nginx):\d+\.\d+(\.\d+)?-\w+", service["image"]), name
    for name in ("rasa", "actions", "coach"):
        test = " ".join(services[name]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{PORTS[name]}" in test, name
    assert services["rasa"]["build"]["additional_contexts"] == {"model": "../bot/models"}
    for name in ("rasa", "actions"):
        assert services[name]["deploy"]["replicas"].endswith(":-2}"), name
    assert environment(services["coach"])["WEB_CONCURRENCY"].endswith(":-2}")


def test_secrets_are_files_the_generator_makes_and_reach_only_the_services_that_list_them(compose: dict) -> None:
    declared = compose["secrets"]
    assert {name: entry["file"] for name, entry in declared.items()} == {
        name: f"./secrets/{name}" for name in deploy_secrets.COMPOSE_FILES.values()
    }
    for name, service in compose["services"].items():
        granted = set(service.get("secrets", []))
        assert granted <= set(declared), name
        for variable, value in environment(service).items():
            assert not SECRET_VALUE.search(value), (name, variable)
            if variable.endswith("_FILE"):
                (secret,) = SECRET_FILE.fullmatch(value).groups()
                assert secret in granted, (name, variable)
            else:
                assert not SECRET_NAME.search(variable), f"{name}: {variable} is written in compose.yaml"


def test_the_stores_urls_point_at_the_compose_stores_with_their_passwords(compose: dict, tmp_path: Path) -> None:
    services = compose["services"]
    wiring = {
        "rasa": {"ONTHAAL_BOT_DATABASE_URL_FILE": "bot_database_url", "ONTHAAL_REDIS_URL_FILE": "redis_url"},
        "actions": {"ONTHAAL_BOT_DATABASE_URL_FILE": "bot_database_url", "ONTHAAL_REDIS_URL_FILE": "redis_url"},
        "coach": {"DATABASE_URL_FILE": "coach_database_url"},
    }
    for name, files in wiring.items():
        for variable, secret_file in files.items():
            assert environment(services[name])[variable] == f"/run/secrets/{secret_file}", (name, variable)
    deploy_secrets.write_files(tmp_path, deploy_secrets.generate())
    secret = {path.name: path.read_text().strip() for path in tmp_path.iterdir()}
    postgres = environment(services["postgres"])
    init_sql = (DEPLOY / "postgres" / "init-databases.sql").read_text()
    for url_file, database in (("bot_database_url", "onthaal_bot"), ("coach_database_url", "onthaal_coach")):
        url = urlsplit(secret[url_file])
        assert (url.hostname, url.port, url.username) == ("postgres", 5432, postgres["POSTGRES_USER"])
        assert url.password == secret["postgres_password"]
        assert database == postgres["POSTGRES_DB"] or f"CREATE DATABASE {database} OWNER onthaal;" in init_sql
    redis = urlsplit(secret["redis_url"])
    assert (redis.hostname, redis.port, redis.password) == ("redis", 6379, secret["redis_password"])
    assert "/run/secrets/redis_password" in " ".join(services["redis"]["command"])


def test_rasa_gets_every_variable_its_endpoints_and_credentials_expand(compose: dict) -> None:
    given = {variable.removesuffix("_FILE") for variable in environment(compose["services"]["rasa"])}
    optional = set(dockerfile_env("rasa")["ONTHAAL_OPTIONAL_VARIABLES"].split(","))
    assert variables_rasa_expands() - given - optional == set()


def test_named_volumes_keep_the_stores(compose: dict) -> None:
    for name in ("postgres", "redis", "rasa", "actions"):
        for volume in compose["services"][name]["volumes"]:
            source = volume.split(":")[0]
            assert source.startswith("./") or source in compose["volumes"], (name, volume)
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


@pytest.mark.skipif(
    subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0
    if shutil.which("docker")
    else True,
    reason="no docker compose plugin",
)
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    shutil.copytree(DEPLOY, tmp_path / "deploy", ignore=shutil.ignore_patterns("secrets"))
    deploy_secrets.write_files(tmp_path / "deploy" / "secrets", deploy_secrets.generate())
    checked = subprocess.run(
        ["docker", "compose", "-f", str(tmp_path / "deploy" / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def run_entrypoint(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ENTRYPOINT), *command], env=env, capture_output=True, text=True)


def test_the_entrypoint_reads_secret_files_empties_optional_settings_and_becomes_the_server(tmp_path: Path) -> None:
    (tmp_path / "jwt").write_text("from-the-file\n")
    show = "import json, os; print(json.dumps({'pid': os.getpid(), 'env': dict(os.environ)}))"
    env = {
        "PATH": "/usr/bin:/bin",
        "RASA_JWT_SECRET_FILE": str(tmp_path / "jwt"),
        "RASA_JWT_SECRET": "from-the-environment",
        "TELEGRAM_BOT_NAME": "onthaal_bot",
        "ONTHAAL_OPTIONAL_VARIABLES": "TELEGRAM_BOT_NAME, TWILIO_AUTH_TOKEN",
    }
    process = subprocess.Popen(
        [sys.executable, str(ENTRYPOINT), sys.executable, "-c", show], env=env, stdout=subprocess.PIPE, text=True
    )
    seen = json.loads(process.communicate()[0])
    assert seen["pid"] == process.pid  # exec'd: the server itself gets the container's signals
    assert seen["env"]["RASA_JWT_SECRET"] == (tmp_path / "jwt").read_text().strip()  # the file wins (secrets_env)
    assert seen["env"]["TWILIO_AUTH_TOKEN"] == ""
    assert seen["env"]["TELEGRAM_BOT_NAME"] == "onthaal_bot"


def test_the_entrypoint_stops_on_a_missing_file_without_starting_the_server(tmp_path: Path) -> None:
    marker = tmp_path / "started"
    env = {"PATH": "/usr/bin:/bin", "ONTHAAL_DATA_KEYS_FILE": str(tmp_path / "absent")}
    result = run_entrypoint(env, sys.executable, "-c", f"open({str(marker)!r}, 'w')")
    assert result.returncode == 2
    assert "ONTHAAL_DATA_KEYS_FILE" in result.stderr and str(tmp_path / "absent") in result.stderr
    assert not marker.exists()


def test_generated_secrets_pass_each_servers_own_checks_outside_development() -> None:
    values = deploy_secrets.generate()
    production = {"ONTHAAL_ENV": "production", **values}
    for name in ("RASA_JWT_SECRET", "ONTHAAL_ACTION_SECRET"):
        assert require_secret(name, production) == values[name]
    assert len(raw_fernet_keys(values["ONTHAAL_TRACKER_KEYS"])) == 1
    settings = Settings(
        ONTHAAL_ENV="production",
        ONTHAAL_WEBHOOK_SECRET=values["ONTHAAL_WEBHOOK_SECRET"],
        ONTHAAL_DATA_KEYS=values["ONTHAAL_DATA_KEYS"],
    )
    assert not settings.is_development
    again = deploy_secrets.generate()
    assert all(values[name] != again[name] for name in deploy_secrets.SERVICE_SECRETS + ("POSTGRES_PASSWORD",))


def test_the_generator_keeps_what_exists_and_rebuilds_a_url_with_the_stores_password(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    deploy_secrets.write_files(folder, deploy_secrets.generate())
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o644}
    before = {path.name: path.read_text() for path in folder.iterdir()}
    (folder / "bot_database_url").unlink()
    assert deploy_secrets.write_files(folder, deploy_secrets.generate()) == ["bot_database_url"]
    after = {path.name: path.read_text() for path in folder.iterdir()}
    assert after == before  # the same password, so the same URL
    env_file = tmp_path / "secrets.env"
    assert "ONTHAAL_REDIS_URL" in deploy_secrets.write_env(env_file, deploy_secrets.generate())
    assert env_file.stat().st_mode & 0o777 == 0o600
    assert deploy_secrets.write_env(env_file, deploy_secrets.generate()) == []
