"""Changes that make product documents stale mark the products dirty, in the same transaction (DESIGN §4).

A product, its variants (price, stock, active), its shop (name, district, status, vacation, legal data) and its
category (name, slug, place in the tree) all go into the document. Saves and deletes through the ORM send
these signals; the shops services that update in bulk (stock, sold and rating aggregates) send
`shops.signals.products_changed`, and `bulk_create` is followed by a rebuild (`shops.large_catalogue`).
Nothing is marked while no search server is configured: the first `search_reindex` reads everything.
"""

from django.db.models.signals import post_delete, post_save

from shops.models import Category, Product, ProductVariant, Shop
from shops.signals import products_changed

from . import sync


def product_changed(instance, **kwargs) -> None:
    sync.mark_products_dirty([instance.pk])


def variant_changed(instance, **kwargs) -> None:
    sync.mark_products_dirty([instance.product_id])


def shop_changed(instance, **kwargs) -> None:
    sync.mark_shop_dirty(instance.pk)


def category_changed(instance, **kwargs) -> None:
    sync.mark_category_dirty(instance)


def products_changed_in_bulk(product_ids, **kwargs) -> None:
    sync.mark_products_dirty(product_ids)


HANDLERS = {Product: product_changed, ProductVariant: variant_changed, Shop: shop_changed, Category: category_changed}


def connect() -> None:
    for model, handler in HANDLERS.items():
        label = model._meta.label
        post_save.connect(handler, sender=model, dispatch_uid=f"search_saved_{label}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"search_deleted_{label}")
    products_changed.connect(products_changed_in_bulk, dispatch_uid="search_products_changed")
