"""What makes the storefront's cached pages stale (`marketplace.core.pagecache`).

Every change to something a storefront page shows invalidates the anonymous page cache once its transaction
commits: the catalogue (products, variants, photos, shops, categories), Wagtail pages (published, unpublished,
moved, deleted), images (an editor moving a focal point), the storefront settings (menu, footer) and sites.
Saves through the ORM send these signals; a bulk `QuerySet.update()` or `bulk_create` on these models does not,
so code that writes them in bulk calls `pagecache.invalidate()` itself (`shops.large_catalogue` does).
"""

from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from marketplace.core import pagecache
from shops.models import Category, Product, ProductImage, ProductVariant, Shop

from .models import StorefrontSettings

SAVED_OR_DELETED = (Product, ProductVariant, ProductImage, Shop, Category, Site, StorefrontSettings)


def storefront_changed(**kwargs) -> None:
    pagecache.invalidate()


def connect() -> None:
    for model in (*SAVED_OR_DELETED, get_image_model()):
        post_save.connect(storefront_changed, sender=model, dispatch_uid=f"pagecache_saved_{model._meta.label}")
        post_delete.connect(storefront_changed, sender=model, dispatch_uid=f"pagecache_deleted_{model._meta.label}")
    post_delete.connect(storefront_changed, sender=Page, dispatch_uid="pagecache_page_deleted")
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"), (post_page_move, "moved")):
        signal.connect(storefront_changed, dispatch_uid=f"pagecache_page_{name}")
