"""The JSON API for logged-in users, and the admin command that makes the first account."""

import logging
import os
import subprocess
import sys

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from coach.main import create_app
from coach.settings import REPO_ROOT, Settings, generate_webhook_secret, get_settings
from tests.coach.conftest import log_in


def test_api_lists_the_inbox_and_exports_one_intake(intake_v2, coach_client, post_intake):
    assert post_intake(intake_v2(flags=["crisis"])).status_code == 201
    assert post_intake(intake_v2(reference="ONT-BBBBBB", language="sk")).status_code == 201

    listed = coach_client.get("/api/v1/intakes", params={"urgency": "crisis"}).json()
    assert [row["reference"] for row in listed] == ["ONT-7K3M9Q"]
    assert listed[0]["flags"] == ["crisis"] and listed[0]["team"] == "west"
    assert "answers" not in listed[0]  # the inbox carries no personal data
    found = coach_client.get("/api/v1/intakes?q=milena").json()
    assert [row["reference"] for row in found] == ["ONT-7K3M9Q", "ONT-BBBBBB"]  # the crisis first

    exported = coach_client.get("/api/v1/intakes/ONT-BBBBBB").json()
    assert exported["intake"]["language"] == "sk" and exported["intake"]["answers"]["name"] == "Milena"
    assert coach_client.get("/api/v1/intakes/ONT-ZZZZZZ").status_code == 404


def test_admin_command_creates_the_first_admin(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'coach.sqlite3'}"
    env = {
        **os.environ,
        "ONTHAAL_ENV": "production",
        "ONTHAAL_WEBHOOK_SECRET": generate_webhook_secret(),
        "ONTHAAL_DATA_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "ONTHAAL_NEW_PASSWORD": "a long enough passphrase",
    }
    command = [sys.executable, str(REPO_ROOT / "tools" / "coach_admin.py"), "create-user", "beheer", "--role", "admin"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "created admin beheer" in done.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert again.returncode != 0 and "exists" in again.stderr
    short = {**env, "ONTHAAL_NEW_PASSWORD": "short"}
    refused = subprocess.run([*command[:3], "kort", "--role", "coach"], env=short, capture_output=True, text=True)
    assert refused.returncode != 0 and "12 characters" in refused.stderr

    settings = Settings(
        _env_file=None,
        environment="production",
        webhook_secret=env["ONTHAAL_WEBHOOK_SECRET"],
        data_keys=env["ONTHAAL_DATA_KEYS"],
        database_url=database_url,
        retention_interval_seconds=0,
    )
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with TestClient(app, base_url="https://testserver") as client:
        assert log_in(client, "beheer", "a long enough passphrase").status_code == 303
        assert client.get("/coach/audit").status_code == 200


def test_development_without_data_keys_says_so_and_uses_a_throw_away_key(tmp_path, caplog):
    settings = Settings(
        _env_file=None,
        environment="development",
        webhook_secret=generate_webhook_secret(),
        database_url=f"sqlite:///{tmp_path / 'coach.sqlite3'}",
        retention_interval_seconds=0,
    )
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    with caplog.at_level(logging.WARNING), TestClient(app):
        pass
    assert "ONTHAAL_DATA_KEYS is not set" in caplog.text
