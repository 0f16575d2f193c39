"""Personas of tests/e2e/personas.py who come by WhatsApp or Telegram: a whole intake over the channel, in the
provider's real request format, up to the reference; the stored intake says the channel and what they said."""

from __future__ import annotations

import pytest

from bot.channels.messaging import pseudonym
from tests.channels.people import ChannelChat
from tests.channels.test_messaging_channels import stored, telegram, whatsapp
from tests.e2e.intake import IntakeScript
from tests.e2e.personas import PERSONAS, assert_intake_follows

pytestmark = pytest.mark.stack


def test_simon_holds_his_intake_over_whatsapp(channel_stack, fake_provider, channel_credentials):
    """Met by outreach in the Brugse Poort, he writes from his own phone and lets the coach use that number."""
    persona = PERSONAS["Simon"]
    person = whatsapp(channel_stack, fake_provider, channel_credentials, phone="+32485556677")
    script = IntakeScript(ChannelChat(person), persona.language, persona.script)
    reference = script.hold(persona.opening)
    intake = stored(channel_stack, reference)
    assert intake["channel"] == "whatsapp"
    assert intake["answers"]["contact_detail"] == "+32485556677"
    assert intake["conversation_id"] == pseudonym("wa", channel_credentials["TWILIO_AUTH_TOKEN"], person.to)
    assert "tell_more" in script.asked and "work_done" in script.asked
    assert_intake_follows(persona, intake)


def test_keano_holds_his_intake_over_telegram(channel_stack, fake_provider, channel_credentials):
    """He opens the bot from Telegram on his phone (Dutch app) and taps through, typing his name and his group
    worker's."""
    persona = PERSONAS["Keano"]
    person = telegram(channel_stack, fake_provider, channel_credentials, language_code="nl")
    script = IntakeScript(ChannelChat(person, "/start"), persona.language, persona.script)
    reference = script.hold(persona.opening)
    intake = stored(channel_stack, reference)
    assert intake["channel"] == "telegram"
    assert intake["conversation_id"] == pseudonym(
        "tg", channel_credentials["TELEGRAM_WEBHOOK_SECRET"], str(person.chat_id)
    )
    assert "tell_more" in script.asked and "work_done" not in script.asked
    assert_intake_follows(persona, intake)
