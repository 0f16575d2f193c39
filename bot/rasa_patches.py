"""Rasa 3.6's per-turn waste, removed: applied by bot/server.py before Rasa starts (`apply()`), each patch narrow.

Measured with the turn benchmark (tools/turn_bench.py) and py-spy on the Rasa server:
- `RemoteAction._validate_action_result` called `jsonschema.validate`, which checks the schema itself and builds
  a validator on every action call: a quarter of the server's time. One validator, checked once, does the same
  (`best_match` picks the same error, the same message is added).
- `Event.resolve_by_type` walks every subclass of Event (with `inspect.isabstract` on each) for every event it
  reads back from the action server. The class of a type name is looked up once.
- Every action call sent the whole domain: 330 KB of JSON, nearly all of it `responses` (every text in six
  languages), encoded by Rasa and decoded by the action server each time. The action server needs the domain's
  `slots` and `forms` only (rasa_sdk's FormValidationAction; bot/actions reads nothing from it), so it gets the
  domain without `responses`, encoded once: `ActionRequestEncoder` puts the cached JSON into the body.
- `DialogueStateTracker.applied_events` (the events minus reverted ones and collapsed form loops) went through
  the whole conversation on every call, copying the list at every form execution: quadratic in its length and
  called several times a turn (policies, the form, the action call), so that a later turn was slower. It is a
  left fold over the events, so the tracker keeps its result and folds in only the events added since
  (`AppliedEvents`); from scratch when the events were replaced or a form appears for the first time.
- A button's payload (`/intent{"entity": "value"}`) went through the whole NLU pipeline (featurizers, DIET, CRF:
  a sixth of the server's busy time) although the pipeline's last step, Rasa's RegexMessageHandler, throws all
  of it away and returns a new message made from the text and the domain alone (intent at confidence 1, its
  entities; nothing that LanguageDetector, NeedExtractor or StatusRequest added survives: both of ours ignore
  payloads anyway). So a payload that RegexMessageHandler would unpack is unpacked directly
  (`unpacked_payload`); anything else (typed text, a payload with an unknown intent or that does not parse) runs
  the pipeline as before.
- The check of the action server's answer, with one validator, still took 5 ms an answer: each event is tried
  against all 23 `oneOf` branches of Rasa's schema. Each branch requires its own `event` constant, so checking
  each event against its own kind's branch accepts exactly the same answers, ten times faster (`EventsByKind`);
  an answer it refuses goes through the whole schema, for Rasa's own error.
- Every action call sent the whole conversation, every earlier event turned into a dict and encoded again, so a
  turn grew slower as the conversation went on. The action server gets the current turn and, from before it,
  only the events that an action reads (bot/sent_events.py, `events_to_send`); Rasa's state (slots, latest
  message, active loop) is sent as before.
- Every action call opened a new HTTP session and TCP connection (`async with self.session()` in
  `EndpointConfig.request`). The session is now kept, one per endpoint and event loop (`KeptSession`), so its
  connections are reused; idle ones are dropped after KEEP_ALIVE_SECONDS, before the action server's own
  keep-alive timeout (Sanic's 5 s) could close one just as a call goes out on it.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from typing import Any

DOMAIN_KEYS_NOT_SENT = ("responses",)
KEEP_ALIVE_SECONDS = 2.0


class ActionResultValidator:
    """Rasa's check of an action server's answer (`RemoteAction.action_response_format_spec`), built once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        from jsonschema.validators import validator_for

        validator_class = validator_for(schema)
        validator_class.check_schema(schema)
        self.validator = validator_class(schema)
        self.by_kind = EventsByKind.of(schema, validator_class)

    def validate(self, result: Any) -> None:
        """Raises the error `jsonschema.validate` would raise (the best match), else returns."""
        from jsonschema.exceptions import best_match

        if self.by_kind is not None and self.by_kind.is_valid(result):
            return
        error = best_match(self.validator.iter_errors(result))
        if error is not None:
            raise error


class EventsByKind:
    """The same check as the whole schema's for a valid answer, in a fraction of the time: Rasa's schema says that
    each event matches exactly one of 23 `oneOf` branches, and each branch requires its own constant `event`, so an
    event can only match the branch of its own kind. Checking the answer without `oneOf`, then each event against
    its kind's branch alone, accepts exactly what the whole schema accepts (tests/bot/test_rasa_patches.py compares
    both on valid and broken answers); whatever this refuses goes to the whole schema for Rasa's own error."""

    def __init__(self, outline: Any, branches: dict[str, Any]) -> None:
        self.outline = outline
        self.branches = branches

    @classmethod
    def of(cls, schema: dict[str, Any], validator_class: Any) -> EventsByKind | None:
        """None when the schema does not have the shape this relies on (a later Rasa): the whole schema is used."""
        import copy

        try:
            items = schema["properties"]["events"]["items"]
            branches = items["oneOf"]
            kinds = [branch["properties"]["event"]["const"] for branch in branches]
        except (KeyError, TypeError):
            return None
        if "event" not in items.get("required", ()) or len(set(kinds)) != len(kinds):
            return None
        if not all(isinstance(kind, str) for kind in kinds):
            return None
        outline = copy.deepcopy(schema)
        del outline["properties"]["events"]["items"]["oneOf"]
        return cls(
            validator_class(outline),
            {kind: validator_class(branch) for kind, branch in zip(kinds, branches, strict=True)},
        )

    def is_valid(self, result: Any) -> bool:
        if not self.outline.is_valid(result):
            return False
        events = result.get("events", []) if isinstance(result, dict) else []
        for event in events:
            kind = event.get("event") if isinstance(event, dict) else None
            branch = self.branches.get(kind) if isinstance(kind, str) else None
            if branch is None or not branch.is_valid(event):
                return False
        return True


