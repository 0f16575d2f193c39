"""Messaging connectors: WhatsApp (Twilio) and Telegram, beside the REST and socket.io channels."""
