"""The channel limits on WhatsApp and Telegram, against the running stack: a message over 2,000 characters gets
the kind answer through the provider, in the conversation's language, and never reaches Rasa."""

from __future__ import annotations

import pytest

from bot.channels.limits import MAX_MESSAGE_CHARS
from bot.channels.messaging import pseudonym
from tests.channels.test_messaging_channels import telegram, user_events, whatsapp
from tests.e2e.chat import pack

pytestmark = pytest.mark.stack

LONG = "Ich suche Arbeit. " * (MAX_MESSAGE_CHARS // 18 + 1)


def test_a_long_whatsapp_message_is_answered_in_the_conversations_language_and_not_passed_on(
    channel_stack, fake_provider, channel_credentials
):
    person = whatsapp(channel_stack, fake_provider, channel_credentials)
    person.say("Dobrý deň, hľadám prácu v Gente")  # clearly Slovak: the conversation is in Slovak
    assert person.texts and pack("sk")["consent_question"].split("\n")[0] in "\n".join(person.texts)
    sender_id = pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], f"whatsapp:{person.phone}")
    before = user_events(channel_stack, sender_id)
    assert len(LONG) > MAX_MESSAGE_CHARS
    person.say(LONG)
    assert person.texts == [pack("sk")["message_too_long"]]
    assert user_events(channel_stack, sender_id) == before


def test_a_long_first_telegram_message_is_answered_in_the_apps_language_and_nothing_is_stored(
    channel_stack, fake_provider, channel_credentials
):
    person = telegram(channel_stack, fake_provider, channel_credentials, language_code="ro")
    person.say(LONG[:4000])
    assert person.texts == [pack("ro")["message_too_long"]]
    sender_id = pseudonym("tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id))
    assert user_events(channel_stack, sender_id) == []
