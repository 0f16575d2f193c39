""" "What happens now?": the reference and code found in what a person types, and the status action's answers."""

from __future__ import annotations

import pytest

from bot.nlu.status_request import status_request


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ONT-ABC234 123456", {"reference": "ONT-ABC234", "code": "123456"}),
        ("my reference is ont-abc234 and my code 123 456", {"reference": "ONT-ABC234", "code": "123456"}),
        ("ONT ABC234", {"reference": "ONT-ABC234"}),
        ("Моят номер е ONT-XYZ789, кодът 654321", {"reference": "ONT-XYZ789", "code": "654321"}),
        ("what happens now?", {}),
        ("Wat gebeurt er nu?", {}),
        ("ce se întâmplă acum", {}),
        ("حالا چه می شود؟", {}),
    ],
)
def test_a_status_request_is_found_in_any_language(typed, expected):
    assert status_request(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "Ionel",
        "my number is 0470 12 34 56",
        "ONT-ABC1O4 123456",  # 1 and O are not in the reference alphabet
        "CONT-ABC234",
        "I want to know what happens now with my brother who is ill and lives far away " * 5,
        "",
        None,
    ],
)
def test_other_messages_are_not_a_status_request(typed):
    assert status_request(typed) is None
