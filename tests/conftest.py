"""Shared test setup.

Services: tests that need PostgreSQL, Redis, a Celery worker, Chromium or gettext skip when the service
is missing, so `make test` passes anywhere. With REQUIRE_SERVICES=1 (CI) every such skip is a failure.
"""

import dataclasses
import os
import shutil
import socket
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from marketplace.celery import app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"REQUIRE_SERVICES=1 turns this skip into a failure: {reason}"


def skip_without(service: str, reason: str) -> None:
    pytest.skip(f"{service} not available: {reason}")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request under /en/ (or with Accept-Language) activates
    another language for the whole thread, which would otherwise leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached values never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_url() -> str:
    if not settings.REDIS_URL:
        skip_without("Redis", "set REDIS_URL to run this test")
    return settings.REDIS_URL


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        skip_without("PostgreSQL", "set DATABASE_URL to a PostgreSQL database to run this test")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not shutil.which(path):
        skip_without("Chromium", f"{path} is missing (apt-get install chromium)")
    return path


@pytest.fixture
def celery_worker(redis_url, transactional_db):
    """A real Celery worker (in a thread of this process) consuming from Redis for the test's duration.

    Tasks queued while it runs go through the broker instead of running eagerly. The worker consumes a
    queue of its own, so test runs sharing one Redis never take each other's tasks.
    """
    from celery.contrib.testing.worker import start_worker

    from marketplace.celery import app

    app.loader.import_default_modules()
    queue = f"test-{uuid.uuid4().hex}"
    overrides = {
        "task_always_eager": False,
        "task_default_queue": queue,
        # Leave the root logger to Django and pytest (caplog); no remote control queue left behind in Redis.
        "worker_hijack_root_logger": False,
        "worker_enable_remote_control": False,
    }
    app.conf.update(overrides)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING", queues=[queue]
        ) as worker:
            yield worker
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
    finally:
        # Drop the overrides instead of pinning values, so Django settings (and override_settings) rule again.
        for key in overrides:
            app.conf.pop(key, None)


# --- Search server ------------------------------------------------------------------------------------


@dataclasses.dataclass
class SearchServer:
    """The search server of the test run: a real Elasticsearch when ELASTICSEARCH_URL is set (as with
    `docker compose`), otherwise the in-memory OpenSearch-compatible `osmem-server` started here."""

    url: str
    node_class: str  # the transport node the client needs (the osmem adapter), "" for the default
    analysis: str  # "indonesian" on Elasticsearch; "standard" on osmem, which has no Indonesian analysis
    is_elasticsearch: bool


@pytest.fixture(scope="session")
def _search_server_session():
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if url:
        yield SearchServer(url=url, node_class="", analysis="indonesian", is_elasticsearch=True)
        return
    try:
        from osmem_server import OsmemError, OsmemServer
    except ImportError:
        yield None
        return
    try:
        server = OsmemServer.start(japanese=False)
    except OsmemError as error:
        yield error
        return
    yield SearchServer(
        url=server.url,
        node_class="tests.search.osmem.OsmemCompatibleNode",
        analysis="standard",
        is_elasticsearch=False,
    )
    server.close()


@pytest.fixture
def search_server(_search_server_session, settings):
    """Points the settings at the test run's search server, under an alias of this test's own; the indexes
    behind it are deleted afterwards. Skips when no server can be started."""
    server = _search_server_session
    if not isinstance(server, SearchServer):
        skip_without("Search server", f"install osmem-server or set ELASTICSEARCH_URL ({server or 'not installed'})")
    alias = f"test-products-{uuid.uuid4().hex[:12]}"
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_NODE_CLASS = server.node_class
    settings.SEARCH_ANALYSIS = server.analysis
    settings.SEARCH_INDEX_ALIAS = alias
    settings.ELASTICSEARCH_TIMEOUT = 5.0
    from search import breaker
    from search.client import get_client

    breaker.reset()
    yield server
    breaker.reset()
    settings.ELASTICSEARCH_URL = server.url  # a test may have pointed it elsewhere
    get_client().indices.delete(index=f"{alias}*", ignore_unavailable=True, allow_no_indices=True)


def pytest_collection_modifyitems(config, items):
    """Tests marked `elasticsearch_only` need Indonesian analysis or synonyms, which only a real
    Elasticsearch has: without ELASTICSEARCH_URL they are deselected (not skipped, so CI's
    REQUIRE_SERVICES=1 does not fail on them); docs/architecture.md says how to run them."""
    if os.environ.get("ELASTICSEARCH_URL"):
        return
    deselected = [item for item in items if item.get_closest_marker("elasticsearch_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("elasticsearch_only")]


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def forget_broker_connections() -> None:
    # Celery keeps one producer pool per app, made for the broker URL in force at its first use.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def unreachable_broker(settings, closed_port):
    """Celery publishes to a broker on a closed local port (eager off): the broker is down."""
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    forget_broker_connections()
    yield settings.CELERY_BROKER_URL
    forget_broker_connections()
