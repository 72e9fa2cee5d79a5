# syntax=docker/dockerfile:1
#
# Pasar UMKM production image. One image runs every Python part of the stack (docker-compose.yml):
# gunicorn (the default command), the Celery worker, Celery beat and the one-shot `migrate` service.
# Static files are collected at build time and served by WhiteNoise; uploads go to /app/var/media (a
# volume). Operators' guide: docs/deploy.md.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media

# The processes run as this unprivileged user; the code and the static files stay owned by root, so a
# compromised process cannot change them. Only the media folder is writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them: exactly the locked versions, each
# checked against its hash (every dependency has a wheel, so no compiler is needed).
COPY requirements/base.txt /tmp/requirements.txt
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# collectstatic needs production settings to load, and production settings refuse to load without a
# secret key and allowed hosts. These dummy values exist for this one command only: they are not kept
# in the image's environment, and the real ones come from `.env` when a container starts.
RUN DJANGO_SECRET_KEY=build-time-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown app:app /app/var/media

USER app

EXPOSE 8000

# /health/ answers 200 when every configured part (database, cache, broker, search) is up and 503 when
# one is down. Django refuses requests for host names outside DJANGO_ALLOWED_HOSTS, so the probe sends
# the first of them as its Host header. The worker and beat services replace this check with a Celery
# ping (docker-compose.yml).
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; r.urlopen(r.Request('http://127.0.0.1:8000/health/', headers={'Host': h}), timeout=8)"]

# Migrations are not run here: the `migrate` service runs them once per deployment (docs/deploy.md).
# WEB_CONCURRENCY sets the number of gunicorn worker processes (default 3); exec makes gunicorn PID 1 so
# that it receives `docker stop`'s SIGTERM and shuts down gracefully.
CMD ["sh", "-c", "exec gunicorn marketplace.wsgi:application --bind 0.0.0.0:8000 --workers \"${WEB_CONCURRENCY:-3}\" --timeout 30 --graceful-timeout 30 --max-requests 1000 --max-requests-jitter 100 --worker-tmp-dir /dev/shm --no-control-socket --access-logfile -"]
