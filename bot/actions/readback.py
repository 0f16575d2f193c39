"""The end of the form: read the answers back in short sections, let the person change one, or say goodbye after 'no'.

The read-back groups the answers (about you, contact, your situation, and what was told after "tell a bit more")
with one "change" button per section, so that no message has more than MAX_BUTTONS buttons.
Responses used: utter_readback ({summary}), utter_consent_declined ({place}), utter_ask_which_change.
Slots read: language, consent, every question slot, text_needs, talk_requested.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.asking import need_labels, payload
from bot.actions.conversation import keep_only_language
from bot.actions.handoff import hand_over_to_a_person
from bot.intake.places import team_place
from bot.intake.questions import SECTIONS, Question, question, section_slots
from bot.intake.reference_data import SKIPPED, button_title, neighbourhood_label, text

MAX_BUTTONS = 8
LIFE_DOMAINS = ("help_with", "home", "money", "health", "family", "papers", "reading", "network", "daytime", "justice")
# Answers that depend on another: changing the first asks the second again too.
DEPENDENT = {
    "contact_method": ("contact_detail", "contact_time", "social_worker", "known_phone_declined"),
    "dutch_level": ("interpreter",),
    "schooling": ("diploma_abroad",),
}
# The fields of the older "change" buttons and typed requests ("change my name").
FIELD_ALIASES = {"name": ("contact_name",), "contact": ("contact_method",), "needs": LIFE_DOMAINS}


def shown_answer(asked: Question, value: Any, language: str | None) -> str:
    if value == SKIPPED:
        return text(language, "readback_not_answered")
    if asked.kind == "neighbourhood":
        return neighbourhood_label(language, value)
    if asked.kind == "multi":
        return text(language, "list_separator").join(
            text(language, f"{asked.slot}_{option}") for option in value
        ) or text(language, "multi_none")
    if value in asked.options:
        return text(language, f"{asked.slot}_{value}")
    return str(value)


def answered_sections(tracker: Tracker) -> dict[str, list[Question]]:
    """The sections that hold an answer, each with its answered questions, in the order they are read back."""
    result: dict[str, list[Question]] = {}
    for section in SECTIONS:
        answered = [question(slot) for slot in section_slots(section) if tracker.get_slot(slot) is not None]
        if answered:
            result[section] = answered
    return result


def summary(tracker: Tracker) -> str:
    """Short sections with a heading, one line per answer, in the conversation's language."""
    language = tracker.get_slot("language")
    blocks = []
    for section, answered in answered_sections(tracker).items():
        lines = [f"{text(language, 'readback_section_' + section)}"]
        lines += [
            f"• {text(language, 'label_' + asked.slot)}: {shown_answer(asked, tracker.get_slot(asked.slot), language)}"
            for asked in answered
        ]
        if section == "situation" and tracker.get_slot("text_needs"):
            understood = need_labels(language, tracker.get_slot("text_needs"))
            lines.append(f"• {text(language, 'readback_needs_text')}: {understood}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def readback_buttons(tracker: Tracker) -> list[dict[str, str]]:
    """ "Yes, send it" and one "change" button per section that holds an answer."""
    language = tracker.get_slot("language")
    buttons = [{"title": button_title(language, "readback_confirm"), "payload": "/confirm"}]
    for section in answered_sections(tracker):
        buttons.append(
            {
                "title": button_title(language, f"readback_change_{section}"),
                "payload": payload("change_answer", {"section": section}),
            }
        )
    return buttons[:MAX_BUTTONS]


class ActionFinishIntakeForm(Action):
    def name(self) -> str:
        return "action_finish_intake_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        if tracker.get_slot("consent") is False:
            # Nothing was asked yet and nothing is kept: a kind goodbye and the way to the desk.
            dispatcher.utter_message(response="utter_consent_declined", place=team_place(language, None))
            return keep_only_language(tracker)
        if tracker.get_slot("talk_requested"):
            # The person asked for a person and has answered (or skipped) the way to reach them: hand over now.
            return await hand_over_to_a_person(dispatcher, tracker)
        dispatcher.utter_message(response="utter_readback", summary=summary(tracker), buttons=readback_buttons(tracker))
        return []


class ActionAskWhichChange(Action):
    """Which answer to change: those of the chosen section (or, without one, the sections), at most MAX_BUTTONS."""

    def name(self) -> str:
        return "action_ask_which_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        language = tracker.get_slot("language")
        sections = answered_sections(tracker)
        section = next(tracker.get_latest_entity_values("section"), None)
        if section in sections:
            buttons = [
                {
                    "title": button_title(
                        language, "readback_change_" + section, text(language, f"label_{asked.slot}")
                    ),
                    "payload": payload("change", {"field": asked.slot}),
                }
                for asked in sections[section]
            ]
        else:
            buttons = readback_buttons(tracker)[1:]
        dispatcher.utter_message(response="utter_ask_which_change", buttons=buttons[:MAX_BUTTONS])
        return []


class ActionResetAnswer(Action):
    def name(self) -> str:
        return "action_reset_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        field = next(tracker.get_latest_entity_values("field"), None)
        slots = FIELD_ALIASES.get(field, (field,) if question(field) else ())
        emptied = [slot for changed in slots for slot in (changed, *DEPENDENT.get(changed, ()))]
        return [SlotSet(slot, None) for slot in dict.fromkeys(emptied)] + [SlotSet("multi_choices", [])]
