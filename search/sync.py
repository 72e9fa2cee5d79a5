"""Marking products dirty for the search index, and queueing the task that indexes them (DESIGN §4).

The mark is the durable intent, written in the caller's transaction; the task queued on commit (once per
transaction, however many products were marked) is only the fast path. If the broker is down, the beat sweep
(`search.tasks.sweep_search_index`) indexes the marks within a minute.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from marketplace.core.queueing import enqueue
from shops.models import Category, Product

from .client import is_configured
from .models import DirtyProduct
from .tasks import index_dirty_products

MARK_BATCH_SIZE = 1000
_pending = threading.local()


def mark_products_dirty(product_ids: Iterable[int]) -> None:
    """These products' documents must be written again (or deleted) once the transaction commits."""
    if not is_configured():
        return
    now = timezone.now()
    rows = [DirtyProduct(product_id=pk, token=uuid.uuid4(), marked_at=now) for pk in set(product_ids) if pk]
    if not rows:
        return
    DirtyProduct.objects.bulk_create(
        rows,
        batch_size=MARK_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["product_id"],
        update_fields=["token", "marked_at"],
    )
    _pending.count = getattr(_pending, "count", 0) + 1
    transaction.on_commit(_queue_indexing)


def mark_shop_dirty(shop_id: int) -> None:
    if is_configured():
        mark_products_dirty(Product.objects.filter(shop_id=shop_id).values_list("pk", flat=True))


def mark_category_dirty(category: Category) -> None:
    """The products of the category and of every category below it (their documents hold its slug and name)."""
    if is_configured() and category.path:
        subtree = Category.objects.filter(path__startswith=category.path)
        mark_products_dirty(Product.objects.filter(category__in=subtree).values_list("pk", flat=True))


def _queue_indexing() -> None:
    # Every mark in a transaction registered this callback; the first one to run at commit queues for all.
    if not getattr(_pending, "count", 0):
        return
    _pending.count = 0
    enqueue(index_dirty_products)
