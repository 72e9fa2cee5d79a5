"""The search service views and the API call: which backend answers, and the products of a result.

For now the database backend answers every search; the Elasticsearch backend and the circuit breaker that
falls back to the database when it cannot answer come next (issue 5), behind this same function.
"""

from shops import selectors
from shops.models import Product

from .backends.database import DatabaseBackend
from .query import SearchQuery, SearchResult


def search_products(query: SearchQuery) -> SearchResult:
    return DatabaseBackend().search(query)


def suggest_products(prefix: str) -> tuple[list[str], str]:
    """As-you-type suggestions for what the shopper typed so far, and the backend that answered."""
    backend = DatabaseBackend()
    return backend.suggest(prefix), backend.name


def products_for_result(result: SearchResult) -> list[Product]:
    """The public products of a result, in the result's order (one that stopped being public meanwhile is
    left out); the storefront selector's joins and prefetches, so a page costs the same few queries."""
    found = {product.pk: product for product in selectors.product_list_public().filter(pk__in=result.product_ids)}
    return [found[pk] for pk in result.product_ids if pk in found]
