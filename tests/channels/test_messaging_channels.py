"""WhatsApp (Twilio) and Telegram against the running Rasa server, action server and coach service.

Requests are sent in each provider's real format; what the assistant sends goes to a local fake provider.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import Any

import httpx
import pytest
import yaml

from bot.channels.messaging import LANGUAGE_HINT_KEY, PHONE_KEY, pseudonym
from tests.channels.conftest import PUBLIC_WHATSAPP_URL
from tests.channels.people import Person, TelegramPerson, WhatsAppPerson, twilio_signature
from tests.e2e.chat import ROOT, pack, stored_intakes, words

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
        headers=stack.rasa_api_headers(),
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def user_events(stack, sender_id: str) -> list[dict[str, Any]]:
    return [event for event in tracker(stack, sender_id)["events"] if event["event"] == "user"]


def hold_intake(
    person: Person, code: str, opening: str, typed: dict[str, str], prefer: list[str], media_at: str | None = None
) -> str:
    """Answers every question with the buttons (numbers on WhatsApp): the `prefer`red ones where offered, else
    "skip", else the first; types `typed[question key]` where that question is asked. Sends a voice note or photo
    once when the question `media_at` is asked. Returns the reference."""
    texts = pack(code)
    wanted = [language_name(code), *(texts[key] for key in prefer)]
    person.say(opening)
    for _ in range(80):
        said = "\n".join(person.texts)
        if "ONT-" in said:
            assert any(texts[done].split("{reference}")[0] in said for done in ("submitted", "submitted_come_by"))
            return next(word.strip(".,!") for word in said.split() if word.startswith("ONT-"))
        options = person.options()
        last = person.texts[-1] if person.texts else ""
        answer = next((said for key, said in typed.items() if texts[key] in last), None)
        if media_at and texts[media_at] in last:
            person.send_media()
            assert person.texts[0] == texts["media_not_supported"]
            assert texts[media_at] in person.texts[-1], "the open question is asked again"
            media_at = None
        elif choice := next((title for title in wanted if title in map(words, options)), None):
            person.choose(choice)
        elif answer is not None:
            person.say(answer)
        elif texts["skip_button"] in map(words, options):
            person.choose(texts["skip_button"])
        elif options:
            person.choose(options[0])
        else:
            person.say("Test")
    raise AssertionError(f"no reference after 80 turns; last replies: {person.texts}")


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
    prefer = ["consent_yes", "readback_confirm", "contact_method_whatsapp", "use_known_number_yes"]
    opening = "Bună ziua, caut un loc de muncă"
    reference = hold_intake(person, "ro", opening, {"ask_contact_name": "Ioana Popescu"}, prefer, "ask_contact_method")
    assert all(reply["from"] == "whatsapp:+14155238886" for reply in fake_provider.sent if reply["to"] == person.to)
    intake = stored(channel_stack, reference)
    assert intake["channel"] == "whatsapp"
    assert intake["language"] == "ro"
    assert intake["answers"]["name"] == "Ioana Popescu"
    assert intake["answers"]["contact_method"] == "whatsapp"
    assert intake["answers"]["contact_detail"] == "+32470123456"  # the sender's number, offered after consent
    assert [item["kind"] for item in intake["media"]] == ["voice"]
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], "whatsapp:+32470123456")
    assert intake["conversation_id"] == sender_id  # never the phone number
    events = user_events(channel_stack, sender_id)
    assert all(event["metadata"][PHONE_KEY] == "+32470123456" for event in events)
    # Twilio's message ids: the hand-off's ids come from its message's (bot/delivery/handoff_ids.py)
    message_ids = [event["metadata"]["onthaal_message_id"] for event in events]
    assert all(given.startswith("SM") for given in message_ids) and len(set(message_ids)) == len(events)
    assert all(event["input_channel"] == "whatsapp" for event in events)


def without_accents(words: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", words) if not unicodedata.combining(char))


def test_whatsapp_options_answered_with_the_words_and_other_numbers_kept_as_text(
    channel_stack, fake_provider, channel_credentials
):
    texts = pack("ro")
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], f"whatsapp:{person.phone}")
    person.say("Bună ziua, caut un loc de muncă")
    assert texts["consent_question"] in person.texts[-1]
    person.say(without_accents(texts["consent_yes"]).upper() + ".")  # no accents, other case, a full stop
    assert user_events(channel_stack, sender_id)[-1]["text"] == "/affirm"
    assert texts["ask_contact_name"] in person.texts[-1]
    not_an_option = str(len(person.options()) + 1)
    person.say(not_an_option)
    assert user_events(channel_stack, sender_id)[-1]["text"] == not_an_option


def test_a_whole_intake_over_telegram_with_inline_keyboards(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials, language_code="bg")
    prefer = ["consent_yes", "readback_confirm"]
    reference = hold_intake(person, "bg", "/start", {"ask_contact_name": "Милена"}, prefer, "ask_contact_method")
    intake = stored(channel_stack, reference)
    assert intake["channel"] == "telegram"
    assert intake["language"] == "bg"
    assert intake["answers"]["name"] == "Милена"
    assert [item["kind"] for item in intake["media"]] == ["image"]
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    assert intake["conversation_id"] == sender_id
    events = user_events(channel_stack, sender_id)
    assert events[0]["text"] == "/greet"
    assert any(event["text"].startswith("/") and event["text"] != "/greet" for event in events), "buttons pressed"
    assert all(event["metadata"][LANGUAGE_HINT_KEY] == "bg" for event in events)
    assert all(event["input_channel"] == "telegram" for event in events)
    message_ids = [event["metadata"]["onthaal_message_id"] for event in events]  # from Telegram's update ids
    assert all(given.startswith("tg-") for given in message_ids) and len(set(message_ids)) == len(events)


def test_telegram_language_hint_for_dari_and_none_for_other_languages(
    channel_stack, fake_provider, channel_credentials
):
    for language_code, hint in (("fa", "prs"), ("ro-RO", "ro"), ("de", None)):
        person = telegram(channel_stack, fake_provider, channel_credentials, language_code=language_code)
        person.say("Hallo")
        sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
        assert user_events(channel_stack, sender_id)[0]["metadata"].get(LANGUAGE_HINT_KEY) == hint


# --- Media -------------------------------------------------------------------------------------------------


def test_a_voice_note_as_first_message_gets_a_kind_answer_and_the_language_question(
    channel_stack, fake_provider, channel_credentials
):
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    person.send_media()
    assert person.texts[0] == pack("en")["media_not_supported"]
    assert person.options() == [language_name(code) for code in ("nl", "en", "bg", "sk", "ro", "prs")]
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], f"whatsapp:{person.phone}")
    parse_data = user_events(channel_stack, sender_id)[-1]["parse_data"]
    assert parse_data["intent"]["name"] == "media"
    assert parse_data["entities"][0]["entity"] == "media_kind" and parse_data["entities"][0]["value"] == "voice"
    person.say("  ROMÂNĂ ")  # an option answered with its words, in another case
    assert user_events(channel_stack, sender_id)[-1]["text"] == '/choose_language{"language":"ro"}'
    assert pack("ro")["consent_question"] in person.texts[-1]


def test_a_telegram_document_as_first_message_is_media_of_kind_file(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials)
    document = {"file_name": "cv.pdf", "mime_type": "application/pdf", "file_id": "BQAD", "file_unique_id": "AgAD"}
    person.send(person.message(document=document))
    assert person.texts[0] == pack("en")["media_not_supported"]
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    assert user_events(channel_stack, sender_id)[-1]["text"] == '/media{"media_kind":"file"}'


def test_a_telegram_photo_gets_a_kind_answer_in_the_conversation_language(
    channel_stack, fake_provider, channel_credentials
):
    texts = pack("prs")
    person = telegram(channel_stack, fake_provider, channel_credentials, language_code="fa")
    person.say("/start")
    if language_name("prs") in person.options():  # unless the app's language (fa: Dari) already chose it
        person.choose(language_name("prs"))
    person.choose(texts["consent_yes"])
    assert texts["ask_contact_name"] in person.texts[-1]
    person.send_media()
    assert person.texts[0] == texts["media_not_supported"]
    assert texts["ask_contact_name"] in person.texts[-1]


# --- Group chats -------------------------------------------------------------------------------------------


def test_edited_messages_are_not_read(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials)
    edited = person.message(text="Hallo", edit_date=1)
    edited["edited_message"] = edited.pop("message")
    person.send(edited)
    assert person.replies == []


def test_group_chats_are_not_answered(channel_stack, fake_provider, channel_credentials):
    person = telegram(channel_stack, fake_provider, channel_credentials)
    update = person.message(text="Hallo")
    update["message"]["chat"] = {"id": -100123, "title": "A group", "type": "group"}
    before = len(fake_provider.sent)
    assert person.post(update, channel_credentials["TELEGRAM_WEBHOOK_SECRET"]).status_code == 200
    assert fake_provider.sent_since(before) == []
