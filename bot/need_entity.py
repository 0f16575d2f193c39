"""The need entity as the NLU server sets it and the action server reads it: one definition for both sides.

`bot.nlu.needs.rules` writes it (the Rasa server); `bot.intake.unsure_needs` reads it (the action server, which
imports nothing from `bot.nlu`).
"""

NAME = "need"
# `method` of a need found by likeness to example answers (bot/nlu/needs/similar.py), not by a lexicon term: the
# dialogue takes it only from an answer in the person's own words.
METHOD = "method"
BY_LIKENESS = "likeness"
