"""The action server gets the current turn and a few earlier events (bot/sent_events.py): every reader of
`tracker.events` in the actions answers on what is sent as on the whole conversation."""

from __future__ import annotations

import ast
import random
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker

from bot import rasa_patches, sent_events
from bot.actions.intake_form import _person_just_spoke
from bot.intake.intake import staff_remarks

ROOT = Path(__file__).resolve().parents[2]
rasa_patches.apply()

# Every place in the bot that reads a conversation's events, as (file, function): each is compared below.
READERS = {
    ("bot/actions/intake_form.py", "_person_just_spoke"),
    ("bot/actions/asking.py", "run"),  # ActionAskConsent: was_uttered(tracker.events, "utter_ask_consent")
    ("bot/intake/intake.py", "staff_remarks"),
}


def event_readers() -> set[tuple[str, str]]:
    """(file, function) of every `<something>.events` read in bot/actions and bot/intake."""
    found = set()
    for path in [*ROOT.glob("bot/actions/*.py"), *ROOT.glob("bot/intake/*.py")]:
        tree = ast.parse(path.read_text("utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Attribute) and node.attr == "events" and isinstance(node.ctx, ast.Load):
                    found.add((str(path.relative_to(ROOT)), function.name))
    return found


def test_every_reader_of_the_events_is_one_this_file_checks() -> None:
    assert event_readers() == READERS, "a new reader of tracker.events: add what it reads to bot/sent_events.py"


def random_conversation(rng: random.Random, turns: int) -> list[dict[str, Any]]:
    """Events as the intake has them: turns of the form, rules answering in between, reception remarks now and
    then, the consent question said or not, intakes that end and begin again, new sessions."""
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}]
    for _ in range(turns):
        metadata: dict[str, Any] = {}
        if rng.random() < 0.2:
            metadata = {"onthaal_assisted_by": rng.choice(["ana", "bo"]), "onthaal_remarks": [f"remark {rng.random()}"]}
        events += [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": "x", "parse_data": {"intent": {"name": "inform"}}, "metadata": metadata},
            {"event": "user_featurization", "use_text_for_featurization": False},
        ]
        for _ in range(rng.randrange(0, 4)):
            kind = rng.random()
            if kind < 0.3:
                events.append(
                    {"event": "action", "name": rng.choice(["intake_form", "utter_why", "action_ask_consent"])}
                )
            elif kind < 0.5:
                events.append({"event": "slot", "name": rng.choice(["language", "consent"]), "value": rng.random()})
            elif kind < 0.7:
                response = rng.choice(["utter_ask_consent", "utter_welcome", "utter_why"])
                events.append({"event": "bot", "text": "t", "metadata": {"utter_action": response}})
            elif kind < 0.8:
                events.append({"event": "active_loop", "name": rng.choice(["intake_form", None])})
            elif kind < 0.9:
                events.append({"event": "action", "name": rng.choice(sorted(sent_events.INTAKE_ENDS))})
            else:
                events += [{"event": "action", "name": "action_session_start"}, {"event": "session_started"}]
    return events


def sent(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    objects = [Event.from_parameters(event) for event in events]
    return [event.as_dict() for event in rasa_patches.events_to_send(objects)]


def sdk_tracker(events: list[dict[str, Any]]) -> Tracker:
    return Tracker("web-test", {}, {}, events, False, None, {}, "action_listen")


@pytest.mark.parametrize("seed", range(60))
def test_every_reader_answers_on_what_is_sent_as_on_the_whole_conversation(seed: int) -> None:
    rng = random.Random(seed)
    whole = random_conversation(rng, rng.randrange(1, 40))
    for end in sorted({len(whole), *rng.sample(range(1, len(whole) + 1), min(8, len(whole)))}):
        everything = sdk_tracker(whole[:end])
        part = sdk_tracker(sent(whole[:end]))
        assert _person_just_spoke(part) == _person_just_spoke(everything)
        assert staff_remarks(part) == staff_remarks(everything)
        for response in sent_events.SAID_ONCE:
            assert sent_events.was_uttered(part.events, response) == sent_events.was_uttered(
                everything.events, response
            )
        assert part.slots_to_validate() == everything.slots_to_validate()


PARSED = {"intent": {"name": "inform", "confidence": 1.0}, "entities": []}


def test_the_current_turn_is_sent_whole_and_the_rest_only_where_read() -> None:
    whole = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/affirm", "parse_data": PARSED, "metadata": {}},
        {"event": "bot", "text": "Welkom", "metadata": {"utter_action": "utter_welcome"}},
        {"event": "bot", "text": "Mag ik?", "metadata": {"utter_action": "utter_ask_consent"}},
        {"event": "slot", "name": "consent", "value": True},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "Ana", "parse_data": PARSED, "metadata": {"onthaal_remarks": ["komt met haar zus"]}},
        {"event": "action", "name": "intake_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "Jan", "parse_data": PARSED, "metadata": {}},
        {"event": "slot", "name": "contact_name", "value": "Jan"},
    ]
    kept = sent(whole)
    assert [event["event"] for event in kept] == ["bot", "user", "action", "user", "slot"]
    assert kept[0]["metadata"]["utter_action"] == "utter_ask_consent"
    assert kept[1]["metadata"]["onthaal_remarks"] == ["komt met haar zus"] and kept[1]["text"] == "Ana"
    assert [(event["event"], event.get("name"), event.get("text")) for event in kept[2:]] == [
        (event["event"], event.get("name"), event.get("text")) for event in whole[8:]
    ]


def test_the_action_call_carries_what_is_sent_and_rasas_own_state(tmp_path) -> None:
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    events = [Event.from_parameters(event) for event in random_conversation(random.Random(3), 30)]
    tracker = DialogueStateTracker.from_events("web-test", events, domain.slots)
    body = RemoteAction("action_ask_consent", EndpointConfig("http://127.0.0.1:1/webhook"))._action_call_format(
        tracker, domain
    )
    whole_state = tracker.current_state(rasa_patches_event_verbosity_all())
    assert body["tracker"]["events"] == [event.as_dict() for event in rasa_patches.events_to_send(tracker.events)]
    assert len(body["tracker"]["events"]) < len(whole_state["events"])
    assert {key: value for key, value in body["tracker"].items() if key != "events"} == {
        key: value for key, value in whole_state.items() if key != "events"
    }
    assert "current_state" not in tracker.__dict__  # the tracker is left as it was


def rasa_patches_event_verbosity_all() -> Any:
    from rasa.shared.core.trackers import EventVerbosity

    return EventVerbosity.ALL
