import pytest
from django.db import OperationalError

from marketplace.core import health

NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.fixture
def parts(settings):
    """Broker and search not configured unless a test says otherwise (REDIS_URL may configure a broker)."""
    settings.CELERY_BROKER_URL = ""
    settings.ELASTICSEARCH_URL = ""
    return settings


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.mark.django_db
def test_health_is_ok_when_every_configured_part_is_up(client, parts):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "not_configured",
        "search": "not_configured",
    }


@pytest.mark.django_db
def test_health_response_is_never_cached(client, parts):
    response = client.get("/health/")

    assert response["Cache-Control"] == NEVER_CACHE
    assert "Expires" in response


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_health_answers_only_get(client, parts, method):
    response = getattr(client, method)("/health/")

    assert response.status_code == 405
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_health_reports_the_database_down_when_a_query_fails(client, parts, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", UnreachableDatabase())

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "down",
        "cache": "ok",
        "broker": "not_configured",
        "search": "not_configured",
    }


@pytest.mark.django_db
def test_health_reports_the_redis_cache_ok(client, parts, redis_url):
    parts.CACHES = redis_cache(redis_url)

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_health_reports_the_cache_down_when_redis_refuses_connections(client, parts, closed_port):
    parts.CACHES = redis_cache(f"redis://127.0.0.1:{closed_port}/0")

    response = client.get("/health/")

    assert response.status_code == 503
    assert response["Cache-Control"] == NEVER_CACHE
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "down",
        "broker": "not_configured",
        "search": "not_configured",
    }


@pytest.mark.django_db
def test_health_reports_the_broker_ok_when_redis_answers(client, parts, redis_url):
    parts.CELERY_BROKER_URL = redis_url

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "search": "not_configured",
    }


@pytest.mark.django_db
def test_health_reports_the_broker_down_without_waiting_for_retries(client, parts, closed_port):
    parts.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "ok",
        "broker": "down",
        "search": "not_configured",
    }


@pytest.mark.django_db
@pytest.mark.timeout(30)  # a probe without its own timeout would hang here; not a speed assertion
def test_health_reports_a_hanging_broker_down_within_its_timeout(client, parts, hanging_port):
    parts.CELERY_BROKER_URL = f"redis://127.0.0.1:{hanging_port}/0"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"


@pytest.mark.django_db
@pytest.mark.parametrize("cluster_status", ["green", "yellow"])
def test_health_reports_search_ok_when_the_cluster_is_green_or_yellow(
    client, parts, fake_elasticsearch, cluster_status
):
    fake_elasticsearch.cluster_status = cluster_status
    parts.ELASTICSEARCH_URL = fake_elasticsearch.url

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "not_configured",
        "search": "ok",
    }
    assert fake_elasticsearch.requests == ["/_cluster/health?timeout=2s"]


@pytest.mark.django_db
def test_health_reports_search_down_when_the_cluster_is_red(client, parts, fake_elasticsearch):
    fake_elasticsearch.cluster_status = "red"
    parts.ELASTICSEARCH_URL = fake_elasticsearch.url

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "ok",
        "broker": "not_configured",
        "search": "down",
    }


@pytest.mark.django_db
def test_health_reports_search_down_when_the_server_is_not_elasticsearch(client, parts, fake_elasticsearch):
    fake_elasticsearch.product_header = False
    parts.ELASTICSEARCH_URL = fake_elasticsearch.url

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["search"] == "down"
    assert fake_elasticsearch.requests == ["/_cluster/health?timeout=2s"]


@pytest.mark.django_db
@pytest.mark.timeout(30)  # a probe without its own timeout would hang here; not a speed assertion
def test_health_reports_a_hanging_search_server_down_within_its_timeout(client, parts, hanging_port):
    parts.ELASTICSEARCH_URL = f"http://127.0.0.1:{hanging_port}"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["search"] == "down"


@pytest.mark.django_db
def test_health_reports_search_down_when_elasticsearch_refuses_connections(client, parts, closed_port):
    parts.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port}"

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "ok",
        "cache": "ok",
        "broker": "not_configured",
        "search": "down",
    }
