"""Health of the parts the site depends on: `ok`, `down` or `not_configured` for each.

Each probe is short and bounded by a timeout so that `/health/` answers quickly even when a part hangs.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

OK, DOWN, NOT_CONFIGURED = "ok", "down", "not_configured"
BROKER_PROBE_TIMEOUT = 2  # seconds


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health: database unreachable", exc_info=True)
        return DOWN
    return OK


def check_cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        value = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.warning("Health: cache unreachable", exc_info=True)
        return DOWN
    return OK if value == "1" else DOWN


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED
    from marketplace.celery import app

    # Tighter than the workers' socket timeout, so a broker that accepts connections but hangs is down quickly.
    transport_options = {"socket_connect_timeout": BROKER_PROBE_TIMEOUT, "socket_timeout": BROKER_PROBE_TIMEOUT}
    try:
        with app.connection_for_write(
            connect_timeout=BROKER_PROBE_TIMEOUT, transport_options=transport_options
        ) as conn:
            # One attempt: kombu's default sleeps between retries, or retries for ever.
            conn.ensure_connection(max_retries=0)
    except Exception:
        logger.warning("Health: broker unreachable", exc_info=True)
        return DOWN
    return OK


def check_search() -> str:
    if not settings.ELASTICSEARCH_URL:
        return NOT_CONFIGURED
    from elasticsearch import Elasticsearch
    from elasticsearch.exceptions import ApiError, TransportError

    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=settings.ELASTICSEARCH_TIMEOUT, max_retries=0)
    try:
        health = client.cluster.health(timeout=f"{int(settings.ELASTICSEARCH_TIMEOUT)}s")
    except (ApiError, TransportError, ValueError):
        logger.warning("Health: search server unreachable", exc_info=True)
        return DOWN
    finally:
        client.close()
    return DOWN if health.get("status") == "red" else OK


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "search": check_search}


def health_report() -> tuple[dict[str, str], bool]:
    """Run every probe; healthy means every configured part is `ok`."""
    report = {name: check() for name, check in CHECKS.items()}
    healthy = all(state != DOWN for state in report.values())
    return report, healthy
