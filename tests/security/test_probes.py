"""Every probe of issue 11 (tests/security/probes.py) against a stack of real processes: each must be refused
or answered safely. The same probes run by hand against `make run` with `python -m tests.security.probes`."""

from __future__ import annotations

import pytest

from tests.security.probes import PROBES, Probe, Target
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def target(channel_stack) -> Target:
    return Target(
        rasa_url=channel_stack.rasa_url,
        actions_url=channel_stack.actions_url,
        coach_url=channel_stack.coach_url,
        rasa_jwt_secret=ensure_dotenv()["RASA_JWT_SECRET"],
    )


@pytest.mark.parametrize("probe", PROBES, ids=[probe.name for probe in PROBES])
def test_probe_is_refused_or_answered_safely(target: Target, probe: Probe) -> None:
    outcome = probe.run(target)
    assert outcome.safe, f"{probe.tried}: expected {probe.expected}, got {outcome.observed}"
