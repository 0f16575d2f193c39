"""The real stack with WhatsApp and Telegram open (replies to a local fake provider), for the security probes."""

from tests.channels.conftest import channel_credentials, channel_stack, fake_provider  # noqa: F401 (fixtures)
