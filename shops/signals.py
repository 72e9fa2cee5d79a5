"""Signals the shops app sends for writes that bypass `Model.save()` (DESIGN §4, search index sync).

`products_changed(product_ids=...)` is sent inside the writing transaction after bulk updates of stock or of
the sold/rating aggregates, so `search` marks those products dirty like any other save. It carries no domain
flow: nothing but index bookkeeping listens.
"""

from django.dispatch import Signal

products_changed = Signal()
