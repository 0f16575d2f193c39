"""Confirm, don't guess: what happens to the needs found in a typed message, sure ones and unsure ones.

The need extractor gives every `need` entity a `confidence_entity`: 1.0 for a sure match, below UNSURE_BELOW
for a weak one (a typo, a generic word, a paraphrase it is not sure of). Sure needs wait in `pending_needs`
for "I understood: ... Is that right?". Unsure needs are asked one at a time, before that, with yes/no
("Did I understand you right? You need help with this: housing."): yes reports the need, no marks it
not reported. At most MAX_CHECKED_NEEDS are asked in a conversation; the others go to the coach as "to be
assessed" (checklist state `not_asked`), as does a need the person answers with "I don't know" or skips.

Slots: unsure_needs (waiting to be asked, each {id, evidence, question}), checked_needs (asked: {id, answer}
with answer yes, no or unsure), needs_to_assess (ids), text_needs, pending_needs.
Pure functions of the tracker and the slots: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker

from bot import need_entity
from bot.intake.answers import Reading, is_skip, says_dont_know, typed_text, yes_or_no
from bot.intake.questions import question

UNSURE_BELOW = 0.8
MAX_CHECKED_NEEDS = 3
EVIDENCE_MAX_CHARS = 2000


def is_unsure(found: Mapping[str, Any]) -> bool:
    """Whether a need entity is a weak match; an entity without a confidence is a sure one."""
    confidence = found.get("confidence_entity")
    return isinstance(confidence, int | float) and confidence < UNSURE_BELOW


def mentioned_needs(latest_message: Mapping[str, Any], own_words: bool = True) -> dict[str, bool]:
    """Need id -> whether it is unsure, in order of appearance; a need found both ways is sure. A need found by
    likeness to example answers counts only in `own_words`: an answer about the person's situation, not a list of
    languages ("Nederlands en Frans" is like "I only speak a little Dutch", and says the opposite)."""
    needs: dict[str, bool] = {}
    for found in latest_message.get("entities") or []:
        if found.get(need_entity.METHOD) == need_entity.BY_LIKENESS and not own_words:
            continue
        if found.get("entity") == need_entity.NAME and isinstance(found.get("value"), str):
            needs[found["value"]] = needs.get(found["value"], True) and is_unsure(found)
    return needs


def checked_count(slots: Mapping[str, Any]) -> int:
    """How many unsure needs were asked about or wait to be asked, in this conversation."""
    return len(slots.get("checked_needs") or []) + len(slots.get("unsure_needs") or [])


def found_need_updates(tracker: Tracker, slots: Mapping[str, Any], known: set[str]) -> dict[str, list]:
    """Slot updates for the needs a typed message names that are not `known` yet (reported or waiting)."""
    words = typed_text(tracker)
    if not words:
        return {}
    asked_before = {checked["id"] for checked in slots.get("checked_needs") or []}
    asked_before |= set(slots.get("needs_to_assess") or [])
    asked_before |= {need["id"] for need in slots.get("unsure_needs") or []}
    sure, unsure, to_assess = [], [], []
    room = MAX_CHECKED_NEEDS - checked_count(slots)
    asked = question(slots.get("requested_slot"))
    own_words = asked is None or asked.open
    for need, weak in mentioned_needs(tracker.latest_message, own_words).items():
        found = {"id": need, "evidence": words[:EVIDENCE_MAX_CHARS], "question": slots.get("requested_slot")}
        if need in known:
            continue
        if not weak:
            sure.append(found)
        elif need in asked_before:
            continue  # asked once (or left for the coach) is enough: a second weak match changes nothing
        elif len(unsure) < room:
            unsure.append(found)
        else:
            to_assess.append(need)
    updates: dict[str, list] = {}
    if sure:
        updates["pending_needs"] = [*(slots.get("pending_needs") or []), *sure]
    if unsure:
        updates["unsure_needs"] = [*(slots.get("unsure_needs") or []), *unsure]
    if to_assess:
        updates["needs_to_assess"] = [*(slots.get("needs_to_assess") or []), *to_assess]
    return updates


def read_need_check(tracker: Tracker) -> Reading:
    """The answer to "Did I understand you right? You need help with this: ...", about the first unsure need."""
    waiting = list(tracker.get_slot("unsure_needs") or [])
    if not waiting:
        return Reading({"unsure_needs": []})
    need, rest = waiting[0], waiting[1:]
    said = yes_or_no(tracker)
    if said is True:
        answer = "yes"
    elif said is False:
        answer = "no"
    elif says_dont_know(tracker) or is_skip(tracker):
        answer = "unsure"
    else:
        return Reading({}, "utter_not_understood")
    updates: dict[str, Any] = {
        "unsure_needs": rest,
        "checked_needs": [*(tracker.get_slot("checked_needs") or []), {"id": need["id"], "answer": answer}],
    }
    if answer == "yes":
        updates["text_needs"] = [*(tracker.get_slot("text_needs") or []), need]
    elif answer == "unsure":
        updates["needs_to_assess"] = [*(tracker.get_slot("needs_to_assess") or []), need["id"]]
    return Reading(updates)


def denied_needs(slots: Mapping[str, Any]) -> set[str]:
    """Unsure needs the person said no to: not reported."""
    return {checked["id"] for checked in slots.get("checked_needs") or [] if checked.get("answer") == "no"}


def needs_to_assess(slots: Mapping[str, Any]) -> set[str]:
    """Unsure needs the coach assesses: over the limit, answered "I don't know", or never asked (the person
    asked for a person or stopped answering first)."""
    return set(slots.get("needs_to_assess") or []) | {need["id"] for need in slots.get("unsure_needs") or []}


def settle_checklist(states: Mapping[str, str], slots: Mapping[str, Any]) -> dict[str, str]:
    """The checklist with the unsure needs' answers: a denied need is not reported (unless reported elsewhere,
    or answered by a question), and a need left to assess is "to be assessed" where a question had marked it
    not reported (the typed words may say otherwise; a skipped question stays skipped)."""
    settled = dict(states)
    for need in denied_needs(slots):
        if settled.get(need) in ("skipped", "not_asked"):
            settled[need] = "not_reported"
    for need in needs_to_assess(slots):
        if settled.get(need) == "not_reported":
            settled[need] = "not_asked"
    return settled
