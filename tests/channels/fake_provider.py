"""A local stand-in for the Twilio Messages API and the Telegram Bot API, capturing what the assistant sends.

Run alone (`python tests/channels/fake_provider.py 8025`) to watch a local stack's replies, with
TWILIO_API_BASE and TELEGRAM_API_BASE set to http://127.0.0.1:8025.

It can also be unreachable in the two ways a real provider is: answering an error status to every message
(`fail_with(503)`, until `fail_with(None)`), or not listening at all (`stop()`, then `restart()` on the same port).
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

TWILIO_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json$")
TELEGRAM_METHOD = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")


def _form(content_type: str, body: bytes) -> dict[str, str]:
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        return {
            part.get_param("name", header="content-disposition"): part.get_content() for part in message.iter_parts()
        }
    return {key: values[0] for key, values in parse_qs(body.decode(), keep_blank_values=True).items()}


class FakeProvider:
    """Both providers on one local port. `sent` holds every message the assistant sent, in order; `refused`
    every message answered with the `failing` status instead."""

    def __init__(self, port: int = 0) -> None:
        self.sent: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.failing: int | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = provider.handle(
                    self.path, self.headers, _form(self.headers.get("Content-Type", ""), body)
                )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._handler = Handler
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def restart(self) -> FakeProvider:
        """Listen again on the same port after `stop()` (what was sent and refused is kept)."""
        self.server = ThreadingHTTPServer(self.server.server_address, self._handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        return self.start()

    def fail_with(self, status: int | None) -> None:
        """Answer every message with `status` (503, 429, 400 ...), not sending it; None: send again."""
        with self._lock:
            self.failing = status

    def _refuse(self, provider: str, to: Any, text: str | None) -> tuple[int, dict[str, Any]] | None:
        """The error answer, in the provider's own format, while failing; None otherwise."""
        with self._lock:
            status = self.failing
            if status is None:
                return None
            self.refused.append({"provider": provider, "to": to, "text": text, "status": status})
        if provider == "twilio":
            return status, {"code": 20000 + status, "message": "Unavailable", "more_info": "", "status": status}
        answer: dict[str, Any] = {"ok": False, "error_code": status, "description": f"Error {status}"}
        if status == 429:
            answer["parameters"] = {"retry_after": 1}
        return status, answer

    def handle(self, path: str, headers: Any, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        number = next(self._ids)
        with self._lock:
            self.calls.append(path)
        if match := TWILIO_MESSAGES.match(path):
            if not headers.get("Authorization", "").startswith("Basic "):
                return 401, {"code": 20003, "message": "Authenticate", "status": 401}
            if refusal := self._refuse("twilio", form.get("To"), form.get("Body")):
                return refusal
            with self._lock:
                self.sent.append(
                    {"provider": "twilio", "to": form.get("To"), "from": form.get("From"), "text": form.get("Body")}
                )
            sid = f"SM{number:032x}"
            return 201, {
                "sid": sid,
                "account_sid": match["account"],
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "num_media": "0",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{match['account']}/Messages/{sid}.json",
            }
        if match := TELEGRAM_METHOD.match(path):
            method = match["method"]
            if method == "sendMessage":
                markup = json.loads(form["reply_markup"]) if form.get("reply_markup") else None
                chat_id = int(form["chat_id"])
                if refusal := self._refuse("telegram", chat_id, form.get("text")):
                    return refusal
                with self._lock:
                    self.sent.append(
                        {"provider": "telegram", "to": chat_id, "text": form.get("text"), "reply_markup": markup}
                    )
                message = {
                    "message_id": number,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": 1000000001, "is_bot": True, "first_name": "Onthaal"},
                    "text": form.get("text"),
                }
                return 200, {"ok": True, "result": message}
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "description": "Not Found"}

    def sent_since(self, index: int) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.sent[index:])


if __name__ == "__main__":
    fake = FakeProvider(int(sys.argv[1]) if len(sys.argv) > 1 else 8025)
    print(f"Fake Twilio and Telegram APIs at {fake.url}; Ctrl-C stops.", flush=True)
    seen = 0
    fake.start()
    try:
        while True:
            time.sleep(0.5)
            for message in fake.sent_since(seen):
                print(f"[{message['provider']} -> {message['to']}] {message['text']}", flush=True)
                seen += 1
    except KeyboardInterrupt:
        fake.stop()
