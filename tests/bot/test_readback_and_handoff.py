"""Read-back, change, and the signed hand-off to the coach service (a real local HTTP server)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest
from rasa_sdk.events import AllSlotsReset, SlotSet

from bot.actions.asking import ActionAskConsent, ActionAskHealth
from bot.actions.handoff import ActionSubmitIntake
from bot.actions.readback import ActionFinishIntakeForm, ActionResetAnswer
from bot.delivery import delivery
from bot.intake.intake import build_intake
from bot.intake.reference_data import SKIPPED
from tests.bot.conftest import DOMAIN, ROOT, entity, make_tracker, responses

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
ANSWERS = {
    "language": "ro",
    "consent": True,
    "contact_name": "Rustov",
    "contact_method": "phone",
    "contact_detail": "0477 00 11 22",
    "contact_time": "any",
    "neighbourhood": "no_fixed_address",
    "age_band": "50_plus",
    "help_with": ["money", "home", "health"],
    "tell_more": "yes",
    "referral": "acquaintance",
    "income": "no_income",
    "languages_spoken": "Romanian, some French",
    "dutch_level": "none",
    "interpreter": "yes",
    "schooling": "primary",
    "work_wish": "building sites",
    "work_done": "never",
    "home": "no_place_tonight",
    "health": ["addiction"],
    "family": [],
    "papers": "in_order",
    "reading": SKIPPED,
    "network": "no",
    "daytime": "yes",
    "justice": "no",
    "anything_else": "nothing",
    "text_needs": [{"id": "distrust", "evidence": "I do not trust the OCMW", "question": "anything_else"}],
}


class CoachService(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 201

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["content-length"]))
        CoachService.received.append({"headers": dict(self.headers), "body": body})
        self.send_response(CoachService.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def coach(monkeypatch, tmp_path):
    CoachService.received = []
    CoachService.status = 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), CoachService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("ONTHAAL_COACH_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("ONTHAAL_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("ONTHAAL_OUTBOX_PATH", str(tmp_path / "outbox.sqlite3"))
    yield server
    server.shutdown()


def test_the_intake_matches_the_published_schema():
    intake = build_intake(make_tracker("/confirm", "confirm", **ANSWERS), "ONT-ABC234", "123456")
    schema = json.loads((ROOT / "schemas" / "intake-v3.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(intake)
    assert intake["language"] == "ro" and intake["channel"] == "rest"
    assert intake["answers"]["interpreter"] is True and intake["answers"]["work_done"] is None
    assert intake["schema_version"] == 3 and intake["status_code"] == "123456"
    assert intake["answers"]["help_with"] == ["money", "home", "health"]


def test_the_checklist_tells_reported_not_reported_skipped_and_not_asked():
    intake = build_intake(make_tracker("/confirm", "confirm", **ANSWERS), "ONT-ABC234", "123456")
    checklist = intake["checklist"]
    assert len(checklist) == 20
    reported = {need for need, state in checklist.items() if state == "reported"}
    assert reported == {
        "financial_need",
        "limited_dutch",
        "low_education",
        "limited_work_experience",
        "housing",
        "addiction",
        "limited_network",
        "distrust",
    }
    assert checklist["medical"] == "not_reported" and checklist["childcare"] == "not_reported"
    assert checklist["literacy_digital"] == "skipped"
    assert checklist["motivation"] == "not_asked" and checklist["aggression"] == "not_asked"
    assert intake["flags"] == ["no_income", "no_place_to_sleep"]
    distrust = next(need for need in intake["needs"] if need["id"] == "distrust")
    assert distrust == {
        "id": "distrust",
        "source": "text",
        "evidence": "I do not trust the OCMW",
        "question": "anything_else",
    }


def test_skipped_answers_are_null_and_listed():
    intake = build_intake(
        make_tracker("/confirm", "confirm", **{**ANSWERS, "contact_name": SKIPPED}), "ONT-ABC234", "123456"
    )
    assert intake["answers"]["name"] is None
    assert intake["skipped"] == ["contact_name", "reading"]


async def test_the_read_back_lists_every_answer_in_the_persons_language(dispatcher):
    tracker = make_tracker("/done", "done", **{**ANSWERS, "language": "en"})
    assert await ActionFinishIntakeForm().run(dispatcher, tracker, DOMAIN) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_readback"
    sections = message["summary"].split("\n\n")
    assert sections[0].splitlines()[:3] == ["About you", "• Name: Rustov", "• Neighbourhood: No fixed address"]
    assert sections[1].splitlines() == [
        "How to reach you",
        "• Contact: Phone",
        "• Number or e-mail: 0477 00 11 22",
        "• Best time: Any time",
    ]
    lines = message["summary"].splitlines()
    assert "• Health: Alcohol, drugs, gambling or gaming" in lines
    assert "• At home: No, none of these" in lines
    assert "• Reading, writing, phone: not answered" in lines
    assert sections[2].splitlines()[-1] == "• Also understood: trust in services"
    assert [button["payload"] for button in message["buttons"]] == [
        "/confirm",
        *(
            f'/change_answer{{"section":"{section}"}}'
            for section in ("about_you", "contact", "situation", "school_work", "daily_life")
        ),
    ]


async def test_dari_lists_use_the_persian_comma(dispatcher):
    tracker = make_tracker("/done", "done", **{**ANSWERS, "language": "prs", "health": ["body", "addiction"]})
    await ActionFinishIntakeForm().run(dispatcher, tracker, DOMAIN)
    lines = dispatcher.messages[0]["summary"].splitlines()
    assert "• صحت: جسم من: درد، مریضی، معلولیت، الکول، مواد مخدر، قمار یا بازی‌های کمپیوتری" in lines
    assert not any("," in line for line in lines if "0477" not in line and "Romanian" not in line)


async def test_after_no_consent_everything_but_the_language_is_forgotten(dispatcher):
    tracker = make_tracker("/deny", "deny", language="sk", consent=False)
    events = await ActionFinishIntakeForm().run(dispatcher, tracker, DOMAIN)
    assert events == [AllSlotsReset(), SlotSet("language", "sk")]
    assert responses(dispatcher) == ["utter_consent_declined"]


async def test_changing_the_contact_method_asks_its_follow_up_questions_again(dispatcher):
    tracker = make_tracker(
        '/change{"field":"contact_method"}', "change", entities=[entity("field", "contact_method")], **ANSWERS
    )
    events = await ActionResetAnswer().run(dispatcher, tracker, DOMAIN)
    assert events == [
        SlotSet("contact_method", None),
        SlotSet("contact_detail", None),
        SlotSet("contact_time", None),
        SlotSet("social_worker", None),
        SlotSet("known_phone_declined", None),
        SlotSet("multi_choices", []),
    ]


async def test_the_first_consent_question_tells_the_widget_the_language_and_welcomes(dispatcher):
    await ActionAskConsent().run(dispatcher, make_tracker("Салам", language="prs"), DOMAIN)
    assert dispatcher.messages[0]["custom"] == {"onthaal": {"language": "prs", "direction": "rtl"}}
    assert responses(dispatcher)[1:] == ["utter_welcome", "utter_ask_consent"]


async def test_a_multiple_question_offers_what_is_not_chosen_yet(dispatcher):
    tracker = make_tracker("", language="nl", multi_choices=["body"])
    await ActionAskHealth().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_more"
    assert message["chosen"] == "Mijn lichaam: pijn, ziekte, beperking"
    titles = [button["title"] for button in message["buttons"]]
    assert titles == [
        "💭 Hoe ik me voel: stress, verdriet, zorgen",
        "🍺 Alcohol, drugs, gokken of gamen",
        "✅ Klaar",
        "❓ Waarom vraag je dit?",
        "🙋 Met een mens praten",
    ]


async def test_the_first_time_a_multiple_question_uses_its_own_response(dispatcher):
    await ActionAskHealth().run(dispatcher, make_tracker("", language="nl"), DOMAIN)
    assert responses(dispatcher) == ["utter_ask_health"]


async def test_the_intake_is_posted_signed_and_the_person_gets_a_reference(dispatcher, coach):
    events = await ActionSubmitIntake().run(dispatcher, make_tracker("/confirm", "confirm", **ANSWERS), DOMAIN)
    [request] = CoachService.received
    headers = {key.lower(): value for key, value in request["headers"].items()}
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request["body"]
    expected = base64.b64encode(hmac.new(base64.b64decode(SECRET[6:]), signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    intake = json.loads(request["body"])
    [message] = dispatcher.messages
    assert message["response"] == "utter_submitted" and message["reference"] == intake["reference"]
    assert message["code"] == intake["status_code"]
    assert events == [AllSlotsReset(), SlotSet("language", "ro")]
    assert delivery.pending_count() == 0


async def test_when_the_coach_service_is_down_the_intake_waits_in_the_outbox(dispatcher, coach, monkeypatch):
    CoachService.status = 503
    await ActionSubmitIntake().run(dispatcher, make_tracker("/confirm", "confirm", **ANSWERS), DOMAIN)
    assert responses(dispatcher) == ["utter_submit_delayed"]
    assert delivery.pending_count() == 1
    CoachService.status = 201
    assert len(delivery.Sender(clock=lambda: time.time() + delivery.HANDOFF_LEASE_SECONDS).run_once()) == 1
    assert delivery.pending_count() == 0
    first, retry = CoachService.received
    assert first["headers"]["webhook-id"] == retry["headers"]["webhook-id"]
    assert first["body"] == retry["body"]


def test_the_outbox_lives_where_configured(coach, tmp_path):
    assert delivery.DeliverySettings.from_env().outbox_path == tmp_path / "outbox.sqlite3"


def test_staff_remarks_of_this_intake_go_with_it():
    tracker = make_tracker("/confirm", "confirm", **ANSWERS)
    earlier = {"event": "user", "metadata": {"onthaal_assisted_by": "an", "onthaal_remarks": ["old intake"]}}
    now = {"event": "user", "metadata": {"onthaal_assisted_by": "an", "onthaal_remarks": ["Came with his cousin."]}}
    tracker.events = [earlier, {"event": "action", "name": "action_submit_intake"}, now, *tracker.events]
    intake = build_intake(tracker, "ONT-ABC234", "123456")
    assert intake["remarks"] == [{"by": "an", "text": "Came with his cousin."}]
