"""Writing the product index: the sync of dirty products and the full rebuild behind the alias (DESIGN §4).

Decisions:

- **Searches read the alias** `SEARCH_INDEX_ALIAS`; there is always exactly one index behind it. Writes go to
  the alias only once it exists (a write to a missing alias would create an index with a guessed mapping):
  until the first rebuild, marks simply wait.
- **Sync** (`sync_dirty`): the dirty products (`search.models.DirtyProduct`) in batches of `BATCH_SIZE`: the
  public ones are (re)indexed, the others deleted (a missing document counts as deleted). A mark is removed
  only for what the server acknowledged, and only if it was not marked again meanwhile (its token), so an
  error, a timeout or a crash loses nothing: the next run (the beat sweep every minute) tries again.
- **Rebuild** (`rebuild_index`): a new index `<alias>-<timestamp>` is created and bulk-loaded from every public
  product with refresh turned off (the next batch is read while the last one is sent), refreshed, then the
  alias is moved to it in one atomic `_aliases` call and the old index deleted, so searches answer from the
  old index until the new one is complete. Marks made while the build runs are kept (`IndexBuild`), and
  indexed again into the new index after the swap: a change during a rebuild is never lost under the build's
  older copy. A failed build deletes its index.
- **Cached pages**: the page cache was invalidated when the change committed, possibly before the index had it;
  whatever the index acknowledges invalidates it again, so `/cari/` never keeps a result older than the index.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import reduce
from itertools import islice
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from elasticsearch import helpers

from marketplace.core import pagecache

from .client import get_client
from .documents import documents_for, product_index, public_product_ids
from .models import DirtyProduct, IndexBuild

logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # dirty products per bulk request of the sync
REBUILD_BATCH_SIZE = 1000  # products per bulk request of a rebuild
STALE_BUILD = timedelta(hours=2)  # an unfinished build older than this crashed; its marks are no longer kept


def _batched(items: list, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _actions(index: str, documents: list[dict], gone: Iterable[int]) -> list[dict]:
    actions = [
        {"_op_type": "index", "_index": index, "_id": document.pop("_id"), "_source": document}
        for document in documents
    ]
    actions += [{"_op_type": "delete", "_index": index, "_id": pk} for pk in gone]
    return actions


def _write(index: str, actions: list[dict]) -> set[int]:
    """Send `actions` in one bulk request; the ids the server acknowledged (a delete of a missing document
    included). Raises the client's errors when the request itself fails."""
    if not actions:
        return set()
    acknowledged = set()
    for ok, item in helpers.streaming_bulk(
        get_client(), actions, chunk_size=len(actions), raise_on_error=False, raise_on_exception=True, max_retries=0
    ):
        operation, result = next(iter(item.items()))
        if ok or (operation == "delete" and result.get("status") == 404):
            acknowledged.add(int(result["_id"]))
        else:
            logger.warning("Search index refused product %s: %s", result.get("_id"), result.get("error"))
    return acknowledged


def build_running() -> bool:
    return _running_build() is not None


def _running_build() -> IndexBuild | None:
    return (
        IndexBuild.objects.filter(finished_at__isnull=True, started_at__gte=timezone.now() - STALE_BUILD)
        .order_by("started_at")
        .first()
    )


def alias_exists() -> bool:
    return bool(get_client().indices.exists_alias(name=settings.SEARCH_INDEX_ALIAS))


def sync_dirty(*, max_batches: int | None = None) -> int:
    """Index the dirty products into the alias; the number of products the server acknowledged.

    Raises the client's errors when the server cannot be reached (the marks stay)."""
    if not alias_exists():
        logger.info("Search index %s not built yet; run manage.py search_reindex.", settings.SEARCH_INDEX_ALIAS)
        return 0
    build = _running_build()
    acknowledged_count, last_pk, batches = 0, 0, 0
    while max_batches is None or batches < max_batches:
        rows = list(
            DirtyProduct.objects.filter(product_id__gt=last_pk)
            .order_by("product_id")
            .values_list("product_id", "token", "marked_at")[:BATCH_SIZE]
        )
        if not rows:
            break
        batches += 1
        last_pk = rows[-1][0]
        documents, gone = documents_for(pk for pk, _token, _marked_at in rows)
        acknowledged = _write(settings.SEARCH_INDEX_ALIAS, _actions(settings.SEARCH_INDEX_ALIAS, documents, gone))
        acknowledged_count += len(acknowledged)
        done = [
            Q(product_id=pk, token=token)
            for pk, token, marked_at in rows
            if pk in acknowledged and not (build and marked_at >= build.started_at)
        ]
        if done:
            DirtyProduct.objects.filter(reduce(or_, done)).delete()
    if acknowledged_count:
        pagecache.invalidate()
    return acknowledged_count


def _load(index: str, ids: list[int], progress: Callable[[int, int], None] | None) -> None:
    """Bulk-load the documents of `ids` into `index`, batch by batch: while one batch is sent (a thread), the
    next is read from the database (this thread, so the reads share its connection and transaction)."""
    done = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-rebuild") as sender:
        sending = None
        for chunk in _batched(ids, REBUILD_BATCH_SIZE):
            documents, _gone = documents_for(chunk)
            actions = _actions(index, documents, ())
            if sending is not None:
                done += sending.result()
                if progress:
                    progress(done, len(ids))
            sending = sender.submit(_send, actions, len(chunk))
        if sending is not None:
            done += sending.result()
            if progress:
                progress(done, len(ids))


def _send(actions: list[dict], batch_size: int) -> int:
    helpers.bulk(get_client(), actions, chunk_size=REBUILD_BATCH_SIZE, max_retries=0)
    return batch_size


def rebuild_index(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Build a new index from every public product, swap the alias to it, delete the old one; the number of
    documents. `progress(done, total)` is called after each batch. Raises the client's errors (the new index
    is deleted, the alias untouched)."""
    client = get_client()
    alias = settings.SEARCH_INDEX_ALIAS
    name = f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"
    build = IndexBuild.objects.create(index_name=name)
    product_index(name).create(using=client)
    try:
        client.indices.put_settings(index=name, settings={"index": {"refresh_interval": "-1"}})
        ids = list(public_product_ids())
        _load(name, ids, progress)
        client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=name)
        old = list(client.indices.get_alias(name=alias)) if client.indices.exists_alias(name=alias) else []
        swap = [{"add": {"index": name, "alias": alias}}] + [{"remove": {"index": o, "alias": alias}} for o in old]
        client.indices.update_aliases(actions=swap)
    except Exception:
        client.options(ignore_status=404).indices.delete(index=name)
        IndexBuild.objects.filter(pk=build.pk).update(finished_at=timezone.now())
        raise
    IndexBuild.objects.filter(pk=build.pk).update(finished_at=timezone.now(), documents=len(ids), succeeded=True)
    for index in old:
        client.options(ignore_status=404).indices.delete(index=index)
    pagecache.invalidate()
    logger.info("Search index %s built with %d products behind %s.", name, len(ids), alias)
    sync_dirty()  # what changed during the build
    return len(ids)
