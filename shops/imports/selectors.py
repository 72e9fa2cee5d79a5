"""Reads of the bulk import. The views find the shop through `shops.selectors.seller_membership`; a job of
another shop is simply not found (404)."""

from django.db.models import QuerySet

from ..models import ProductImport, Shop

LIST_DEFERRED_FIELDS = ("errors", "preview", "failure")


def product_import_list_for_shop(*, shop: Shop) -> QuerySet[ProductImport]:
    """The shop's imports, newest first, without the large error and preview lists (one query per page)."""
    return ProductImport.objects.filter(shop=shop).defer(*LIST_DEFERRED_FIELDS).order_by("-created_at", "-pk")


def product_import_get_for_shop(*, shop: Shop, product_import_id: int) -> ProductImport | None:
    """The import if it belongs to `shop`, else None (answer 404)."""
    return ProductImport.objects.filter(shop=shop, pk=product_import_id).first()
