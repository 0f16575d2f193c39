"""The intake form: one question at a time, each answer read from a button or from what the person typed.

Slots: language, consent, name_confirmed, need_checked, needs_confirmed and one slot per question of
bot/questions.yml (the form's required slots, in the order of bot.intake.questions.path), plus bookkeeping slots
that are not asked: multi_choices, pending_name, pending_needs, unsure_needs, checked_needs, needs_to_assess,
text_needs, messages, misses, known_phone, known_phone_declined, assisted_by, language_hint, media,
talk_requested, progress.
"Talk to a person" during the intake, after consent, is read here: when no way to reach the person is known yet,
the contact questions come first (each skippable), then the form ends and the intake is handed over.
Messages meant for the whole conversation (stop, talk to a person, why, crisis, small talk, media) are left
alone here: the form rejects them and the rules in bot/data/rules/ answer them.
Whatever the person types also feeds the checklist: need entities found in it wait in `pending_needs` until
the person confirms them (`needs_confirmed`, asked next); needs the extractor is unsure of are first asked one
at a time (`need_checked`, bot/intake/unsure_needs.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.asking import language_marker, progress_text
from bot.intake.answers import Reading, entity, intent, read_answer, says_dont_know, typed_text, yes_or_no
from bot.intake.places import services_for
from bot.intake.questions import path, question, reported_needs
from bot.intake.reference_data import LANGUAGES, normalise, short_commands
from bot.intake.unsure_needs import found_need_updates, read_need_check

GLOBAL_INTENTS = {
    "stop",
    "start_again",
    "talk_to_person",
    "why_ask",
    "crisis",
    "out_of_scope",
    "bot_challenge",
    "thanks",
    "ask_status",
}
MEDIA_KINDS = ("voice", "image", "video", "file", "other")
# A typed message switches the conversation's language only on clear evidence.
SWITCH_MIN_WORDS = 4
SWITCH_MIN_CONFIDENCE = 0.95
MISSES_BEFORE_OFFERING_A_PERSON = 2
# On a free-text question, words are taken as the answer unless they are clearly meant otherwise ("stop"). On the
# development sets the intent classifier reads, at 0.8 or more, as many intents right as DIET did at 0.95 (419 and
# 417 of 521) with fewer wrong (14 and 15), and fewer of the need sets' open answers as stop, a person, out of scope
# and the like (21 and 36 of 1,938; README, "Intents").
FREE_TEXT_GLOBAL_CONFIDENCE = 0.8
# The language, consent and confirmation questions: a typed answer to them is read as yes/no, not searched for needs.
NOT_SEARCHED_FOR_NEEDS = ("language", "consent", "name_confirmed", "need_checked", "needs_confirmed")


def required_slots(slots: dict[str, Any]) -> list[str]:
    """The form's questions that apply now, in the order they are asked."""
    if slots.get("consent") is False:
        return []
    head = ["language", "consent"]
    head += ["name_confirmed"] if slots.get("pending_name") else []
    head += ["need_checked"] if slots.get("unsure_needs") else []
    head += ["needs_confirmed"] if slots.get("pending_needs") else []
    return head + path(slots)


def next_question(slots: dict[str, Any]) -> list[EventType]:
    """requested_slot and the progress line for it ("Question 3 of 7"), from the path ahead."""
    next_slot = next((slot for slot in required_slots(slots) if slots.get(slot) is None), None)
    return [SlotSet("requested_slot", next_slot), SlotSet("progress", progress_text(slots, next_slot))]


def _language_updates(tracker: Tracker, dispatcher: CollectingDispatcher, hint: str | None) -> dict[str, Any]:
    current = tracker.get_slot("language")
    chosen = entity(tracker, "language")
    name, _ = intent(tracker)
    if typed_text(tracker) is not None and (
        name != "choose_language" or tracker.get_slot("requested_slot") == "languages_spoken"
    ):
        # A language named in a typed answer ("Nederlands en Engels" to "Which languages do you speak?") is an
        # answer, not a choice: only a button, or a message meant as a choice, switches by name.
        chosen = None
    if chosen not in LANGUAGES:
        chosen = None
        detected = tracker.latest_message.get("language") or {}
        words = len((typed_text(tracker) or "").split())
        if not current and detected.get("code") in LANGUAGES:
            chosen = detected["code"]
        elif not current and hint in LANGUAGES:
            chosen = hint
        elif (
            current
            and detected.get("code") in LANGUAGES
            and words >= SWITCH_MIN_WORDS
            and detected.get("confidence", 0) >= SWITCH_MIN_CONFIDENCE
        ):
            chosen = detected["code"]
    if not chosen or chosen == current:
        return {}
    if current:
        # The widget re-renders in the new language; the open question is asked again in it.
        dispatcher.utter_message(json_message=language_marker(chosen))
    return {"language": chosen}


