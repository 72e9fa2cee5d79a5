"""Demo orders: the demo shopper's orders at every step, placed and moved through the real services.

- shipping options for every approved demo shop (`orders.demo_shipping`), cash on delivery for about half;
- a completed order from the demo seller's shop and another shop (bank transfer, confirmed by the operator,
  shipped, received), reviewed;
- an order paid by bank transfer, waiting for the demo seller to ship it;
- a cash-on-delivery order the demo seller is preparing;
- an order waiting for its bank transfer (the operator's "Transfer bank" list has it).

Safe to run again: nothing is created when the demo shopper already has orders.
"""

import uuid

from django.db import transaction
from django.test.utils import override_settings

from payments.models import Payment
from payments.services import bank_transfer_confirm
from shops.models import ProductVariant, Shop, Village
from shops.services.shops import shop_set_cash_on_delivery

from .demo_shipping import seed_shipping_options
from .models import Cart, CartLine, Order, ShippingOption
from .services import fulfilment
from .services.checkout import order_place
from .services.reviews import review_create

DEMO_VILLAGE = "51.03.06.2005"  # Canggu, Kuta Utara, Badung


def seed_orders(*, shopper, seller, operator) -> int:
    """Create the demo orders (see the module docstring); returns how many were placed."""
    shops = list(Shop.objects.filter(status=Shop.Status.APPROVED).order_by("pk"))
    seed_shipping_options(shops)
    if Order.objects.filter(buyer=shopper).exists():
        return 0
    seller_shop = Shop.objects.filter(members__user=seller, members__role="owner").first()
    others = [shop for shop in shops if shop != seller_shop and shop.accepts_cash_on_delivery]
    if seller_shop is None or not others:
        return 0
    village = Village.objects.select_related("district__regency__province").filter(code=DEMO_VILLAGE).first()
    if village is None:
        return 0
    address = {
        "recipient_name": shopper.full_name,
        "phone": shopper.phone or "+6281100000004",
        "province": village.district.regency.province,
        "regency": village.district.regency,
        "district": village.district,
        "village": village,
        "street_address": "Jl. Raya Canggu No. 8",
        "postal_code": village.postal_code or "80361",
    }

    def place(shops_and_units, payment_method):
        cart, _ = Cart.objects.get_or_create(user=shopper)
        shipping = {}
        for shop, units in shops_and_units:
            variant = ProductVariant.objects.filter(shop=shop, is_active=True, stock__gte=units).order_by("pk").first()
            if variant is None:
                return None
            CartLine.objects.update_or_create(
                cart=cart, variant=variant, defaults={"quantity": units, "price_when_added": variant.price}
            )
            option = ShippingOption.objects.filter(shop=shop, is_active=True).exclude(kind="local_delivery").first()
            shipping[shop.pk] = option.pk
        return order_place(
            cart=cart,
            buyer=shopper,
            email=shopper.email,
            address=address,
            shipping=shipping,
            payment_method=payment_method,
            idempotency_key=uuid.uuid4().hex,
        ).order

    def paid(order):
        bank_transfer_confirm(payment=Payment.objects.get(order=order), operator=operator)
        return order

    placed = 0
    # No mail about made-up orders (the demo catalogue is seeded the same way).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        completed = place([(seller_shop, 2), (others[0], 1)], "bank_transfer")
        if completed is not None:
            paid(completed)
            for shop_order in completed.shop_orders.select_related("shop"):
                owner = shop_order.shop.members.get(role="owner").user
                fulfilment.shop_order_accept(shop_order=shop_order, user=owner)
                fulfilment.shop_order_ship(
                    shop_order=shop_order, user=owner, courier="JNE", tracking_number="JNE0012345678"
                )
                fulfilment.shop_order_confirm_received(shop_order=shop_order, user=shopper)
            line = completed.shop_orders.get(shop=seller_shop).lines.first()
            review_create(order_line=line, user=shopper, rating=5, text="Sambalnya mantap, pedasnya pas. Terima kasih!")
            placed += 1
        to_ship = place([(seller_shop, 1)], "bank_transfer")
        if to_ship is not None:
            paid(to_ship)
            placed += 1
        if not seller_shop.accepts_cash_on_delivery:
            seller_shop = shop_set_cash_on_delivery(shop=seller_shop, user=seller, accepts=True)
        if place([(seller_shop, 1)], "cod") is not None:
            placed += 1
        if place([(others[0], 1)], "bank_transfer") is not None:
            placed += 1
    return placed
