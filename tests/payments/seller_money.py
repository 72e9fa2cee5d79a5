"""Orders of one shop placed and paid through the real services, for the seller's money pages and API tests.

With the defaults an order is 2 x Rp 15.000 + Rp 10.000 shipping = Rp 40.000, commission 5 % of Rp 30.000 =
Rp 1.500, so the seller's net is Rp 38.500."""

import datetime

from orders.models import PaymentMethod, ShippingOption, ShopOrder
from orders.services import fulfilment
from payments.models import LedgerEntry
from payments.selectors_seller import WITA
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ShopMemberFactory
from tests.orders.builders import cart_with, place, shop_with_shipping, variant_of

from .money import pay, seller_of

NET = 38_500


def seller_shop(**fields):
    shop, _flat, _pickup = shop_with_shipping(cash_on_delivery=True, **fields)
    return shop


def order_in(shop, *, quantity=2, price=15_000, payment_method=PaymentMethod.BANK_TRANSFER, paid=True) -> ShopOrder:
    """A placed order of one shop (its flat-rate shipping); bank transfers are paid unless `paid=False`."""
    flat = ShippingOption.objects.get(shop=shop, kind="flat")
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant_of(shop, price=price), quantity)], user=buyer)
    order = place(cart, buyer=buyer, shipping={shop.pk: flat.pk}, payment_method=payment_method).order
    if paid and payment_method == PaymentMethod.BANK_TRANSFER:
        pay(order)
    return ShopOrder.objects.select_related("order", "shop").get(order=order)


def deliver_cash(shop_order) -> ShopOrder:
    """A cash-on-delivery order shipped and delivered: the seller collected the cash."""
    seller = seller_of(shop_order.shop)
    fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="JN1")
    fulfilment.shop_order_mark_delivered(shop_order=shop_order, user=seller)
    return ShopOrder.objects.select_related("order", "shop").get(pk=shop_order.pk)


def staff_of(shop):
    return ShopMemberFactory(shop=shop).user


def wita(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=WITA)


def date_entries(shop_order, *moments) -> list[LedgerEntry]:
    """Move the shop order's entries (by id) to these moments, one each, and return them in that order."""
    entries = list(LedgerEntry.objects.filter(shop_order=shop_order).order_by("pk"))
    assert len(entries) == len(moments)
    for entry, moment in zip(entries, moments, strict=True):
        LedgerEntry.objects.filter(pk=entry.pk).update(created_at=moment)
    return list(LedgerEntry.objects.filter(shop_order=shop_order).order_by("pk"))
