"""The chat channels: the web widget (REST), the reception desk, WhatsApp (Twilio) and Telegram, and their limits."""
