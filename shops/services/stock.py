"""Stock and sales aggregates, changed with conditional updates so that stock is never oversold (DESIGN §4).

`variant_stock_reserve` takes units with one `UPDATE … SET stock = stock - n WHERE id = … AND stock >= n` per
variant, in primary-key order; a variant that has too few units is left untouched and reported, and the caller
rolls its transaction back. No row stays locked longer than the caller's short transaction, and no network call
happens in between (the caller's contract).
"""

from collections.abc import Mapping

from django.db.models import F

from ..models import Product, ProductVariant, Shop
from ..signals import products_changed


def variant_stock_reserve(*, quantities: Mapping[int, int]) -> list[int]:
    """Take `quantities` ({variant id: units}) from stock, all or nothing as far as the caller's transaction goes.

    Must run inside `transaction.atomic`. Returns the ids of the variants that had too few units (or are
    inactive); when it is not empty, some other variants may already be decremented and the caller must roll
    back. Sends `products_changed` for the products whose stock moved.
    """
    short = []
    for variant_id in sorted(quantities):
        units = quantities[variant_id]
        updated = ProductVariant.objects.filter(pk=variant_id, is_active=True, stock__gte=units).update(
            stock=F("stock") - units
        )
        if not updated:
            short.append(variant_id)
    if not short:
        _products_changed(variant_ids=quantities)
    return short


def variant_stock_release(*, quantities: Mapping[int, int]) -> None:
    """Put units back ({variant id: units}): a cancelled or expired order. Variants deleted since are skipped."""
    for variant_id in sorted(quantities):
        ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") + quantities[variant_id])
    _products_changed(variant_ids=quantities)


def product_sold_count_add(*, quantities: Mapping[int, int]) -> None:
    """Add to (or, with negative numbers, take from) the units sold of products ({product id: units})."""
    for product_id in sorted(quantities):
        Product.objects.filter(pk=product_id).update(sold_count=F("sold_count") + quantities[product_id])
    products_changed.send(sender=Product, product_ids=sorted(quantities))


def rating_add(*, product_id: int, shop_id: int, rating: int) -> None:
    """Count one more review of `rating` stars on the product and on its shop."""
    Product.objects.filter(pk=product_id).update(
        rating_count=F("rating_count") + 1, rating_total=F("rating_total") + rating
    )
    Shop.objects.filter(pk=shop_id).update(rating_count=F("rating_count") + 1, rating_total=F("rating_total") + rating)
    products_changed.send(sender=Product, product_ids=[product_id])


def _products_changed(*, variant_ids) -> None:
    product_ids = sorted(
        set(ProductVariant.objects.filter(pk__in=list(variant_ids)).values_list("product_id", flat=True))
    )
    products_changed.send(sender=Product, product_ids=product_ids)