def _meant_for_the_whole_conversation(
    tracker: Tracker, requested: str | None, name: str | None, confidence: float
) -> bool:
    """Stop, a person, why, small talk: unless the message reads as an answer to the open question.

    A free-text question takes any words, so there only a confident classification counts; a closed question
    or a phone number first tries the message as its answer ("0470/12.34.56" is a number, whatever the
    classifier thinks).
    """
    if name not in GLOBAL_INTENTS:
        return False
    typed = typed_text(tracker)
    if typed is None:
        return True  # a button
    if _takes_any_words(requested) and len(typed.split()) <= 2:
        return normalise(typed) in short_commands().get(name, ())
    return _not_an_answer(tracker, requested, confidence)


def _takes_any_words(requested: str | None) -> bool:
    """A free-text question (or none open): any words can be its answer; a phone number or e-mail cannot."""
    asked = question(requested)
    return asked is None or asked.kind == "text" and asked.slot != "contact_detail"


def _not_an_answer(tracker: Tracker, requested: str | None, confidence: float) -> bool:
    """Whether a typed message with another intent is meant as that rather than as the answer to the open question:
    at a free-text question only a confident classification counts; a closed question (or a phone number) first
    tries the message as its answer."""
    if _takes_any_words(requested):
        return confidence >= FREE_TEXT_GLOBAL_CONFIDENCE
    return bool(read_answer(question(requested), tracker).problem)


def _asks_for_another_language(tracker: Tracker, requested: str | None, name: str | None, confidence: float) -> bool:
    """A typed request for a language the assistant does not have ("do you speak Arabic?"). At the question which
    languages the person speaks, naming a language is the answer; elsewhere an answer to the open question wins,
    as for stop or why (a confident classification at a free-text question, no answer at a closed one)."""
    typed = typed_text(tracker)
    if name != "choose_language" or typed is None or requested == "languages_spoken":
        return False
    return entity(tracker, "language") not in LANGUAGES and _not_an_answer(tracker, requested, confidence)


def _person_just_spoke(tracker: Tracker) -> bool:
    """Whether the form runs on a fresh message, not on its way back after a rule answered one."""
    actions = [event.get("name") for event in tracker.events if event.get("event") == "action"]
    # Rasa marks the form's own run last; what ran before it tells whether the person just spoke.
    if actions and actions[-1] == "intake_form":
        actions = actions[:-1]
    return not actions or actions[-1] == "action_listen"


def _metadata_updates(tracker: Tracker) -> dict[str, Any]:
    """What the channel tells about this message: reception staff, their remark, a phone number, a language."""
    metadata = tracker.latest_message.get("metadata") or {}
    updates: dict[str, Any] = {}
    if isinstance(metadata.get("onthaal_assisted_by"), str):
        updates["assisted_by"] = metadata["onthaal_assisted_by"][:100]
    if isinstance(metadata.get("onthaal_phone"), str):
        updates["known_phone"] = metadata["onthaal_phone"][:40]
    if metadata.get("onthaal_language_hint") in LANGUAGES:
        updates["language_hint"] = metadata["onthaal_language_hint"]
    return updates


def _consent_reading(tracker: Tracker) -> Reading:
    if says_dont_know(tracker):
        # Unsure is not a refusal (which would end the intake): say what the answers are for, and ask again.
        return Reading({"consent": None}, "utter_why_consent")
    said = yes_or_no(tracker)
    if said is not None:
        return Reading({"consent": said})
    return Reading({"consent": None}, "utter_not_understood")


def _name_confirmation_reading(tracker: Tracker) -> Reading:
    """ "Shall we call you Ionel?": yes keeps the name taken from the sentence, no asks for the name again."""
    said = yes_or_no(tracker)
    if said is True:
        return Reading({"contact_name": tracker.get_slot("pending_name"), "pending_name": None})
    if said is False:
        return Reading({"contact_name": None, "pending_name": None})
    return Reading({}, "utter_not_understood")


def _needs_confirmation_reading(tracker: Tracker) -> Reading:
    said = yes_or_no(tracker)
    if said is None:
        return Reading({}, "utter_not_understood")
    confirmed = list(tracker.get_slot("text_needs") or [])
    if said:
        confirmed += tracker.get_slot("pending_needs") or []
    return Reading({"text_needs": confirmed, "pending_needs": []})


