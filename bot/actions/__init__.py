"""Custom actions of the Onthaal assistant, one module per feature, and nothing else: rasa_sdk imports every
module of this package and registers each Action it finds. The libraries they use live beside it, in
`bot/intake/` (questions, answers, the intake) and `bot/delivery/` (outbox and webhook to the coach service)."""
