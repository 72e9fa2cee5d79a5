"""Row locks of the orders app, in a fixed order: cart, then order, then shop orders by primary key
(STYLE: lock briefly and in a fixed order). Stock rows are never locked: they change with conditional updates."""

from django.db.models import QuerySet

from .models import Cart, Order, ShopOrder


def cart_qs_select_for_update() -> QuerySet[Cart]:
    """Carts locked `FOR UPDATE`: serialises two checkouts (or a checkout and an edit) of one cart."""
    return Cart.objects.select_for_update().order_by("pk")


def order_qs_select_for_update() -> QuerySet[Order]:
    return Order.objects.select_for_update().order_by("pk")


def shop_order_qs_select_for_update() -> QuerySet[ShopOrder]:
    """Shop orders locked `FOR UPDATE`, in primary-key order: two transitions of one shop order (cancel and ship
    at once) run one after the other, and the second sees the first's status."""
    return ShopOrder.objects.select_for_update(of=("self",)).order_by("pk")
