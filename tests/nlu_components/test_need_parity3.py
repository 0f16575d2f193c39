"""Dari short answers, round 3 (issue 14, branch `parity3`): the classes a new parallel probe
(`tests/nlu_components/probe_parity3/`) showed missing or wrong in Dari, each in other persons, tenses and
spellings; found, and not found when denied, past or someone else's."""

from __future__ import annotations

import pytest

from bot.nlu.needs import extract


def _needs(text: str) -> set[str]:
    return {mention.need for mention in extract(text)}


@pytest.mark.parametrize(
    "text",
    [
        "مرا از خانه بیرون کردند",
        "صاحب خانه ما را از خانه بیرون کرد",
        "از خانه بیرونم کردند",
        "از خونه بیرونمون کردن",
        "میخواهند ما را از خانه بیرون کنند",
        "az khana birun kadan",
    ],
)
def test_being_put_out_of_the_house_is_housing(text: str):
    assert "housing" in _needs(text)


@pytest.mark.parametrize(
    "text",
    [
        "از خانه بیرون نمیرم",
        "صبح از خانه بیرون میشوم و شام برمیگردم",
        "شوهرم نمیگذارد از خانه بیرون شوم",
        "هر روز از خانه بیرون میرم که قدم بزنم",
        "az khana birun namerom",
    ],
)
def test_going_out_of_the_house_or_staying_in_is_no_housing_need(text: str):
    assert "housing" not in _needs(text)
