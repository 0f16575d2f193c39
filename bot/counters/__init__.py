"""Anonymous counters for /bereik: how many conversations started, gave consent, were handed off, stopped or
expired, and at which question (issue 15). Only counts per day, event, question, language and channel leave the
assistant; never a conversation id, a sender id, an answer or a time finer than the day."""
