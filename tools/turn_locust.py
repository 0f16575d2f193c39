"""Simulated people for the turn benchmark (tools/turn_bench.py), as locust users.

`OnthaalPerson` talks to Onthaal through the widget's channel (POST /webhooks/rest/webhook, bot/channels/web.py):
it opens the chat (`/greet`), taps a language, consents and answers whatever is asked: a random answer button,
now and then "I'd rather not say", "Done" in a question with several answers, and a typed sentence (from the
held-out messages in tests/nlu/<language>.yml) where a question asks for the person's own words. Each
conversation comes from its own address (X-Forwarded-For through a trusted proxy, ONTHAAL_TRUSTED_PROXY=127.0.0.1
in the bench), as people behind one reverse proxy would. A person starts a new conversation after
`turns_per_conversation` turns (or, with `new_after_reference`, once it got the intake's reference).
tools/cluster_load.py uses the same person.
`PlainPerson` has the plain conversation of a `rasa init` assistant ("hi", "great", ...) on Rasa's REST channel.

Every turn is recorded in `TURNS` (kind, turn index in its conversation, milliseconds, ok, typed or a button) for
the driver; locust's
own statistics see the same requests. Runnable alone too: `locust -f tools/turn_locust.py --host http://...`.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from locust import HttpUser, between, task

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "en", "bg", "sk", "ro", "prs")
WEBHOOK = "/webhooks/rest/webhook"
REFERENCE = "ONT-"  # how an intake's reference begins (bot/delivery/coach_client.py)
PLAIN_MESSAGES = ("hi", "great", "hello", "I am sad", "yes", "good morning", "no", "bye")


@dataclass(frozen=True)
class Turn:
    kind: str  # "onthaal" or "plain"
    index: int  # 1 = the first message of its conversation (the widget's greeting)
    ms: float
    ok: bool
    typed: bool = False  # a typed sentence (goes through the NLU pipeline), else a button's payload
    status: int = 200  # the HTTP status (429: the channel refused one message too many, bot/channels/limits.py)


TURNS: list[Turn] = []


def pack(code: str) -> dict[str, str]:
    return yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["texts"]


def typed_sentences(code: str) -> list[str]:
    """What people in this language wrote asking for help (held-out test messages, never in training)."""
    data = yaml.safe_load((ROOT / "tests" / "nlu" / f"{code}.yml").read_text("utf-8"))["nlu"]
    examples = next(block["examples"] for block in data if block.get("intent") == "request_help")
    return [line[2:].strip() for line in examples.splitlines() if line.startswith("- ")]


def words(title: str) -> str:
    """A button's words without the pictogram in front."""
    first, _, rest = title.partition(" ")
    return rest if rest and not any(char.isalnum() for char in first) else title


class Words:
    """The buttons a person tells apart, per language (read once)."""

    _cache: dict[str, Words] = {}

    def __init__(self, code: str) -> None:
        texts = pack(code)
        self.consent_yes = texts["consent_yes"]
        self.skip = texts["skip_button"]
        self.done = texts["done_button"]
        self.confirm = texts["readback_confirm"]
        # Buttons that leave the intake or only explain: a person in the benchmark does not tap them.
        self.avoided = {texts[key] for key in ("why_button", "person_button", "consent_no", "offer_person_yes")}
        self.avoided |= {text for key, text in texts.items() if key.startswith("readback_change_")}
        self.sentences = typed_sentences(code)

    @classmethod
    def of(cls, code: str) -> Words:
        if code not in cls._cache:
            cls._cache[code] = cls(code)
        return cls._cache[code]


LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "bg": "Български", "sk": "Slovenčina", "ro": "Română"}
LANGUAGE_NAMES["prs"] = "دری"


def next_message(replies: list[dict[str, Any]], language: str, rng: random.Random) -> str:
    """What a person answers to the bot's last replies: a button's payload or a typed sentence."""
    known = Words.of(language)
    buttons = {words(b["title"]): b["payload"] for reply in replies for b in reply.get("buttons", [])}
    if LANGUAGE_NAMES[language] in buttons:
        return buttons[LANGUAGE_NAMES[language]]
    for wanted in (known.consent_yes, known.confirm):
        if wanted in buttons:
            return buttons[wanted]
    answers = [title for title in buttons if title not in known.avoided and title not in (known.skip, known.done)]
    if known.done in buttons and (not answers or rng.random() < 0.4):
        return buttons[known.done]
    if answers and rng.random() < 0.9:
        return buttons[rng.choice(answers)]
    if rng.random() < 0.5 or known.skip not in buttons:
        return rng.choice(known.sentences)  # own words: a name, a language, work, or a question with no button
    return buttons[known.skip]


class Person(HttpUser):
    """One person at a time on one conversation; `turns_per_conversation` turns, then a new conversation."""

    abstract = True
    kind = "?"
    turns_per_conversation = 40
    wait_time = between(3, 10)
    empty_answer_is_error = True
    new_after_reference = False  # start again once the bot gave the intake's reference (tools/cluster_load.py)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.new_conversation()

    def new_conversation(self) -> None:
        # A new conversation from a new address: the channel limits each address too (bot/channels/limits.py).
        self.address = f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
        self.sender = f"web-{uuid.uuid4()}"
        self.turn = 0
        self.replies: list[dict[str, Any]] = []

    def message(self) -> str:
        raise NotImplementedError

    @task
    def one_turn(self) -> None:
        ended = self.new_after_reference and any(REFERENCE in reply.get("text", "") for reply in self.replies)
        if ended or self.turn >= self.turns_per_conversation:
            self.new_conversation()
        text = self.message()
        self.turn += 1
        body = {"sender": self.sender, "message": text}
        started = time.perf_counter()
        with self.client.post(
            WEBHOOK, json=body, headers={"X-Forwarded-For": self.address}, name=f"{self.kind} turn", catch_response=True
        ) as response:
            ok = response.status_code == 200
            if ok:
                try:
                    self.replies = response.json()
                except ValueError:
                    ok = False
            if ok and not self.replies and self.empty_answer_is_error:
                ok = False  # every message an Onthaal person sends gets an answer
            if ok:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
        elapsed_ms = (time.perf_counter() - started) * 1000
        typed = not text.startswith("/")
        TURNS.append(Turn(self.kind, self.turn, elapsed_ms, ok, typed=typed, status=response.status_code))
        if not ok:
            self.new_conversation()


class OnthaalPerson(Person):
    kind = "onthaal"

    def new_conversation(self) -> None:
        super().new_conversation()
        self.language = self.rng.choice(LANGUAGES)

    def message(self) -> str:
        return "/greet" if self.turn == 0 else next_message(self.replies, self.language, self.rng)


class PlainPerson(Person):
    kind = "plain"
    empty_answer_is_error = False  # the mood bot may just listen

    def new_conversation(self) -> None:
        super().new_conversation()
        self.messages = itertools.cycle(PLAIN_MESSAGES)

    def message(self) -> str:
        return next(self.messages)
