"""A person chatting through nginx in front of the cluster, who resends what got no answer, as the widget does.

The widget's outbox (web_widget/outbox.js) keeps a message until Rasa answers it and sends it again, with the same
`onthaal_message_id`, when the request got no answer (offline) or was refused as one too many (429). Through
nginx a Rasa server that dies mid-request is a 502 or 504 at worst (nginx already sends the request once more to
the other server), so those count as "no answer" here too.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from tests.e2e.chat import Chat
from tools.cluster import RASA_HEADER

NO_ANSWER = {502, 503, 504}
ATTEMPTS = 60


class ResendingChat(Chat):
    """A Chat against the cluster's public address, from its own client address (X-Forwarded-For, believed from
    127.0.0.1 only), that records which Rasa server answered each message."""

    def __init__(self, url: str, address: str) -> None:
        super().__init__(url)
        self.client = httpx.Client(timeout=60, headers={"X-Forwarded-For": address})
        self.upstreams: list[str] = []
        self.resent = 0

    def body(self, message: str) -> dict[str, Any]:
        return {**super().body(message), "metadata": {"onthaal_message_id": str(uuid.uuid4())}}

    def say(self, message: str) -> list[dict[str, Any]]:
        body = self.body(message)  # one id for every attempt
        for _ in range(ATTEMPTS):
            try:
                response = self.client.post(self.url, json=body)
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code not in NO_ANSWER | {429}:
                break
            self.resent += 1
            time.sleep(0.5)
        else:
            raise AssertionError(f"no answer after {ATTEMPTS} attempts")
        response.raise_for_status()
        self.upstreams.append(response.headers[RASA_HEADER])
        self.replies = response.json()
        return self.replies

    def close(self) -> None:
        self.client.close()
