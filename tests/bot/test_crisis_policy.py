"""Words of crisis are recognised in every language, also when the intent classifier misses them."""

from __future__ import annotations

import pytest

from bot.policies.crisis import mentions_crisis


@pytest.mark.parametrize(
    "text",
    [
        "ik heb schulden en zie het niet meer zitten",
        "Sometimes I want to kill myself",
        "Не искам да живея повече",
        "nechcem uz zit",
        "Nu mai vreau să trăiesc",
        "نمی‌خواهم زنده باشم",
        "my husband beats me",
    ],
)
def test_words_of_crisis(text):
    assert mentions_crisis(text)


@pytest.mark.parametrize(
    "text",
    ["I have no money", "ik zoek werk in de keuken", "/crisis", "", None, "he hits the ball hard"],
)
def test_ordinary_hardship_is_not_a_crisis(text):
    assert not mentions_crisis(text)


def test_dari_typed_on_an_arabic_keyboard_is_the_same_crisis() -> None:
    persian = "نمی‌خواهم زنده باشم"  # Persian yeh (ی)
    arabic = persian.replace("ی", "ي")  # the same words typed with the Arabic yeh (ي)
    assert arabic != persian
    assert mentions_crisis(persian) and mentions_crisis(arabic)
    assert mentions_crisis("خودكشي")  # Arabic kaf and yeh in "خودکشی"
    assert mentions_crisis("نمي خواهم زنده باشم")  # and the verb prefix typed with a space
