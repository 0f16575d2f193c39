"""The end of the form: read every answer back, let the person change one, or say goodbye after 'no'.

Responses used: utter_readback ({summary}), utter_consent_declined, utter_ask_which_change.
Slots read: language, consent, contact_name, contact_method, contact_detail, neighbourhood, need_groups,
needs_answer.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.reference_data import SKIPPED, neighbourhood_label, text

# Which slots one "change" button empties; the form then asks just those again.
CHANGEABLE: dict[str, tuple[str, ...]] = {
    "name": ("contact_name",),
    "contact": ("contact_method", "contact_detail"),
    "neighbourhood": ("neighbourhood",),
    "needs": ("need_groups", "needs_answer", "needs_done"),
}


def keep_only_language(tracker: Tracker) -> list[EventType]:
    """Forget every answer; the conversation stays in its language."""
    return [AllSlotsReset(), SlotSet("language", tracker.get_slot("language"))]


def summary(tracker: Tracker) -> str:
    """One line per answer, in the conversation's language."""
    language = tracker.get_slot("language")
    not_answered = text(language, "readback_not_answered")

    def shown(value: str | None) -> str:
        return not_answered if value in (None, SKIPPED) else value

    method = tracker.get_slot("contact_method")
    contact = not_answered
    if method not in (None, SKIPPED):
        contact = text(language, f"contact_method_{method}")
        detail = tracker.get_slot("contact_detail")
        if detail not in (None, SKIPPED):
            contact = f"{contact}: {detail}"
    neighbourhood = tracker.get_slot("neighbourhood")
    needs_answer = tracker.get_slot("needs_answer")
    if needs_answer == "reported":
        groups = tracker.get_slot("need_groups") or []
        needs = ", ".join(text(language, f"need_group_{group}") for group in groups)
    elif needs_answer == "none":
        needs = text(language, "readback_none")
    else:
        needs = not_answered
    lines = [
        (text(language, "readback_name"), shown(tracker.get_slot("contact_name"))),
        (text(language, "readback_contact"), contact),
        (
            text(language, "readback_neighbourhood"),
            not_answered if neighbourhood in (None, SKIPPED) else neighbourhood_label(language, neighbourhood),
        ),
        (text(language, "readback_needs"), needs),
    ]
    return "\n".join(f"{label}: {value}" for label, value in lines)


class ActionFinishIntakeForm(Action):
    def name(self) -> str:
        return "action_finish_intake_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        if tracker.get_slot("consent") is False:
            # Nothing was asked yet and nothing is kept: a kind goodbye and the way to the desk.
            dispatcher.utter_message(response="utter_consent_declined")
            return keep_only_language(tracker)
        dispatcher.utter_message(response="utter_readback", summary=summary(tracker))
        return []


class ActionAskWhichChange(Action):
    def name(self) -> str:
        return "action_ask_which_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        dispatcher.utter_message(response="utter_ask_which_change")
        return []


class ActionResetAnswer(Action):
    def name(self) -> str:
        return "action_reset_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        field = next(tracker.get_latest_entity_values("field"), None)
        return [SlotSet(slot, None) for slot in CHANGEABLE.get(field, ())]
