"""Celery tasks keeping the search index in step with the catalogue (DESIGN §4).

`index_dirty_products` is queued when a transaction that marked products commits; `sweep_search_index` runs
every minute from beat and does the same for whatever the fast path missed (broker down, worker gone, search
server unreachable). Both are idempotent and never raise for an unreachable server: the marks simply stay.
Until the alias exists, the sweep builds the first index itself (a new stack needs no manual step); it never
starts a build while another is running.
"""

import logging

from celery import shared_task
from elasticsearch import ApiError, TransportError

from .client import is_configured
from .indexing import alias_exists, build_running, rebuild_index, sync_dirty

logger = logging.getLogger(__name__)


def _sync(source: str, *, build_missing_index: bool = False) -> int:
    if not is_configured():
        return 0
    try:
        if build_missing_index and not alias_exists():
            return 0 if build_running() else rebuild_index()
        return sync_dirty()
    except (ApiError, TransportError):
        logger.warning("Search server unreachable (%s); dirty products stay marked.", source, exc_info=True)
        return 0


@shared_task(name="search.tasks.index_dirty_products")
def index_dirty_products() -> int:
    return _sync("after a change")


@shared_task(name="search.tasks.sweep_search_index")
def sweep_search_index() -> int:
    return _sync("sweep", build_missing_index=True)
