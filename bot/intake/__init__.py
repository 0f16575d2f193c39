"""What the actions know about an intake, without being actions: the questions (bot/questions.yml), reading an
answer from a message, building the intake a coach receives, and the reference data (language packs, wijken,
needs) they all read. Plain functions of a tracker or of files: no Rasa actions, no network."""
