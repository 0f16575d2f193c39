"""The intake's questions (bot/questions.yml) and what their answers mean for the needs checklist.

Answer values in slots: None (not asked yet), SKIPPED ("I'd rather not say"), an option id (choice), a list of
option ids (multi; [] = "none of these"), or the person's own words (text).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.intake.reference_data import ROOT, SKIPPED, _read_yaml, need_ids

# Checklist states, strongest first: a need reported anywhere is reported.
STATES = ("reported", "not_reported", "skipped", "not_asked")


@dataclass(frozen=True)
class Question:
    slot: str
    kind: str
    why: str
    options: tuple[str, ...] = ()
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    flags: Mapping[str, str] = field(default_factory=dict)
    negative: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    ask_if: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    skip_if: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    max_length: int = 2000
    stage: str = "core"
    domain: str | None = None
    unless_chosen: str | None = None
    last: bool = False
    section: str = "situation"
    # A text question answered in the person's own words about their situation (not a name, number or list).
    open: bool = False

    def applies(self, slots: Mapping[str, Any]) -> bool:
        """Whether this question is asked, given the answers so far (its place in the path aside)."""
        if any(slots.get(other) not in values for other, values in self.ask_if.items()):
            return False
        if self.unless_chosen and self.unless_chosen in chosen_domains(slots):
            return False
        return not any(slots.get(other) in values for other, values in self.skip_if.items())

    def chosen(self, value: Any) -> list[str]:
        """The option ids an answer stands for."""
        if value in (None, SKIPPED):
            return []
        return [option for option in (value if isinstance(value, list) else [value]) if option in self.options]


@lru_cache(maxsize=1)
def questions() -> tuple[Question, ...]:
    result = []
    for spec in _read_yaml(ROOT / "bot" / "questions.yml")["questions"]:
        result.append(
            Question(
                slot=spec["slot"],
                kind=spec["kind"],
                why=spec["why"],
                options=tuple(str(option) for option in spec.get("options", [])),
                needs={str(key): tuple(value) for key, value in spec.get("needs", {}).items()},
                flags={str(key): value for key, value in spec.get("flags", {}).items()},
                negative=tuple(str(option) for option in spec.get("negative", [])),
                checklist=tuple(spec.get("checklist", [])),
                ask_if={key: tuple(map(str, value)) for key, value in spec.get("ask_if", {}).items()},
                skip_if={key: tuple(map(str, value)) for key, value in spec.get("skip_if", {}).items()},
                max_length=spec.get("max_length", 2000),
                stage=spec.get("stage", "core"),
                domain=spec.get("domain"),
                unless_chosen=spec.get("unless_chosen"),
                last=bool(spec.get("last", False)),
                section=spec.get("section", "situation"),
                open=bool(spec.get("open", False)),
            )
        )
    return tuple(result)


def question(slot: str | None) -> Question | None:
    return next((candidate for candidate in questions() if candidate.slot == slot), None)


# The multi-select "What do you want help with?" and "Do you want to tell a bit more now?".
DOMAINS_SLOT = "help_with"
TELL_MORE_SLOT = "tell_more"
# When the person asked for a person before giving a way to reach them: only these are asked, then the hand-off.
CONTACT_SLOTS = ("contact_method", "contact_detail", "contact_time", "social_worker")


def chosen_domains(slots: Mapping[str, Any]) -> list[str]:
    value = slots.get(DOMAINS_SLOT)
    return list(value) if isinstance(value, list) else []


def path(slots: Mapping[str, Any]) -> list[str]:
    """The questions of this person's intake that apply, in the order they are asked: the core, the follow-ups of
    the chosen domains, "tell a bit more?", and after its "yes" the rest."""
    if slots.get("talk_requested"):
        return [asked.slot for asked in questions() if asked.slot in CONTACT_SLOTS and asked.applies(slots)]
    chosen = chosen_domains(slots)
    core, follow_ups, rest, last = [], [], [], []
    for asked in questions():
        if asked.slot == TELL_MORE_SLOT or not asked.applies(slots):
            continue
        if asked.domain in chosen:
            follow_ups.append(asked.slot)
        elif asked.stage == "core" and not asked.domain:
            core.append(asked.slot)
        else:
            (last if asked.last else rest).append(asked.slot)
    # "Tell a bit more?" comes once the core is answered; the rest only after its "yes".
    more = rest + last if slots.get(TELL_MORE_SLOT) == "yes" else []
    return [*core, *follow_ups, TELL_MORE_SLOT, *more]


def progress(slots: Mapping[str, Any], next_slot: str | None) -> tuple[int, int] | None:
    """(n, m): the open question is the n-th of the m this person's path holds now (None: no question open)."""
    ahead = path(slots)
    if next_slot not in ahead:
        return None
    return ahead.index(next_slot) + 1, len(ahead)


SECTIONS = ("about_you", "contact", "situation", "school_work", "daily_life")


def section_slots(section: str) -> list[str]:
    return [asked.slot for asked in questions() if asked.section == section]


def _stronger(current: str, new: str) -> str:
    return min(current, new, key=STATES.index)


def checklist(slots: Mapping[str, Any], text_needs: list[dict[str, Any]]) -> dict[str, str]:
    """The state of each of the 20 needs after this conversation."""
    states = dict.fromkeys(need_ids(), "not_asked")
    for asked in questions():
        value = slots.get(asked.slot)
        covered = set(asked.checklist) | {need for needs in asked.needs.values() for need in needs}
        if value is None or not covered:
            continue
        chosen = asked.chosen(value)
        reported = {need for option in chosen for need in asked.needs.get(option, ())}
        for need in covered:
            if need in reported:
                state = "reported"
            elif value == SKIPPED:
                state = "skipped" if need in asked.checklist else "not_asked"
            else:
                state = "not_reported" if need in asked.checklist else "not_asked"
            states[need] = _stronger(states[need], state)
    for need in text_needs:
        states[need["id"]] = "reported"
    return states


def reported_needs(slots: Mapping[str, Any], text_needs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every reported need once, with where it was reported and, for typed answers, the person's words."""
    result: dict[str, dict[str, Any]] = {}
    for asked in questions():
        for option in asked.chosen(slots.get(asked.slot)):
            for need in asked.needs.get(option, ()):
                result.setdefault(need, {"id": need, "source": "button", "evidence": None, "question": asked.slot})
    for need in text_needs:
        result.setdefault(
            need["id"],
            {"id": need["id"], "source": "text", "evidence": need.get("evidence"), "question": need.get("question")},
        )
    return list(result.values())


def flags(slots: Mapping[str, Any]) -> list[str]:
    raised = [
        asked.flags[option]
        for asked in questions()
        for option in asked.chosen(slots.get(asked.slot))
        if option in asked.flags
    ]
    if slots.get("crisis"):
        raised.insert(0, "crisis")
    return list(dict.fromkeys(raised))
