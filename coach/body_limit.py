"""Request body caps for the whole coach service, in one table, enforced by one pure ASGI middleware.

A declared `content-length` over the cap is refused before the app runs; a body without one (chunked) is
counted while it is received and refused as soon as the count passes the cap, so no route ever buffers more
than its cap. The 413 is `{"detail": "body too large"}`. Inside a route the refusal is an HTTPException, so
FastAPI's form and body parsing passes it on instead of turning it into a 400.
"""

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KB = 1024
# Longest matching path prefix wins; everything else (the login form, every coach form, the API) gets the default.
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/v1/intakes", 256 * KB),  # the signed hand-off; 20 needs with 2000 characters of evidence stay far below
    ("/api/v1/outbox-status", 4 * KB),  # four numbers from the action server
    ("/api/v1/intake-status", 1 * KB),  # a reference and a six-digit code
    ("/webhook/counters", 128 * KB),  # at most 1000 counters of about 120 bytes
)
DEFAULT_BODY_LIMIT = 64 * KB  # a coach's note is at most 4,000 characters; a login is two short fields
DETAIL = "body too large"


def limit_for(path: str) -> int:
    """The body cap in bytes for a request path."""
    matches = [(len(prefix), cap) for prefix, cap in BODY_LIMITS if path.startswith(prefix)]
    return max(matches)[1] if matches else DEFAULT_BODY_LIMIT


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(status_code=413, detail=DETAIL)


class BodyLimitMiddleware:
    """Caps every HTTP request body at `limit_for(path)` bytes (413), counted as it arrives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await _too_large(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            # Raised where no exception handler turned it into the 413 (for example inside a middleware).
            if started:
                raise
            await _too_large(send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"detail": DETAIL}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    # The rest of the body is not read: the connection closes after this answer.
    headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
