"""The search service views and the API call: which backend answers, and the products of a result.

Elasticsearch answers when it is configured (`ELASTICSEARCH_URL`) and the circuit breaker (`search.breaker`)
lets it; otherwise, and whenever it fails (an error, a timeout, a missing index), the database backend answers
the same query. The result names the backend that answered, so the API reports it and nobody gets an error
page because the search server is down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from elasticsearch import ApiError, TransportError

from shops import selectors
from shops.models import Product

from . import breaker
from .backends.database import DatabaseBackend
from .backends.elasticsearch import ElasticsearchBackend
from .client import is_configured
from .query import SearchQuery, SearchResult

T = TypeVar("T")


def _answer(ask: Callable[[object], T]) -> tuple[T, str]:
    """`ask(backend)` on Elasticsearch when allowed, falling back to the database; and the backend's name."""
    if is_configured() and breaker.allows_request():
        backend = ElasticsearchBackend()
        try:
            answer = ask(backend)
        except (ApiError, TransportError) as error:
            breaker.record_failure(error)
        else:
            breaker.record_success()
            return answer, backend.name
    backend = DatabaseBackend()
    return ask(backend), backend.name


def search_products(query: SearchQuery) -> SearchResult:
    return _answer(lambda backend: backend.search(query))[0]


def suggest_products(prefix: str) -> tuple[list[str], str]:
    """As-you-type suggestions for what the shopper typed so far, and the backend that answered."""
    return _answer(lambda backend: backend.suggest(prefix))


def products_for_result(result: SearchResult) -> list[Product]:
    """The public products of a result, in the result's order (one that stopped being public meanwhile is
    left out); the storefront selector's joins and prefetches, so a page costs the same few queries."""
    found = {product.pk: product for product in selectors.product_list_public().filter(pk__in=result.product_ids)}
    return [found[pk] for pk in result.product_ids if pk in found]
