"""Security headers on every response of the coach service, in one pure ASGI middleware.

A response that sets its own `Content-Security-Policy` keeps it (the coach pages, the widget page, the
reception desk, the API docs: each says what it needs, always with `frame-ancestors 'none'`); every other
response (JSON, redirects, static files, errors) gets the strictest policy. Nothing of the service may be framed:
the widget is embedded with a script tag, never an iframe (web_widget/README.md).
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_DEFAULTS = (
    (b"content-security-policy", STRICT_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in _DEFAULTS if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
