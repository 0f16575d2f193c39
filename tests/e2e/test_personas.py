"""The personas who chat on the web (tests/e2e/personas.py), each a whole conversation through Rasa's REST channel,
and Samanah at the reception desk through the desk's channel; each ends in a stored intake whose checklist is what
the person said. Saied (read-aloud, in the browser), Simon (WhatsApp) and Keano (Telegram) are held on their own
channels: tests/browser/test_persona_saied.py, tests/channels/test_personas_on_messaging.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.chat import Chat, DeskChat, pack, stored_intakes
from tests.e2e.intake import IntakeScript
from tests.e2e.personas import PERSONAS, assert_intake_follows

pytestmark = pytest.mark.stack

ON_THE_WEB = ["Mieke", "Milena", "Rustov", "Ambrose", "Natalya", "Michael"]  # and Jozef, Lorenzo below


def stored(live_stack: Any, reference: str) -> dict[str, Any]:
    return next(intake for intake in stored_intakes(live_stack.state_dir) if intake["reference"] == reference)


@pytest.mark.parametrize("name", ON_THE_WEB)
def test_a_persona_ends_in_an_intake_with_what_they_said(live_stack, name):
    persona = PERSONAS[name]
    reference = IntakeScript(Chat(live_stack.rasa_url), persona.language, persona.script).hold(persona.opening)
    intake = stored(live_stack, reference)
    assert intake["channel"] == "rest"
    assert intake["assisted_by"] is None
    assert_intake_follows(persona, intake)


def test_jozef_reaches_the_end_in_slovak_with_buttons_only(live_stack):
    persona = PERSONAS["Jozef"]
    chat = Chat(live_stack.rasa_url)
    script = IntakeScript(chat, "sk", persona.script)
    reference = script.hold("button")
    said = [event["text"] for event in chat.tracker()["events"] if event["event"] == "user"]
    assert said[0] == "/greet"
    typed = [text for text in said[1:] if not text.startswith("/")]
    assert typed == [], "every message after the opening is a button's payload"
    assert "contact_name" in script.asked and "tell_more" in script.asked
    assert_intake_follows(persona, stored(live_stack, reference))


def test_lorenzo_has_worked_wants_a_bike_repair_internship_and_came_back_through_his_former_coach(live_stack):
    persona = PERSONAS["Lorenzo"]
    script = IntakeScript(Chat(live_stack.rasa_url), "nl", persona.script)
    intake = stored(live_stack, script.hold(persona.opening))
    assert "work_done" in script.asked and "referral" in script.asked
    assert "fietsherstel" in intake["answers"]["work_wish"]
    assert intake["answers"]["work_done"] and intake["checklist"]["limited_work_experience"] == "not_reported"
    assert intake["answers"]["referral"] == "former_coach"
    assert_intake_follows(persona, intake)


def test_samanah_at_the_reception_desk_is_stored_as_assisted(live_stack):
    persona = PERSONAS["Samanah"]
    chat = DeskChat(live_stack.rasa_url, staff="sofie")
    script = IntakeScript(chat, persona.language, persona.script)
    script.start(persona.opening)
    chat.remark("Komt op aanraden van de trajectbegeleider van haar man. Spreekt Tigrinya.")
    reference = script.finish()
    assert chat.replies[0].get("onthaal_nl"), "the desk's channel answers with the Dutch lines for the staff"
    intake = stored(live_stack, reference)
    assert intake["channel"] == "reception"
    assert intake["assisted_by"] == "sofie"
    assert intake["remarks"] == [
        {"by": "sofie", "text": "Komt op aanraden van de trajectbegeleider van haar man. Spreekt Tigrinya."}
    ]
    assert_intake_follows(persona, intake)
    assert pack("en")["submitted"].split("{reference}")[0] in "\n".join(chat.texts)
