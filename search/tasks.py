"""Celery tasks keeping the search index in step with the catalogue (DESIGN §4).

`index_dirty_products` is queued when a transaction that marked products commits; `sweep_search_index` runs
every minute from beat and does the same for whatever the fast path missed (broker down, worker gone, search
server unreachable). Both are idempotent and never raise for an unreachable server: the marks simply stay.
"""

import logging

from celery import shared_task
from elasticsearch import ApiError, TransportError

from .client import is_configured
from .indexing import sync_dirty

logger = logging.getLogger(__name__)


def _sync(source: str) -> int:
    if not is_configured():
        return 0
    try:
        return sync_dirty()
    except (ApiError, TransportError):
        logger.warning("Search server unreachable (%s); dirty products stay marked.", source, exc_info=True)
        return 0


@shared_task(name="search.tasks.index_dirty_products")
def index_dirty_products() -> int:
    return _sync("after a change")


@shared_task(name="search.tasks.sweep_search_index")
def sweep_search_index() -> int:
    return _sync("sweep")
