"""Starts the action server as Onthaal runs it: `python -m bot.action_server --port 5055`.

Built on rasa_sdk's own `create_app`, with what `python -m rasa_sdk` lacks:
- it listens on 127.0.0.1 unless `ONTHAAL_ACTIONS_HOST` says otherwise (only Rasa calls it);
- every request but `GET /health` must carry the shared secret `ONTHAAL_ACTION_SECRET` (or the file named by
  `ONTHAAL_ACTION_SECRET_FILE`) in the `X-Onthaal-Action-Secret` header, which Rasa sends from
  `bot/endpoints.yml`; without it the answer is 401 and no action runs;
- request bodies are capped at 4 MB (Rasa sends the whole domain, about 200 KB, with every call);
- an unexpected error is logged by its type only and answered without echoing the request (rasa_sdk's own
  handler logs and returns the request body, which holds what the person typed);
- the outbox sender (`bot.delivery.delivery`) starts with the server, so a waiting intake is sent after a restart
  without waiting for the next hand-off; so does the sender of the anonymous counters (`bot.counters.sender`).
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys

from bot.secrets_env import MissingSecret, require_secret

SECRET_VARIABLE = "ONTHAAL_ACTION_SECRET"  # noqa: S105 (a name, not a secret)
SECRET_HEADER = "X-Onthaal-Action-Secret"  # noqa: S105
HOST_VARIABLE = "ONTHAAL_ACTIONS_HOST"
MAX_BODY_BYTES = 4 * 1024 * 1024
OPEN_PATHS = frozenset({"/health"})

logger = logging.getLogger(__name__)


def is_authorized(provided: str | None, secret: str) -> bool:
    """Whether the header value is the shared secret (compared in constant time)."""
    return provided is not None and hmac.compare_digest(provided.encode(), secret.encode())


def create_app(secret: str, actions_package: str = "bot.actions"):  # noqa: ANN201 (sanic is imported lazily)
    """rasa_sdk's action server app, behind the shared secret, with a body cap and an error handler that keeps
    what the person typed out of the logs."""
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from sanic import response

    app = create_sdk_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.on_request
    async def require_the_shared_secret(request):  # noqa: ANN001, ANN202
        if request.path not in OPEN_PATHS and not is_authorized(request.headers.get(SECRET_HEADER), secret):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    # Replaces rasa_sdk's handler for Exception (the last one added for a class is the one used).
    @app.exception(Exception)
    async def answer_without_the_request(request, exception: Exception):  # noqa: ANN001, ANN202
        status = getattr(exception, "status_code", 500)
        if status >= 500:
            logger.error("action server error: %s", type(exception).__name__)
        return response.json({"error": type(exception).__name__}, status=status)

    @app.listener("before_server_start")
    async def start_the_outbox_sender(app, loop):  # noqa: ANN001, ANN202
        from bot.counters.sender import start_counter_sender
        from bot.delivery.delivery import ensure_sender_started

        ensure_sender_started()
        start_counter_sender()

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Start Onthaal's action server (the secret comes from the environment)."
    )
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="bot.actions", help="the package of the custom actions")
    arguments = parser.parse_args(argv)
    try:
        secret = require_secret(SECRET_VARIABLE)
    except (MissingSecret, OSError) as error:
        print(f"bot.action_server: {error}", file=sys.stderr)
        return 2
    from rasa_sdk import utils

    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    host = os.environ.get(HOST_VARIABLE, "").strip() or "127.0.0.1"
    app = create_app(secret, arguments.actions)
    logger.info("action server listening on %s:%s", host, arguments.port)
    app.run(host, arguments.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
