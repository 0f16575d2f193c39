"""Keeps personal data out of the server's own logs.

- uvicorn's access log would print query strings, and the inbox search (`?q=<name>`) is one: the filter drops
  every query string from access log lines.
- httpx logs every request URL at INFO; the coach service's outgoing URLs carry a conversation id (the tracker
  erasure, and a WhatsApp id comes from a phone number) and may carry a token: httpx and httpcore log warnings only.
"""

import logging

QUIET_CLIENT_LOGGERS = ("httpx", "httpcore")


class DropQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access records carry (client, method, path with query, http version, status) as args.
        if isinstance(record.args, tuple) and len(record.args) >= 3 and isinstance(record.args[2], str):
            args = list(record.args)
            args[2] = args[2].split("?", 1)[0]
            record.args = tuple(args)
        return True


def install() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, DropQueryStrings) for existing in access.filters):
        access.addFilter(DropQueryStrings())
    for name in QUIET_CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
