"""bot/rasa_patches.py: Rasa does the same with less work (the cached validator still rejects bad action results,
events resolve to the same classes, the actions never read what the smaller domain leaves out, the folded-on
applied events are Rasa's)."""

from __future__ import annotations

import asyncio
import json
import random
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor

from bot import rasa_patches

ROOT = Path(__file__).resolve().parents[2]
ORIGINAL_APPLIED_EVENTS = DialogueStateTracker.applied_events
rasa_patches.apply()


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


def remote_action(name: str = "validate_intake_form") -> RemoteAction:
    return RemoteAction(name, EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize(
    "bad",
    [
        {"events": "not a list"},
        {"events": [{"event": "slot", "name": "language", "value": "nl", "timestamp": "now"}]},
        {"events": [{"event": "no_such_event"}]},
        {"events": [], "responses": ["utter_welcome"]},
    ],
)
def test_the_cached_validator_still_rejects_a_bad_action_result(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        remote_action()._validate_action_result(bad)
    assert "Failed to validate Action server response" in error.value.message


def test_the_cached_validator_accepts_what_the_action_server_sends() -> None:
    good = {
        "events": [
            {"event": "slot", "name": "language", "value": "nl", "timestamp": None},
            {"event": "active_loop", "name": None, "timestamp": None},
        ],
        "responses": [{"response": "utter_welcome", "buttons": [], "elements": [], "custom": {}}],
    }
    assert remote_action()._validate_action_result(good) is True


def test_the_cached_validator_picks_the_error_jsonschema_validate_picks() -> None:
    from jsonschema import validate

    bad = {"events": [{"event": "slot", "name": 3}, {"event": "user", "text": 5}], "responses": "x"}
    with pytest.raises(ValidationError) as plain:
        validate(bad, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as cached:
        remote_action()._validate_action_result(bad)
    assert cached.value.message.startswith(plain.value.message)
    assert list(cached.value.path) == list(plain.value.path)


def test_every_event_type_resolves_to_the_class_rasa_finds() -> None:
    for cls in all_subclasses(Event):
        if getattr(cls, "type_name", None):
            first = next(c for c in all_subclasses(Event) if c.type_name == cls.type_name)
            assert Event.resolve_by_type(cls.type_name) is first
            assert Event.resolve_by_type(cls.type_name) is first  # cached the second time
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet


def test_an_unknown_event_name_is_still_refused() -> None:
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


def a_tracker(domain: Domain) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("/choose_language", {"name": "choose_language", "confidence": 1.0}),
        SlotSet("language", "nl"),
    ]
    return DialogueStateTracker.from_events("web-test", events, domain.slots)


def test_the_action_server_gets_the_domain_without_its_responses(domain: Domain) -> None:
    body = remote_action()._action_call_format(a_tracker(domain), domain)
    full = domain.as_dict()
    assert "responses" not in body["domain"]
    assert body["domain"] == {key: value for key, value in full.items() if key != "responses"}
    assert body["domain"]["forms"] == full["forms"] and body["domain"]["slots"] == full["slots"]
    # 330 KB -> a few: the responses were nearly all of it
    assert len(json.dumps(body["domain"])) < len(json.dumps(full)) / 10


def test_the_encoded_body_is_the_body(domain: Domain) -> None:
    body = remote_action()._action_call_format(a_tracker(domain), domain)
    encoded = rasa_patches.ActionRequestEncoder(rasa_patches.SENT_DOMAIN)(body)
    assert json.loads(encoded) == json.loads(json.dumps(body))
    other = {"domain": {"slots": {}}, "x": 1}  # not the cached domain: plain json.dumps
    assert rasa_patches.ActionRequestEncoder(rasa_patches.SENT_DOMAIN)(other) == json.dumps(other)


# They send to the coach service or to Rasa's API; none of them takes anything from the domain either.
SENDING_ACTIONS = ("action_submit_intake", "action_talk_to_person", "action_stop", "action_start_again")
SENDING_ACTIONS += ("action_intake_status",)


class WatchedDomain(dict):
    """A domain dict that notes which of its keys are read."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


def test_the_actions_never_read_what_the_domain_no_longer_carries(domain: Domain, monkeypatch, tmp_path) -> None:
    """Every action of the action server, run by its executor on a question turn of the intake, with a domain
    that notes what is read: nothing of DOMAIN_KEYS_NOT_SENT (rasa_sdk's forms read `forms` and `slots`)."""
    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(tmp_path / "outbox.sqlite3"))
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    tracker = a_tracker(domain)
    for event in [SlotSet("consent", True), SlotSet("requested_slot", "contact_name"), ActionExecuted("intake_form")]:
        tracker.update(event)
    tracker.update(UserUttered("Ana", {"name": "inform", "confidence": 1.0}))
    body = remote_action()._action_call_format(tracker, domain)
    assert set(executor.actions) >= {"validate_intake_form", "action_ask_contact_method"}
    read: set[str] = set()
    ran = []
    for name in executor.actions:
        if name in SENDING_ACTIONS:
            continue
        sent = WatchedDomain(body["domain"])
        try:
            asyncio.run(executor.run({**body, "next_action": name, "domain": sent}))
        except Exception:  # noqa: BLE001, S112 (an action that needs another moment of the conversation)
            continue
        ran.append(name)
        read |= sent.read
    assert "validate_intake_form" in ran and len(ran) >= 10, ran
    assert not read & set(rasa_patches.DOMAIN_KEYS_NOT_SENT), read


def random_events(rng: random.Random, length: int) -> list[Event]:
    """Events as a conversation with forms has them: loops that start, run, get rejected and stop, reverted
    utterances and actions, restarts and new sessions, and a second form that appears only late."""
    forms = ["intake_form"]
    events: list[Event] = []
    for position in range(length):
        if position == length // 2:
            forms.append("other_form")
        form = rng.choice(forms)
        choices: list[Event] = [
            ActionExecuted("action_listen"),
            UserUttered("hi", {"name": "inform", "confidence": 1.0}),
            ActionExecuted(form),
            ActionExecuted(form),
            ActiveLoop(form),
            ActiveLoop(None),
            ActionExecutionRejected(form),
            ActionExecuted("utter_why"),
            SlotSet("language", rng.choice(["nl", "en"])),
            UserUtteranceReverted(),
            ActionReverted(),
            Restarted() if rng.random() < 0.1 else SlotSet("consent", True),
            SessionStarted() if rng.random() < 0.1 else ActionExecuted("action_listen"),
        ]
        events.append(rng.choice(choices))
    return events


@pytest.mark.parametrize("seed", range(40))
def test_applied_events_folded_on_are_the_events_rasa_applies(seed: int) -> None:
    rng = random.Random(seed)
    events = random_events(rng, rng.randrange(5, 120))
    tracker = DialogueStateTracker("web-test", [])
    for event in events:
        tracker.update(event)
        if rng.random() < 0.5:  # asked now and then, as Rasa does during a turn
            fresh = DialogueStateTracker("web-test", [])
            fresh.events.extend(tracker.events)
            assert tracker.applied_events() == ORIGINAL_APPLIED_EVENTS(fresh)
    assert tracker.applied_events() == ORIGINAL_APPLIED_EVENTS(tracker)
    copied = tracker.copy()  # a copy replays from its own events
    assert copied.applied_events() == ORIGINAL_APPLIED_EVENTS(copied)


def test_the_fold_starts_again_when_the_events_are_replaced_or_the_oldest_dropped() -> None:
    tracker = DialogueStateTracker("web-test", [])
    for event in random_events(random.Random(1), 60):
        tracker.update(event)
    tracker.applied_events()
    tracker.events = deque([ActionExecuted("action_listen")])
    assert tracker.applied_events() == [ActionExecuted("action_listen")]
    # a conversation kept to its last events (Rasa's max_event_history): the oldest go as new ones come
    limited = DialogueStateTracker("web-test", [], max_event_history=5)
    for event in random_events(random.Random(2), 40):
        limited.update(event)
        assert limited.applied_events() == ORIGINAL_APPLIED_EVENTS(limited)


def test_the_result_is_the_callers_to_change() -> None:
    tracker = DialogueStateTracker("web-test", [])
    tracker.update(ActionExecuted("action_listen"))
    tracker.applied_events().append(ActionExecuted("utter_why"))
    assert tracker.applied_events() == [ActionExecuted("action_listen")]


MODEL = ROOT / "bot" / "models" / "onthaal.tar.gz"
PAYLOADS = [
    "/greet",
    '/choose_language{"language":"nl"}',
    '/choose{"choice":"work"}',
    '/choose_neighbourhood{"neighbourhood":"centrum"}',
    "/skip",
    "/done",
    "/affirm",
    "/why_ask",
    "  /deny  ",
    "/greet@0.4",
    "/ greet",
    '/choose{"choice":"work","language":"en"}',
]
NOT_UNPACKED = [
    "/no_such_intent",  # unknown intent: RegexMessageHandler leaves the pipeline's result
    '/choose{"choice": broken',  # does not parse as entities: the pipeline runs (Rasa warns)
    "/",
    "I need help finding work",
    "Ik zoek werk",
    "ONT-7K2M-4Q",
]


@pytest.fixture(scope="module")
def processor() -> Any:
    if not MODEL.exists():
        pytest.skip("no trained model (make train)")
    from rasa.core.agent import load_agent

    agent = asyncio.run(load_agent(model_path=str(MODEL)))
    return agent.processor


def parse_both(processor: Any, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    from rasa.core.channels.channel import UserMessage
    from rasa.core.processor import MessageProcessor

    patched = MessageProcessor._parse_message_with_graph
    tracker = DialogueStateTracker.from_events("web-test", [])
    ours = patched(processor, UserMessage(text, sender_id="web-test"), tracker)
    rasas = patched.__wrapped__(processor, UserMessage(text, sender_id="web-test"), tracker)
    return ours, rasas


@pytest.mark.parametrize("text", PAYLOADS + NOT_UNPACKED)
def test_a_message_parses_as_the_whole_pipeline_parses_it(processor: Any, text: str) -> None:
    ours, rasas = parse_both(processor, text)
    assert ours == rasas


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_payload_skips_the_pipeline(processor: Any, text: str, monkeypatch) -> None:
    runs = []
    original_run = processor.graph_runner.run
    monkeypatch.setattr(processor.graph_runner, "run", lambda *a, **k: runs.append(1) or original_run(*a, **k))
    from rasa.core.channels.channel import UserMessage

    parsed = processor._parse_message_with_graph(UserMessage(text), DialogueStateTracker.from_events("web-test", []))
    assert runs == []
    assert parsed["intent"]["name"] == text.strip()[1:].split("{")[0].split("@")[0].strip()


@pytest.mark.parametrize("text", NOT_UNPACKED)
def test_anything_else_runs_the_pipeline(processor: Any, text: str, monkeypatch) -> None:
    runs = []
    original_run = processor.graph_runner.run
    monkeypatch.setattr(processor.graph_runner, "run", lambda *a, **k: runs.append(1) or original_run(*a, **k))
    from rasa.core.channels.channel import UserMessage

    processor._parse_message_with_graph(UserMessage(text), DialogueStateTracker.from_events("web-test", []))
    assert runs == [1]


def test_action_calls_reuse_one_connection_and_each_gets_its_own_answer() -> None:
    """Rasa's EndpointConfig.request, as RemoteAction calls it: one TCP connection for consecutive calls."""
    from aiohttp import web

    async def scenario() -> tuple[list[Any], set[Any]]:
        peers: set[Any] = set()

        async def webhook(request: web.Request) -> web.Response:
            peers.add(request.transport.get_extra_info("peername"))
            body = await request.json()
            return web.json_response({"events": [], "responses": [], "echo": body["n"]})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            answers = [await endpoint.request(json={"n": n}, method="post") for n in range(5)]
            first = endpoint.session()
            assert endpoint.session() is first and not first.session.closed  # kept after `async with`
        finally:
            await endpoint.session().session.close()
            await runner.cleanup()
        return answers, peers

    answers, peers = asyncio.run(scenario())
    assert [answer["echo"] for answer in answers] == list(range(5))
    assert len(peers) == 1


def test_a_new_event_loop_gets_a_new_session() -> None:
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")

    async def session() -> Any:
        kept = endpoint.session()
        await kept.session.close()
        return kept

    assert asyncio.run(session()) is not asyncio.run(session())


def random_answer(rng: random.Random) -> Any:
    """An action server's answer, valid or broken in one of the ways a schema can tell."""
    kinds = [branch["properties"]["event"]["const"] for branch in SCHEMA_BRANCHES]
    events: list[Any] = []
    for _ in range(rng.randrange(0, 6)):
        kind = rng.choice([*kinds, "slot", "slot", "bot", "action", "no_such_event", 3, None])
        event: dict[str, Any] = {"event": kind} if kind is not None else {}
        if kind == "slot":
            event.update(rng.choice([{"name": "language", "value": "nl"}, {"name": 3, "value": 1}, {"name": "x"}]))
        elif kind == "action":
            event.update(rng.choice([{"name": "utter_why"}, {"name": None, "policy": 3}, {"hide_rule_turn": "no"}]))
        elif kind == "user":
            event.update(
                rng.choice([{"text": "hi", "parse_data": {"intent": {"name": "x", "confidence": 1}}}, {"text": 5}])
            )
        elif kind == "entities":
            event.update(rng.choice([{"entities": [{"entity": "need", "value": "money"}]}, {"entities": [{}]}, {}]))
        event["timestamp"] = rng.choice([None, 1.5, "now"]) if rng.random() < 0.3 else None
        events.append(rng.choice([event, event, event, "not an event"]) if rng.random() < 0.1 else event)
    answer: dict[str, Any] = {"events": events}
    if rng.random() < 0.5:
        answer["responses"] = rng.choice([[{"text": "hi"}], ["utter_welcome"], "x", []])
    return rng.choice([answer, answer, answer, {"events": "not a list"}, [], "x"])


SCHEMA_BRANCHES = RemoteAction.action_response_format_spec()["properties"]["events"]["items"]["oneOf"]


def test_checking_each_event_by_its_kind_accepts_exactly_what_the_whole_schema_accepts() -> None:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    whole = validator_for(schema)(schema)
    by_kind = rasa_patches.EventsByKind.of(schema, validator_for(schema))
    assert by_kind is not None
    rng = random.Random(13)
    verdicts = {True: 0, False: 0}
    for _ in range(3000):
        answer = random_answer(rng)
        verdict = whole.is_valid(answer)
        assert by_kind.is_valid(answer) == verdict, answer
        verdicts[verdict] += 1
    assert min(verdicts.values()) > 300  # both kinds of answer were tried, many times


def test_a_schema_of_another_shape_is_checked_whole() -> None:
    from jsonschema.validators import validator_for

    schema = {"type": "object", "properties": {"events": {"type": "array", "items": {"oneOf": [{"type": "object"}]}}}}
    assert rasa_patches.EventsByKind.of(schema, validator_for(schema)) is None


@pytest.mark.parametrize("seed", range(10))
def test_a_copied_tracker_folds_on_from_where_its_original_was(seed: int) -> None:
    from bot.tracker_events import copy_tracker

    rng = random.Random(seed)
    tracker = DialogueStateTracker("web-test", [])
    for event in random_events(rng, rng.randrange(5, 80)):
        tracker.update(event)
    tracker.applied_events()
    copied = copy_tracker(tracker)
    memo = copied.__dict__[rasa_patches.APPLIED_EVENTS_KEY]
    assert memo is not tracker.__dict__[rasa_patches.APPLIED_EVENTS_KEY] and memo.count == len(tracker.events)
    for event in random_events(rng, 20):
        copied.update(event)
        assert copied.applied_events() == ORIGINAL_APPLIED_EVENTS(copied)
    assert tracker.applied_events() == ORIGINAL_APPLIED_EVENTS(tracker)  # the original is untouched
