# Onthaal's coach service (coach/main.py, FastAPI under uvicorn): the coach pages, the widget and the intake webhook.
# Build from the repository root:  docker build -f deploy/docker/coach.Dockerfile -t onthaal-coach .
# No secret is in the image: they come at run time as NAME or NAME_FILE (see the README, "Deploying").
# uvicorn reads WEB_CONCURRENCY (worker processes) and FORWARDED_ALLOW_IPS (the proxies whose X-Forwarded-For it
# believes) from the environment.

# The coach environment, installed from the hash-pinned lock exactly as `make` installs .venv.
FROM python:3.11.14-slim-bookworm AS coach-environment
COPY requirements/coach.lock /tmp/coach.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check \
        --require-hashes -r /tmp/coach.lock \
    && /opt/venv/bin/python -c "import fastapi, sqlalchemy, uvicorn, psycopg"

FROM python:3.11.14-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ONTHAAL_ENV=production \
    RASA_URL=http://rasa:5005 \
    WEB_CONCURRENCY=1
RUN groupadd --gid 10001 onthaal && useradd --uid 10001 --gid 10001 --home-dir /app --no-create-home onthaal
COPY --from=coach-environment /opt/venv /opt/venv
WORKDIR /app
COPY deploy/docker/entrypoint.py /usr/local/bin/onthaal-entrypoint
COPY alembic.ini alembic.ini
COPY coach coach
# The name search folds names as the assistant folds what people type: its normaliser, standard library only.
COPY bot/__init__.py bot/normalise.py bot/
COPY config config
COPY languages languages
COPY web_widget web_widget
# Accounts, key rotation, purge and erasure by hand: `python tools/coach_admin.py ...` in the container.
COPY tools/coach_admin.py tools/coach_admin.py
RUN mkdir -p /app/var && chown onthaal:onthaal /app/var && python -m compileall -q /app/coach
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4)"]
ENTRYPOINT ["python", "/usr/local/bin/onthaal-entrypoint"]
CMD ["uvicorn", "coach.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