def _found_needs(tracker: Tracker, slots: dict[str, Any]) -> dict[str, Any]:
    """Slot updates for the needs named in a typed message that are not known yet (bot/intake/unsure_needs.py)."""
    known = {need["id"] for need in reported_needs(slots, slots.get("text_needs") or [])}
    known |= {need["id"] for need in slots.get("pending_needs") or []}
    return found_need_updates(tracker, slots, known)


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if not _person_just_spoke(tracker):
            # Back in the form after a rule answered (why, small talk): only say which question comes next.
            return next_question(dict(tracker.slots))
        name, confidence = intent(tracker)
        if name == "media":
            return self._note_media(tracker, dispatcher)
        slots = dict(tracker.slots)
        updates = _metadata_updates(tracker)
        hint = updates.get("language_hint") or tracker.get_slot("language_hint")
        updates.update(_language_updates(tracker, dispatcher, hint))
        slots.update(updates)

        requested = slots.get("requested_slot")
        if _meant_for_the_whole_conversation(tracker, requested, name, confidence):
            if name == "talk_to_person" and slots.get("consent") and not slots.get("talk_requested"):
                # A person, now: first one (skippable) question for a way to reach them, unless it is known.
                updates["talk_requested"] = slots["talk_requested"] = True
                return [SlotSet(slot, value) for slot, value in updates.items()] + next_question(slots)
            return []  # rejected: a rule answers it, then the form asks its question again
        reading = Reading()
        if _asks_for_another_language(tracker, requested, name, confidence):
            # "Can we speak Turkish?": which languages there are and that the coach can bring an interpreter; the
            # open question is asked again (never "Turkish please" as a name or as the work wished for).
            dispatcher.utter_message(response="utter_other_language")
        elif name == "choose_language" and "language" in updates:
            pass  # only the language changed; the open question is asked again
        elif requested == "consent":
            reading = _consent_reading(tracker)
        elif requested == "name_confirmed":
            reading = _name_confirmation_reading(tracker)
        elif requested == "need_checked":
            reading = read_need_check(tracker)
        elif requested == "needs_confirmed":
            reading = _needs_confirmation_reading(tracker)
        elif question(requested):
            reading = read_answer(question(requested), tracker)
        slots.update(reading.updates)
        updates.update(reading.updates)

        if slots.get("consent") and requested not in (None, *NOT_SEARCHED_FOR_NEEDS):
            found = _found_needs(tracker, slots)
            slots.update(found)
            updates.update(found)
            if found.keys() & {"pending_needs", "unsure_needs"}:
                reading.problem = None  # not an answer, but not a miss either: the needs are confirmed first
            if question(requested) and question(requested).kind == "text" and slots.get(requested) not in (None,):
                self._keep_words(tracker, slots, updates, requested)

        updates["misses"] = self._count_misses(tracker, reading, dispatcher)
        self._show_services(tracker, dispatcher, reading)
        return [SlotSet(slot, value) for slot, value in updates.items()] + next_question(slots)

    @staticmethod
    def _show_services(tracker: Tracker, dispatcher: CollectingDispatcher, reading: Reading) -> None:
        """No place to sleep tonight, no income at all: where to go, in the same turn (not only a coach's flag)."""
        language = tracker.get_slot("language")
        for slot, value in reading.updates.items():
            asked = question(slot)
            flag = asked.flags.get(value) if asked and isinstance(value, str) else None
            if flag:
                places = services_for(language, flag)
                if places:
                    dispatcher.utter_message(response=f"utter_services_{flag}", places=places)

    @staticmethod
    def _note_media(tracker: Tracker, dispatcher: CollectingDispatcher) -> list[EventType]:
        """A voice note or photo: the assistant cannot read it, says so, and tells the coach one was sent."""
        kind = entity(tracker, "media_kind")
        received = {"kind": kind if kind in MEDIA_KINDS else "other", "received_at": datetime.now(UTC).isoformat()}
        dispatcher.utter_message(response="utter_media_not_supported")
        return [
            SlotSet("media", [*(tracker.get_slot("media") or []), received]),
            SlotSet("requested_slot", tracker.get_slot("requested_slot")),
        ]

    @staticmethod
    def _keep_words(tracker: Tracker, slots: dict[str, Any], updates: dict[str, Any], requested: str) -> None:
        words = typed_text(tracker)
        if words and requested not in ("contact_name", "contact_detail", "social_worker"):
            entry = {"question": requested, "text": words[:2000], "language": slots.get("language")}
            updates["messages"] = [*(slots.get("messages") or []), entry]

    @staticmethod
    def _count_misses(tracker: Tracker, reading: Reading, dispatcher: CollectingDispatcher) -> int:
        if not reading.problem:
            return 0
        misses = int(tracker.get_slot("misses") or 0) + 1
        if misses >= MISSES_BEFORE_OFFERING_A_PERSON and reading.problem == "utter_not_understood":
            dispatcher.utter_message(response="utter_offer_person")
        else:
            dispatcher.utter_message(response=reading.problem)
        return misses
