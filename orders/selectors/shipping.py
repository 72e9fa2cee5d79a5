"""Reads of shipping options: what checkout offers per shop, and the seller's own list."""

from collections.abc import Iterable

from django.db.models import QuerySet

from shops.models import Shop

from ..models import ShippingOption


def shipping_options_for_shops(*, shop_ids: Iterable[int]) -> dict[int, list[ShippingOption]]:
    """The active options of each shop, ordered by position, with their districts prefetched (two queries
    whatever the number of shops). Every shop id asked for is a key; a shop without options maps to `[]`."""
    ids = list(dict.fromkeys(shop_ids))
    result: dict[int, list[ShippingOption]] = {shop_id: [] for shop_id in ids}
    if not ids:
        return result
    options = (
        ShippingOption.objects.filter(shop_id__in=ids, is_active=True)
        .prefetch_related("districts")
        .order_by("shop_id", "position", "pk")
    )
    for option in options:
        result[option.shop_id].append(option)
    return result


def shipping_option_list_for_shop(*, shop: Shop) -> QuerySet[ShippingOption]:
    """Every option of the shop, active or not, for its seller pages and API: by position, districts prefetched."""
    return ShippingOption.objects.filter(shop=shop).prefetch_related("districts").order_by("position", "pk")


def shipping_option_get_for_shop(*, shop: Shop, option_id: int) -> ShippingOption | None:
    """The shop's option with this id (districts prefetched), or None — also for another shop's option (404)."""
    return shipping_option_list_for_shop(shop=shop).filter(pk=option_id).first()