class SentDomain:
    """The domain as the action server gets it: without DOMAIN_KEYS_NOT_SENT, and its JSON, made once per domain."""

    def __init__(self) -> None:
        self._source: Any = None  # the Domain it was made from (kept, so that its id is never reused)
        self.value: dict[str, Any] = {}
        self.encoded = ""

    def of(self, domain: Any) -> dict[str, Any]:
        if domain is not self._source:
            full = domain.as_dict()
            self.value = {key: part for key, part in full.items() if key not in DOMAIN_KEYS_NOT_SENT}
            self.encoded = json.dumps(self.value)
            self._source = domain
        return self.value


class ActionRequestEncoder:
    """`json_serialize` for the action endpoint's session: the body with the sent domain's cached JSON spliced in."""

    def __init__(self, sent_domain: SentDomain, dumps: Callable[[Any], str] = json.dumps) -> None:
        self.sent_domain = sent_domain
        self.dumps = dumps

    def __call__(self, body: Any) -> str:
        if not (isinstance(body, dict) and self.sent_domain.encoded and body.get("domain") is self.sent_domain.value):
            return self.dumps(body)
        rest = self.dumps({key: value for key, value in body.items() if key != "domain"})
        if rest == "{}":
            return '{"domain": ' + self.sent_domain.encoded + "}"
        return rest[:-1] + ', "domain": ' + self.sent_domain.encoded + "}"


class KeptSession:
    """`async with endpoint.session()` as Rasa writes it, without closing the session at the end of the block."""

    def __init__(self, loop: Any, session: Any) -> None:
        self.loop = loop
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


class AppliedEvents:
    """Rasa's `applied_events` fold, resumable: the events folded so far and the result."""

    def __init__(self, events: Any) -> None:
        from rasa.shared.core.events import ActiveLoop

        self.events = events  # the tracker's deque: replaced (a new deque) when the tracker is reset
        self.count = 0
        self.last: Any = None
        self.loop_names = {event.name for event in events if isinstance(event, ActiveLoop) and event.name}
        self.applied: list[Any] = []

    def for_copy(self, events: Any) -> AppliedEvents:
        """The same fold for a copy of the tracker whose `events` is a copy of this one's (bot/tracker_events.py):
        a kept conversation's next turn folds on instead of starting again from its first event."""
        copied = copy.copy(self)
        copied.events = events
        copied.applied = list(self.applied)
        copied.loop_names = set(self.loop_names)
        return copied

    def still_fits(self, events: Any) -> bool:
        if events is not self.events or len(events) < self.count:
            return False
        return self.count == 0 or events[self.count - 1] is self.last

    def fold(self, tracker: Any) -> list[Any]:
        from rasa.shared.core.events import (
            ActionExecuted,
            ActionReverted,
            ActiveLoop,
            Restarted,
            SessionStarted,
            UserUtteranceReverted,
            UserUttered,
        )

        new = list(itertools.islice(self.events, self.count, None))
        names = {event.name for event in new if isinstance(event, ActiveLoop) and event.name}
        if not names <= self.loop_names:  # a form seen for the first time changes how earlier events read
            self.loop_names |= names
            self.count, self.applied, new = 0, [], list(self.events)
        applied = self.applied
        for event in new:  # Rasa 3.6's DialogueStateTracker.applied_events, step by step
            if isinstance(event, (Restarted, SessionStarted)):
                applied = []
            elif isinstance(event, ActionReverted):
                tracker._undo_till_previous(ActionExecuted, applied)
            elif isinstance(event, UserUtteranceReverted):
                tracker._undo_till_previous(UserUttered, applied)
                tracker._undo_till_previous(ActionExecuted, applied)
            elif (
                isinstance(event, ActionExecuted)
                and event.action_name in self.loop_names
                and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
            ):
                tracker._undo_till_previous_loop_execution(event.action_name, applied)
            else:
                applied.append(event)
        self.applied = applied
        self.count = len(self.events)
        self.last = self.events[-1] if self.count else None
        return list(applied)  # callers may change the list they get


def events_to_send(events: Any) -> list[Any]:
    """The Event objects of a conversation that the action server gets (bot/sent_events.py): the current turn
    whole, and from before it the few that an action reads. In their order."""
    from bot.sent_events import tail_start, worth_sending

    events = list(events)
    start = tail_start([event.type_name for event in events])
    earlier = [
        event
        for event in events[:start]
        if worth_sending(event.type_name, getattr(event, "action_name", None), getattr(event, "metadata", None))
    ]
    return earlier + events[start:]


