"""The intake contract: checked-in JSON Schema, ids agreeing with config/, the signing helper."""

import json
import subprocess
import sys
import time

import pytest
import yaml

from coach import reference
from coach.schemas import (
    HELP_DOMAINS,
    IntakeIn,
    IntakeV2In,
    IntakeV3In,
    NeedId,
    intake_json_schema,
    intake_json_schema_text,
)
from coach.settings import CONFIG_DIR, REPO_ROOT, generate_webhook_secret
from coach.signing import WebhookVerificationError, sign, verify

SCHEMA_FILE = REPO_ROOT / "schemas" / "intake-v1.schema.json"


@pytest.mark.parametrize("version", [1, 2, 3])
def test_checked_in_schema_equals_a_fresh_export(version):
    checked_in = REPO_ROOT / "schemas" / f"intake-v{version}.schema.json"
    assert checked_in.read_text(encoding="utf-8") == intake_json_schema_text(version)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_export_tool_writes_the_schema(tmp_path, version):
    output = tmp_path / "intake.schema.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "tools" / "export_schema.py"),
            "--version",
            str(version),
            "--output",
            str(output),
        ],
        check=True,
        capture_output=True,
    )

    assert json.loads(output.read_text(encoding="utf-8")) == intake_json_schema(version)


def test_schema_v2_lists_every_need_in_the_checklist_and_the_flags():
    schema = intake_json_schema(2)
    assert schema["$id"].endswith("v2") and "version 2" in schema["title"]
    assert schema["properties"]["schema_version"]["const"] == 2
    checklist = schema["$defs"]["Checklist"]
    assert checklist["required"] == list(NeedId.__args__)
    assert checklist["additionalProperties"] is False
    assert set(schema["required"]) == set(IntakeV2In.model_fields)


def test_schema_v3_is_v2_with_a_required_status_code_and_two_more_answers():
    v2, v3 = intake_json_schema(2), intake_json_schema(3)
    assert v3["$id"].endswith("v3") and "version 3" in v3["title"]
    assert v3["properties"]["schema_version"]["const"] == 3
    assert set(v3["required"]) == set(v2["required"]) | {"status_code"}
    assert v3["properties"]["status_code"] == {"pattern": "^[0-9]{6}$", "title": "Status Code", "type": "string"}
    answers_v2, answers_v3 = v2["$defs"]["AnswersV2In"], v3["$defs"]["AnswersV3In"]
    assert set(answers_v3["required"]) == set(answers_v2["required"]) | {"social_worker", "help_with"}
    assert answers_v3["additionalProperties"] is False
    social_worker = answers_v3["properties"]["social_worker"]["anyOf"]
    assert {"maxLength": 200, "minLength": 1, "type": "string"} in social_worker and {"type": "null"} in social_worker
    help_with = answers_v3["properties"]["help_with"]["anyOf"][0]
    assert help_with["items"]["enum"] == list(HELP_DOMAINS)
    assert HELP_DOMAINS == ("work", "money", "home", "health", "papers", "family", "reading", "dutch", "other")
    assert help_with["maxItems"] == 9 and help_with["uniqueItems"] is True


def test_architecture_v3_example_is_valid_and_its_limits_hold(intake_v3):
    intake = IntakeV3In.model_validate_json(json.dumps(intake_v3()), strict=True)
    assert intake.status_code == "483920"
    assert intake.answers.social_worker == "Sara, OCMW Ledeberg"
    assert intake.answers.help_with == ["work", "money", "papers"]

    def refused(**answers):
        body = intake_v3()
        body["answers"].update(answers)
        with pytest.raises(ValueError):
            IntakeV3In.model_validate_json(json.dumps(body), strict=True)

    refused(help_with=["work", "work"])
    refused(help_with=["cooking"])
    refused(social_worker="x" * 201)
    refused(social_worker="")
    for code in ("48392", "4839201", "48392a", "٤٨٣٩٢٠", None):
        with pytest.raises(ValueError):
            IntakeV3In.model_validate_json(json.dumps(intake_v3(status_code=code)), strict=True)
    without = {key: value for key, value in intake_v3().items() if key != "status_code"}
    with pytest.raises(ValueError):
        IntakeV3In.model_validate_json(json.dumps(without), strict=True)


def test_architecture_v2_example_is_valid_once_its_checklist_is_complete(intake_v2):
    intake = IntakeV2In.model_validate_json(json.dumps(intake_v2()), strict=True)

    assert intake.answers.income == "leefloon"
    assert intake.messages[0].language == "bg"


def test_schema_names_version_1_and_its_enums_come_from_config():
    schema = intake_json_schema()
    assert schema["$id"].endswith("v1")
    assert "version 1" in schema["title"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["schema_version"]["const"] == 1
    neighbourhood = schema["$defs"]["AnswersIn"]["properties"]["neighbourhood"]["anyOf"][0]
    config = yaml.safe_load((CONFIG_DIR / "neighbourhoods.yml").read_text(encoding="utf-8"))
    expected = [item["id"] for item in config["neighbourhoods"] + config["special"]]
    assert neighbourhood["enum"] == expected
    assert len(expected) == 27


def test_need_ids_are_the_twenty_of_config():
    config = yaml.safe_load((CONFIG_DIR / "needs.yml").read_text(encoding="utf-8"))

    assert list(NeedId.__args__) == [item["id"] for item in config["needs"]]
    assert len(NeedId.__args__) == 20
    assert list(reference.needs()) == list(NeedId.__args__)


def test_architecture_example_is_valid():
    document = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    example = document.split("## The intake hand-off")[1].split("```json")[1].split("```")[0]

    intake = IntakeIn.model_validate_json(example, strict=True)

    assert intake.reference == "ONT-7K3M9Q"
    assert [need.id for need in intake.needs] == ["housing", "financial_need"]


def test_sign_and_verify_round_trip():
    secret = generate_webhook_secret()
    body = b'{"a": 1}'
    now = int(time.time())
    headers = sign(secret, "msg_1", now, body)

    assert headers["webhook-signature"].startswith("v1,")
    assert verify(secret, headers, body) == "msg_1"
    with pytest.raises(WebhookVerificationError):
        verify(secret, headers, body + b" ")
    with pytest.raises(WebhookVerificationError):
        verify(secret, {**headers, "webhook-id": "msg_2"}, body)
    with pytest.raises(WebhookVerificationError, match="5 minutes"):
        verify(secret, headers, body, now=now + 301)
    assert verify(secret, headers, body, now=now + 299) == "msg_1"


def test_signature_matches_the_standard_webhooks_reference_vector():
    # Test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # noqa: S105  (public test vector)
    body = b'{"test": 2432232314}'
    headers = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)

    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
