"""The action server checks every intake against schemas/intake-v3.schema.json before it queues it."""

from __future__ import annotations

import copy

from bot.delivery.intake_schema import SCHEMA_PATH, schema_problems
from tests.bot.intakes import valid_intake


def test_the_check_is_against_version_3():
    assert SCHEMA_PATH.name == "intake-v3.schema.json"


def test_a_v3_intake_passes_with_and_without_the_new_answers():
    intake = valid_intake("ONT-AAAAA2")
    assert schema_problems(intake) == []

    intake["answers"].update(social_worker="Sara, OCMW Ledeberg", help_with=["work", "papers", "dutch"])
    intake["answers"]["contact_method"] = "social_worker"
    assert schema_problems(intake) == []
    intake["answers"]["help_with"] = []
    assert schema_problems(intake) == []


def test_each_v3_field_is_checked_and_named_by_its_place_in_the_schema_only():
    def problems(change) -> list[str]:
        intake = copy.deepcopy(valid_intake("ONT-AAAAA2"))
        change(intake)
        return schema_problems(intake)

    assert problems(lambda intake: intake.pop("status_code")) == ["required/status_code"]
    assert problems(lambda intake: intake.update(status_code="48291")) == ["properties/status_code/pattern"]
    assert problems(lambda intake: intake.update(status_code=482913)) == ["properties/status_code/type"]
    assert problems(lambda intake: intake["answers"].pop("help_with")) == ["properties/answers/required/help_with"]
    duplicated = problems(lambda intake: intake["answers"].update(help_with=["work", "work"]))
    assert duplicated == ["properties/answers/properties/help_with/anyOf"]
    unknown = problems(lambda intake: intake["answers"].update(help_with=["cooking"]))
    assert unknown == ["properties/answers/properties/help_with/anyOf"]
    too_long = problems(lambda intake: intake["answers"].update(social_worker="Sara " * 50))
    assert too_long == ["properties/answers/properties/social_worker/anyOf"]
    assert "Sara" not in " ".join(too_long)


def test_a_v2_intake_no_longer_passes():
    intake = valid_intake("ONT-AAAAA2")
    intake["schema_version"] = 2
    del intake["status_code"]
    for field in ("social_worker", "help_with"):
        del intake["answers"][field]

    assert schema_problems(intake) == [
        "properties/answers/required/social_worker,help_with",
        "properties/schema_version/const",
        "required/status_code",
    ]