SENT_DOMAIN = SentDomain()
_applied = False


def apply() -> None:
    """Patch Rasa (idempotent)."""
    global _applied
    if _applied:
        return
    _patch_action_result_validation()
    _patch_event_lookup()
    _patch_domain_sent_to_actions()
    _patch_applied_events()
    _patch_payload_parsing()
    _applied = True


def _patch_action_result_validation() -> None:
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    validator = ActionResultValidator(RemoteAction.action_response_format_spec())

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:  # Rasa's own words
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the Action "
                f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    RemoteAction._validate_action_result = _validate_action_result


def _patch_event_lookup() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        found = known.get(type_name)
        if found is None:
            found = original(type_name, default)
            if found is not None and found is not default:
                known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)


def _patch_domain_sent_to_actions() -> None:
    import aiohttp
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    original_format = RemoteAction._action_call_format

    def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
        """Rasa's body, with the events of `sent_events` instead of all of them, and the sent domain."""
        from rasa.shared.core.trackers import EventVerbosity

        real_current_state = tracker.current_state

        def current_state(event_verbosity: Any = EventVerbosity.NONE) -> dict[str, Any]:
            if event_verbosity != EventVerbosity.ALL:
                return real_current_state(event_verbosity)
            state = real_current_state(EventVerbosity.NONE)
            state["events"] = [event.as_dict() for event in events_to_send(tracker.events)]
            return state

        tracker.current_state = current_state  # for this call only: Rasa's own format, with our events
        try:
            body = original_format(self, tracker, domain)
        finally:
            del tracker.current_state
        if "domain" in body:
            body["domain"] = SENT_DOMAIN.of(domain)
        return body

    encoder = ActionRequestEncoder(SENT_DOMAIN)

    def new_session(self: EndpointConfig) -> aiohttp.ClientSession:
        """Rasa's own session, with the encoder (it falls back to json.dumps for any other body)."""
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            json_serialize=encoder,
            # Idle connections are dropped before the action server (Sanic: 5 s) would close them under a request.
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
        )

    def session(self: EndpointConfig) -> KeptSession:
        """One session per endpoint and event loop, kept open: its connections are reused from call to call."""
        import asyncio

        loop = asyncio.get_running_loop()
        kept = self.__dict__.get("_onthaal_session")
        if kept is None or kept.loop is not loop or kept.session.closed:
            kept = self.__dict__["_onthaal_session"] = KeptSession(loop, new_session(self))
        return kept

    RemoteAction._action_call_format = _action_call_format
    EndpointConfig.session = session


APPLIED_EVENTS_KEY = "_onthaal_applied_events"


def carry_applied_events(tracker: Any, copied: Any) -> None:
    """Gives `copied` (a copy of `tracker` with a copy of its events) the fold `tracker` has so far, if any."""
    memo = tracker.__dict__.get(APPLIED_EVENTS_KEY)
    if memo is not None and memo.still_fits(tracker.events) and len(copied.events) == len(tracker.events):
        copied.__dict__[APPLIED_EVENTS_KEY] = memo.for_copy(copied.events)


def _patch_applied_events() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    def applied_events(self: DialogueStateTracker) -> list[Any]:
        """Returns all actions that should be applied - w/o reverted events (folded on from the last call)."""
        memo = self.__dict__.get(APPLIED_EVENTS_KEY)
        if memo is None or not memo.still_fits(self.events):
            memo = self.__dict__[APPLIED_EVENTS_KEY] = AppliedEvents(self.events)
        return memo.fold(self)

    DialogueStateTracker.applied_events = applied_events


def unpacked_payload(text: str, domain: Any) -> Any:
    """What RegexMessageHandler ends the NLU pipeline with for `text` when it replaces the pipeline's; else None."""
    from rasa.shared.constants import INTENT_MESSAGE_PREFIX
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.constants import INTENT_NAME_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    if not text or not text.strip().startswith(INTENT_MESSAGE_PREFIX):
        return None
    match = YAMLStoryReader._regex_message_pattern().match(text.strip())
    if not match or match.group("rest") or match.group(INTENT_NAME_KEY).strip() not in domain.intents:
        return None  # the pipeline runs, and RegexMessageHandler warns (once) as it always did
    probe = Message({TEXT: text})
    unpacked = YAMLStoryReader.unpack_regex_message(probe, domain, entity_extractor_name="RegexMessageHandler")
    return None if unpacked is probe else unpacked


def _patch_payload_parsing() -> None:
    from rasa.core.processor import MessageProcessor
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

    original = MessageProcessor._parse_message_with_graph

    def _parse_message_with_graph(
        self: MessageProcessor, message: Any, tracker: Any, only_output_properties: bool = True
    ) -> dict[str, Any]:
        unpacked = unpacked_payload(message.text, self.domain)
        if unpacked is None:
            return original(self, message, tracker, only_output_properties)
        parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
        parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
        return parse_data

    _parse_message_with_graph.__wrapped__ = original  # type: ignore[attr-defined]
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph
