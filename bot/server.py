"""Starts the Rasa server as Onthaal runs it: `python -m bot.server --model bot/models/onthaal.tar.gz --port 5005`.

A launcher instead of `rasa run`, so that nothing secret is on the command line (`ps` shows it to every user):
- Rasa's HTTP API takes only JWTs (`Authorization: Bearer`, HS256, admin role; `bot/rasa_api.py`) signed with
  `RASA_JWT_SECRET` (or the file named by `RASA_JWT_SECRET_FILE`). No plain auth token is configured, so a
  `?token=` in a URL is refused.
- The action server's shared secret (`ONTHAAL_ACTION_SECRET` or `..._FILE`) is put in this process's environment,
  where `bot/endpoints.yml` reads it into the header Rasa sends with every action call.
- CORS answers only the widget's origins, `ONTHAAL_WIDGET_ORIGINS` (comma-separated `scheme://host[:port]`; none
  when unset, then only same-origin pages can call Rasa from a browser).
- Request bodies are capped by Sanic at `SANIC_REQUEST_MAX_SIZE` bytes (default 256 KB: a chat message is tiny);
  a larger body gets 413 before it is read.
Then it removes Rasa's per-turn waste (bot/rasa_patches.py) and calls Rasa's own `rasa.api.run`, which is what
`rasa run` calls.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from bot.secrets_env import MissingSecret, require_secret

ACTION_SECRET_VARIABLE = "ONTHAAL_ACTION_SECRET"  # noqa: S105 (a name, not a secret)
JWT_SECRET_VARIABLE = "RASA_JWT_SECRET"  # noqa: S105 (a name, not a secret)
ORIGINS_VARIABLE = "ONTHAAL_WIDGET_ORIGINS"
MAX_BODY_VARIABLE = "SANIC_REQUEST_MAX_SIZE"
DEFAULT_MAX_BODY_BYTES = 256 * 1024
# A plain origin only: sanic-cors reads '*', '?', '\' or ']' in an origin as a regular expression.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")


@dataclass(frozen=True)
class ServerOptions:
    jwt_secret: str
    action_secret: str
    cors_origins: list[str]
    max_body_bytes: int


def widget_origins(value: str) -> list[str]:
    """The comma-separated origins of `ONTHAAL_WIDGET_ORIGINS`; ValueError for anything but plain origins."""
    origins = [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
    for origin in origins:
        if not _ORIGIN.fullmatch(origin):
            raise ValueError(f"{ORIGINS_VARIABLE}: {origin!r} is not an origin like https://onthaal.example")
    return origins


def server_options(environ: Mapping[str, str]) -> ServerOptions:
    """Everything the launcher reads from the environment; ValueError (or MissingSecret) says what is wrong."""
    max_body = environ.get(MAX_BODY_VARIABLE, "").strip() or str(DEFAULT_MAX_BODY_BYTES)
    if not max_body.isdigit() or int(max_body) < 1024:
        raise ValueError(f"{MAX_BODY_VARIABLE} must be a number of bytes (at least 1024)")
    return ServerOptions(
        jwt_secret=require_secret(JWT_SECRET_VARIABLE, environ),
        action_secret=require_secret(ACTION_SECRET_VARIABLE, environ),
        cors_origins=widget_origins(environ.get(ORIGINS_VARIABLE, "")),
        max_body_bytes=int(max_body),
    )


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Start Onthaal's Rasa server (secrets come from the environment).")
    parser.add_argument("--model", required=True, help="the trained model (.tar.gz)")
    parser.add_argument("--interface", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--endpoints", default="bot/endpoints.yml")
    parser.add_argument("--credentials", default="bot/credentials.yml")
    parser.add_argument("--logging-config-file", default="bot/logging.yml")
    return parser.parse_args(argv)


def serve(arguments: argparse.Namespace, options: ServerOptions) -> None:
    """Run Rasa as `rasa run --enable-api` would, with JWT-only authentication; returns when the server stops."""
    # Sanic reads SANIC_* variables when Rasa creates its app; endpoints.yml is expanded from the environment.
    os.environ[MAX_BODY_VARIABLE] = str(options.max_body_bytes)
    os.environ[ACTION_SECRET_VARIABLE] = options.action_secret

    import rasa.api
    import rasa.utils.io
    import rasa.utils.tensorflow.environment as tf_env
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot import rasa_patches

    rasa_patches.apply()  # Rasa's per-turn waste (bot/rasa_patches.py)
    # The start-up steps of `rasa/__main__.py` that matter for `rasa run`.
    configure_logging_and_warnings(None, arguments.logging_config_file, warn_only_once=True, filter_repeated_logs=True)
    tf_env.setup_tf_environment()
    rasa.utils.io.configure_colored_logging(None)
    configure_structlog(None)
    rasa.api.run(
        model=arguments.model,
        endpoints=arguments.endpoints,
        credentials=arguments.credentials,
        interface=arguments.interface,
        port=arguments.port,
        enable_api=True,
        auth_token=None,
        jwt_secret=options.jwt_secret,
        jwt_method="HS256",
        cors=options.cors_origins,
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        options = server_options(os.environ)
    except (MissingSecret, ValueError, OSError) as error:
        print(f"bot.server: {error}", file=sys.stderr)
        return 2
    serve(arguments, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
