"""Which of a conversation's events the action server gets with each call: the current turn, and from before it
only the few events an action reads.

Rasa sends the whole conversation with every action call (`tracker.current_state(EventVerbosity.ALL)`), so the
cost of a turn grew with the conversation: every earlier event turned into a dict, encoded, sent and decoded again,
one to three times a turn. The actions read little of it (bot/rasa_patches.py sends what this module keeps):
- the current turn: from the last action before the person's last message to the end. rasa_sdk's
  FormValidationAction reads the slot events at the end (`slots_to_validate`), and the intake form asks whether
  the person just spoke (the action before the form: bot/actions/intake_form.py);
- from before it, only:
  - the person's messages that carry reception remarks (metadata `onthaal_remarks`), with the actions that end
    an intake (INTAKE_ENDS): the remarks of this intake (`staff_remarks`, bot/intake/intake.py);
  - the assistant's messages of the responses in SAID_ONCE: whether one was said before
    (`was_uttered`, bot/actions/asking.py);
  - the start of a session and a restart.
An action that reads anything else from `tracker.events` must add it here; tests/bot/test_sent_events.py runs
every reader on the whole conversation and on what is sent, and fails when they differ.

The tail, the remarks and the messages of SAID_ONCE are sent as Rasa would send them: whole, unchanged.
Standard library only: the Rasa server (kinds and names of its Event objects) and the actions (dicts) both use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Actions that end an intake: remarks before them belong to an earlier one.
INTAKE_ENDS = frozenset({"action_submit_intake", "action_talk_to_person", "action_stop"})
# Responses an action asks about: "was this said in this conversation?"
SAID_ONCE = frozenset({"utter_ask_consent"})
REMARKS_KEY = "onthaal_remarks"
ALWAYS_SENT = frozenset({"session_started", "restart"})


def worth_sending(kind: str, name: str | None, metadata: Mapping[str, Any] | None) -> bool:
    """Whether an event from before the current turn is sent: `kind` is the event's type name ("user", "bot",
    "action", ...), `name` an action's name."""
    if kind in ALWAYS_SENT:
        return True
    if kind == "action":
        return name in INTAKE_ENDS
    if kind == "user":
        return bool((metadata or {}).get(REMARKS_KEY))
    if kind == "bot":
        return (metadata or {}).get("utter_action") in SAID_ONCE
    return False


def tail_start(kinds: list[str]) -> int:
    """Where the current turn begins: the last action before the person's last message (0 when there is none)."""
    index = len(kinds) - 1
    while index >= 0 and kinds[index] != "user":
        index -= 1
    while index >= 0 and kinds[index] != "action":
        index -= 1
    return max(index, 0)


def was_uttered(events: list[dict[str, Any]], response: str) -> bool:
    """Whether the assistant said `response` in these events (`response` must be in SAID_ONCE)."""
    if response not in SAID_ONCE:
        raise ValueError(f"{response} is not sent with the history: add it to SAID_ONCE")
    return any(
        event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == response
        for event in events
    )
