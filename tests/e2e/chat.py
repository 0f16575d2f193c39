"""A person chatting with the running assistant through Rasa's REST channel."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[2]
RETRIES_WHEN_TOO_MANY = 120


def rasa_api_headers() -> dict[str, str]:
    """`Authorization: Bearer <JWT>` for Rasa's HTTP API, signed with the development secret in `.env`."""
    from coach.rasa import auth_headers
    from tools.stack import ensure_dotenv

    return auth_headers(ensure_dotenv()["RASA_JWT_SECRET"])


def pack(code: str) -> dict[str, str]:
    return yaml.safe_load((ROOT / "languages" / f"{code}.yml").read_text("utf-8"))["texts"]


def words(title: str) -> str:
    """A button's words without the pictogram in front (config/pictograms.yml)."""
    first, _, rest = title.partition(" ")
    return rest if rest and not any(char.isalnum() for char in first) else title


def without_progress(text: str) -> str:
    """A question without its progress line ("Question 3 of 7")."""
    first, _, rest = text.partition("\n")
    return rest if rest and len(first) < 40 and sum(char.isdigit() for char in first) >= 2 else text


class Chat:
    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = f"web-{uuid.uuid4()}"  # the REST channel accepts only its own id format
        self.replies: list[dict[str, Any]] = []

    def body(self, message: str) -> dict[str, Any]:
        return {"sender": self.sender, "message": message}

    def greet(self) -> list[dict[str, Any]]:
        """Opening the chat: the widget sends the greeting before the person does anything."""
        return self.say("/greet")

    def say(self, message: str) -> list[dict[str, Any]]:
        body = self.body(message)
        for _ in range(RETRIES_WHEN_TOO_MANY):
            response = httpx.post(self.url, json=body, timeout=60)
            if response.status_code != 429:
                break
            # A test talks faster than a person: over the channel's rate limit it waits, as the widget does.
            time.sleep(0.5)
        response.raise_for_status()
        self.replies = response.json()
        return self.replies

    @property
    def texts(self) -> list[str]:
        return [reply["text"] for reply in self.replies if "text" in reply]

    @property
    def bare_texts(self) -> list[str]:
        """The texts without the progress line in front of a question ("Question 3 of 7")."""
        return [without_progress(text) for text in self.texts]

    def buttons(self) -> dict[str, str]:
        """Title -> payload of the buttons in the last reply."""
        return {button["title"]: button["payload"] for reply in self.replies for button in reply.get("buttons", [])}

    def offers(self, title: str) -> bool:
        """Whether the last reply has a button with these words (pictogram aside)."""
        return title in {words(shown) for shown in self.buttons()}

    def click(self, title: str) -> list[dict[str, Any]]:
        """Tap the button with these words (its pictogram in front is not part of them)."""
        buttons = {words(shown): payload for shown, payload in self.buttons().items()}
        assert title in buttons, f"no button {title!r} in {list(buttons)}"
        return self.say(buttons[title])

    def tracker(self) -> dict[str, Any]:
        """This conversation as Rasa keeps it (slots, events), through Rasa's HTTP API."""
        url = f"{self.rasa_url}/conversations/{self.sender}/tracker"
        response = httpx.get(url, headers=rasa_api_headers(), timeout=10)
        response.raise_for_status()
        return response.json()


class DeskChat(Chat):
    """The same conversation held at the reception desk: the widget in reception mode posts to the reception
    channel with a desk sender id and the staff member's signed token (bot/channels/reception.py), and remarks for
    the coach ride along with the next message."""

    def __init__(self, rasa_url: str, staff: str) -> None:
        from coach.routers.reception import mint_token
        from tools.stack import ensure_dotenv

        super().__init__(rasa_url)
        self.url = f"{rasa_url}/webhooks/reception/webhook"
        self.sender = f"desk-{uuid.uuid4()}"
        self.token = mint_token(staff, ensure_dotenv()["ONTHAAL_WEBHOOK_SECRET"])
        self.remarks: list[str] = []

    def remark(self, words: str) -> None:
        """A remark the staff member adds in the staff panel; it goes with the next message."""
        self.remarks.append(words)

    def body(self, message: str) -> dict[str, Any]:
        metadata: dict[str, Any] = {"onthaal_reception_token": self.token, "onthaal_message_id": str(uuid.uuid4())}
        if self.remarks:
            metadata["onthaal_remarks"], self.remarks = self.remarks, []
        return {**super().body(message), "metadata": metadata}


def stored_intakes(state_dir: Path) -> list[dict[str, Any]]:
    """The intakes in the coach service's database, decrypted with the development data key."""
    from coach.crypto import DataCipher
    from tools.stack import ensure_dotenv

    cipher = DataCipher.from_setting(ensure_dotenv()["ONTHAAL_DATA_KEYS"])
    with sqlite3.connect(state_dir / "coach.sqlite3") as connection:
        rows = connection.execute("SELECT payload_enc FROM intakes ORDER BY id").fetchall()
    return [cipher.decrypt_json(payload) for (payload,) in rows]
