"""Getting an intake to the coach service: the schema check, the encrypted outbox, the signed webhook and the
sender that retries it (`python -m bot.delivery.delivery` runs the sender alone). Used by the hand-off action and
started by the action server; no Rasa actions live here."""
