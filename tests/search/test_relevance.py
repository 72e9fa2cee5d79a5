"""The relevance set (tests/search/relevance_cases.py) over the demo catalogue, on every backend that covers
each case's needs: what a shopper types must bring the expected products into the first five results.

Decisions:

- **The demo catalogue** (`manage.py seed_demo`: 120 products through the upload pipeline, a minute or two)
  is seeded once for the module inside a transaction rolled back at the end (as tests/shops/test_demo_catalogue.py
  does); every test reads it.
- **The database backend** is the one of the test run's database: the cases are generated for PostgreSQL
  (typos, stemming, ranking) or SQLite (plain substring match, newest first), so a run never skips them and
  CI (PostgreSQL) runs the PostgreSQL cases.
- **The Elasticsearch backend** reads an index built once for the module with `rebuild_index()` on the test
  run's search server (`_search_server_session`, tests/conftest.py) under an alias of its own: "osmem" cases
  on the in-memory server's standard analysis (typos, ranking); with ELASTICSEARCH_URL set they run on that
  Elasticsearch too, and the `elasticsearch_only` test adds stemming and synonyms. The backend is called
  directly: the service would hide a failure by answering from the database.
- **Known weaknesses** (a case's `weak_on`) are strict xfails with their reason: visible in every run, and a
  fix turns them red so the mark is removed.
"""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings

from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.query import SearchQuery
from shops.models import Product
from tests.conftest import SearchServer, skip_without

from .relevance_cases import Case, cases_for

TOP = 5
DATABASE = connection.vendor  # "postgresql" or "sqlite": known from the settings before any test runs

pytestmark = pytest.mark.timeout(900)  # the module's first test seeds the demo catalogue


def params(backend: str) -> list:
    return [
        pytest.param(
            item,
            id=item.id,
            marks=[pytest.mark.xfail(strict=True, reason=item.weak_on[backend])] if backend in item.weak_on else [],
        )
        for item in cases_for(backend)
    ]


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    """`seed_demo` once for the module; everything it wrote is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_index(demo_catalogue, _search_server_session, django_db_blocker):
    """The demo catalogue indexed on the test run's search server, behind an alias deleted afterwards."""
    server = _search_server_session
    if not isinstance(server, SearchServer):
        skip_without("Search server", f"install osmem-server or set ELASTICSEARCH_URL ({server or 'not installed'})")
    from search.client import get_client
    from search.indexing import rebuild_index

    alias = f"test-relevance-{uuid.uuid4().hex[:12]}"
    with override_settings(
        ELASTICSEARCH_URL=server.url,
        ELASTICSEARCH_NODE_CLASS=server.node_class,
        SEARCH_ANALYSIS=server.analysis,
        SEARCH_INDEX_ALIAS=alias,
        ELASTICSEARCH_TIMEOUT=10.0,
    ):
        with django_db_blocker.unblock():
            assert rebuild_index() == 120
        yield server
        get_client().indices.delete(index=f"{alias}*", ignore_unavailable=True, allow_no_indices=True)


def top_titles(backend, text: str) -> list[str]:
    result = backend.search(SearchQuery(text=text, page_size=TOP))
    assert result.backend == backend.name
    titles = dict(Product.objects.filter(pk__in=result.product_ids).values_list("pk", "title"))
    return [titles[pk] for pk in result.product_ids]


def assert_finds(backend, case: Case) -> None:
    found = top_titles(backend, case.query)
    missing = [title for title in case.expected if title not in found]
    assert missing == [], f"{case.query!r}: {missing} not in the first {TOP}: {found}"


@pytest.mark.parametrize("case", params(DATABASE))
def test_database_backend_finds_the_expected_products(demo_catalogue, db, case):
    assert_finds(DatabaseBackend(), case)


@pytest.mark.parametrize("case", params("osmem"))
def test_elasticsearch_backend_finds_the_expected_products(demo_index, db, case):
    assert_finds(ElasticsearchBackend(), case)


@pytest.mark.elasticsearch_only
@pytest.mark.parametrize("case", params("elasticsearch"))
def test_elasticsearch_with_indonesian_analysis_finds_the_expected_products(demo_index, db, case):
    assert demo_index.is_elasticsearch
    assert_finds(ElasticsearchBackend(), case)
