"""WhatsApp (Twilio) and Telegram against the running Rasa server, action server and coach service.

Requests are sent in each provider's real format; what the assistant sends goes to a local fake provider.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
import yaml

from bot.channels.messaging import LANGUAGE_HINT_KEY, PHONE_KEY, pseudonym
from tests.channels.conftest import PUBLIC_WHATSAPP_URL
from tests.channels.people import Person, TelegramPerson, WhatsAppPerson, twilio_signature
from tests.e2e.chat import ROOT, pack, stored_intakes
from tools.stack import ensure_dotenv

pytestmark = pytest.mark.stack


def language_name(code: str) -> str:
    return yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["name"]


def whatsapp(stack, provider, credentials, phone: str | None = None) -> WhatsAppPerson:
    phone = phone or "+3247" + "".join(secrets.choice("0123456789") for _ in range(7))
    return WhatsAppPerson(stack.rasa_url, provider, credentials["TWILIO_AUTH_TOKEN"], PUBLIC_WHATSAPP_URL, phone)


def telegram(stack, provider, credentials, language_code: str = "bg") -> TelegramPerson:
    chat_id = 100_000_000 + secrets.randbelow(800_000_000)
    return TelegramPerson(stack.rasa_url, provider, credentials["TELEGRAM_WEBHOOK_SECRET"], chat_id, language_code)


def tracker(stack, sender_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{stack.rasa_url}/conversations/{sender_id}/tracker",
        params={"token": ensure_dotenv()["RASA_AUTH_TOKEN"]},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def user_events(stack, sender_id: str) -> list[dict[str, Any]]:
    return [event for event in tracker(stack, sender_id)["events"] if event["event"] == "user"]


def hold_intake(person: Person, code: str, name: str, phone: str) -> str:
    """Answers every question with the buttons (or numbers), typing only the name and the phone number."""
    texts = pack(code)
    person.say("Hallo")
    chose_need = False
    for _ in range(40):
        said = "\n".join(person.texts)
        if "ONT-" in said:
            assert texts["submitted"].split("{reference}")[0] in said
            return next(word.strip(".,!") for word in said.split() if word.startswith("ONT-"))
        options = person.options()
        last = person.texts[-1] if person.texts else ""
        for wanted in (language_name(code), texts["consent_yes"], texts["readback_confirm"]):
            if wanted in options:
                person.choose(wanted)
                break
        else:
            if texts["ask_name"] in last:
                person.say(name)
            elif texts["contact_method_phone"] in options:
                person.choose(texts["contact_method_phone"])
            elif texts["ask_contact_phone"] in last:
                person.say(phone)
            elif texts["needs_done"] in options:
                person.choose(texts["needs_done"] if chose_need else texts["need_group_housing"])
                chose_need = True
            elif texts["skip_button"] in options:
                person.choose(texts["skip_button"])
            elif options:
                person.choose(options[0])
            else:
                person.say("Test")
    raise AssertionError(f"no reference after 40 turns; last replies: {person.texts}")


def stored(stack, reference: str) -> dict[str, Any]:
    return next(intake for intake in stored_intakes(stack.state_dir) if intake["reference"] == reference)


# --- Refused requests --------------------------------------------------------------------------------------


def test_whatsapp_refuses_unsigned_and_forged_requests(channel_stack, fake_provider, channel_credentials):
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    form = person.form("Hallo")
    forged = [
        None,  # unsigned
        "",
        twilio_signature("not-the-auth-token", PUBLIC_WHATSAPP_URL, form),
        twilio_signature(channel_credentials["TWILIO_AUTH_TOKEN"], person.url, form),  # not the public URL
        twilio_signature(channel_credentials["TWILIO_AUTH_TOKEN"], PUBLIC_WHATSAPP_URL, {**form, "Body": "other"}),
    ]
    sent_before = len(fake_provider.sent)
    for signature in forged:
        assert person.post(form, signature).status_code == 403
    assert fake_provider.sent_since(sent_before) == []
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], f"whatsapp:{person.phone}")
    assert user_events(channel_stack, sender_id) == []

    person.say("Hallo")  # the same request, signed, is processed
    assert person.replies and len(user_events(channel_stack, sender_id)) == 1


def test_telegram_refuses_updates_without_the_secret_token(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials)
    update = person.message(text="Здравейте")
    sent_before = len(fake_provider.sent)
    for secret in (None, "", "wrong-secret", channel_credentials["TELEGRAM_WEBHOOK_SECRET"] + "x"):
        assert person.post(update, secret).status_code == 403
    assert fake_provider.sent_since(sent_before) == []
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    assert user_events(channel_stack, sender_id) == []

    person.send(update)
    assert person.replies and len(user_events(channel_stack, sender_id)) == 1


# --- Whole intakes -----------------------------------------------------------------------------------------


def test_a_whole_intake_over_whatsapp_with_numbered_options(channel_stack, fake_provider, channel_credentials):
    person = whatsapp(channel_stack, fake_provider, channel_credentials, phone="+32470123456")
    person.say("Hallo")
    language_names = [language_name(code) for code in ("nl", "en", "bg", "sk", "ro", "prs")]
    assert person.options() == language_names
    assert all(reply["from"] == "whatsapp:+14155238886" for reply in person.replies)

    reference = hold_intake(person, "ro", "Ioana", "0470 12 34 56")
    intake = stored(channel_stack, reference)
    assert intake["channel"] == "whatsapp"
    assert intake["language"] == "ro"
    assert intake["answers"]["name"] == "Ioana"
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], "whatsapp:+32470123456")
    assert intake["conversation_id"] == sender_id  # never the phone number
    events = user_events(channel_stack, sender_id)
    assert all(event["metadata"][PHONE_KEY] == "+32470123456" for event in events)
    assert all(event["input_channel"] == "whatsapp" for event in events)


def test_whatsapp_options_answered_with_the_words(channel_stack, fake_provider, channel_credentials):
    texts = pack("ro")
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    person.say("Hallo")
    person.say("  ROMÂNĂ ")
    assert texts["consent_question"] in "\n".join(person.texts)
    person.say("da.")  # "Da" without the accent, case or full stop
    assert person.texts == [texts["ask_name"] + "\n\n1. " + texts["skip_button"]]
    person.say("2")  # not an option here: kept as the name
    assert texts["ask_contact_method"] in person.texts[-1]


def test_a_whole_intake_over_telegram_with_inline_keyboards(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials, language_code="bg")
    person.say("/start")
    assert person.buttons(), "the first reply offers buttons"
    reference = hold_intake(person, "bg", "Милена", "0488 765 432")
    intake = stored(channel_stack, reference)
    assert intake["channel"] == "telegram"
    assert intake["language"] == "bg"
    assert intake["answers"]["name"] == "Милена"
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    assert intake["conversation_id"] == sender_id
    events = user_events(channel_stack, sender_id)
    assert events[0]["text"] == "/greet"
    assert all(event["metadata"][LANGUAGE_HINT_KEY] == "bg" for event in events)
    assert all(event["input_channel"] == "telegram" for event in events)


def test_telegram_language_hint_for_dari_and_none_for_other_languages(
    channel_stack, fake_provider, channel_credentials
):
    for language_code, hint in (("fa", "prs"), ("ro-RO", "ro"), ("de", None)):
        person = telegram(channel_stack, fake_provider, channel_credentials, language_code=language_code)
        person.say("Hallo")
        sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
        assert user_events(channel_stack, sender_id)[0]["metadata"].get(LANGUAGE_HINT_KEY) == hint


# --- Media -------------------------------------------------------------------------------------------------

# During the form, the answer comes only once ValidateIntakeForm ignores intent `media` (returns no events, so
# Rasa's form rejects and the rule in bot/data/rules/channels.yml answers). Remove the marks once that is wired.
NEEDS_FORM_TO_IGNORE_MEDIA = pytest.mark.xfail(reason="ValidateIntakeForm does not ignore intent media yet")


def test_a_voice_note_as_first_message_gets_a_kind_answer_and_the_language_question(
    channel_stack, fake_provider, channel_credentials
):
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    voice = person.form("", NumMedia="1", MessageType="audio", MediaContentType0="audio/ogg")
    person.send(voice)
    assert person.texts[0] == pack("en")["media_not_supported"]
    assert person.options() == [language_name(code) for code in ("nl", "en", "bg", "sk", "ro", "prs")]
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], f"whatsapp:{person.phone}")
    parse_data = user_events(channel_stack, sender_id)[-1]["parse_data"]
    assert parse_data["intent"]["name"] == "media"
    assert parse_data["entities"][0]["entity"] == "media_kind" and parse_data["entities"][0]["value"] == "voice"


def test_a_telegram_document_as_first_message_is_media_of_kind_file(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials)
    document = {"file_name": "cv.pdf", "mime_type": "application/pdf", "file_id": "BQAD", "file_unique_id": "AgAD"}
    person.send(person.message(document=document))
    assert person.texts[0] == pack("en")["media_not_supported"]
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    assert user_events(channel_stack, sender_id)[-1]["text"] == '/media{"media_kind":"file"}'


@NEEDS_FORM_TO_IGNORE_MEDIA
def test_a_whatsapp_voice_note_gets_a_kind_answer_and_the_question_again(
    channel_stack, fake_provider, channel_credentials
):
    texts = pack("en")
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    person.say("Hallo")
    person.choose("English")
    person.choose(texts["consent_yes"])
    assert texts["ask_name"] in person.texts[-1]
    voice = person.form("", NumMedia="1", MessageType="audio", MediaContentType0="audio/ogg")
    voice["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"
    person.send(voice)
    assert person.texts[0] == texts["media_not_supported"]
    assert texts["ask_name"] in person.texts[-1]
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], f"whatsapp:{person.phone}")
    assert user_events(channel_stack, sender_id)[-1]["parse_data"]["intent"]["name"] == "media"
    assert user_events(channel_stack, sender_id)[-1]["parse_data"]["entities"][0]["value"] == "voice"


@NEEDS_FORM_TO_IGNORE_MEDIA
def test_a_telegram_photo_gets_a_kind_answer_in_the_conversation_language(
    channel_stack, fake_provider, channel_credentials
):
    texts = pack("prs")
    person = telegram(channel_stack, fake_provider, channel_credentials, language_code="fa")
    person.say("/start")
    person.choose(language_name("prs"))
    person.choose(texts["consent_yes"])
    photo = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 67, "file_size": 1254}]
    person.send(person.message(photo=photo))
    assert person.texts[0] == texts["media_not_supported"]
    assert texts["ask_name"] in person.texts[-1]


# --- Group chats -------------------------------------------------------------------------------------------


def test_group_chats_are_not_answered(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials)
    update = person.message(text="Hallo")
    update["message"]["chat"] = {"id": -100123, "title": "A group", "type": "group"}
    before = len(fake_provider.sent)
    assert person.post(update, channel_credentials["TELEGRAM_WEBHOOK_SECRET"]).status_code == 200
    assert fake_provider.sent_since(before) == []
