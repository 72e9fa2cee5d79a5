"""Building carts and placing orders through the real services, for the checkout and fulfilment tests."""

import uuid

from orders.models import Cart, CartLine, ShippingOption
from orders.services.checkout import order_place
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, DistrictFactory, ProductVariantFactory, VillageFactory


def shop_with_shipping(*, owner=None, fee=10_000, cash_on_delivery=False, **shop_fields):
    """An approved shop with one flat-rate option ("JNE Reguler") and local pickup; returns (shop, flat, pickup)."""
    shop = ApprovedShopFactory(owner=owner, accepts_cash_on_delivery=cash_on_delivery, **shop_fields)
    flat = ShippingOption.objects.create(shop=shop, kind="flat", name="JNE Reguler", fee=fee, position=0)
    pickup = ShippingOption.objects.create(shop=shop, kind="pickup", name="Ambil di toko", position=1)
    return shop, flat, pickup


def variant_of(shop, *, price=15_000, stock=10, weight_grams=250, **fields):
    variant = ProductVariantFactory(
        product__shop=shop, product__weight_grams=weight_grams, price=price, stock=stock, **fields
    )
    return variant


def cart_with(lines, *, user=None) -> Cart:
    """A cart holding [(variant, quantity), ...] at today's prices."""
    cart = Cart.objects.create(user=user)
    for variant, quantity in lines:
        CartLine.objects.create(cart=cart, variant=variant, quantity=quantity, price_when_added=variant.price)
    return cart


def address(**overrides) -> dict:
    village = VillageFactory()
    district = DistrictFactory()
    data = {
        "recipient_name": "Ni Luh Ayu",
        "phone": "+6281234567001",
        "province": district.regency.province,
        "regency": district.regency,
        "district": district,
        "village": village,
        "street_address": "Jl. Raya Canggu No. 5",
        "postal_code": "80363",
    }
    data.update(overrides)
    return data


def address_form_data(**overrides) -> dict:
    """`address()` as a form or the API posts it: region codes, the phone as typed."""
    parts = address()
    data = {
        "recipient_name": parts["recipient_name"],
        "phone": "0812 3456 7001",
        "province": parts["province"].code,
        "regency": parts["regency"].code,
        "district": parts["district"].code,
        "village": parts["village"].code,
        "street_address": parts["street_address"],
        "postal_code": parts["postal_code"],
    }
    data.update(overrides)
    return data


def place(
    cart,
    *,
    buyer=None,
    shipping,
    payment_method="bank_transfer",
    key=None,
    notes=None,
    email="ayu@example.com",
    **kwargs,
):
    if buyer is None and cart.user_id:
        buyer = cart.user
    return order_place(
        cart=cart,
        buyer=buyer,
        email=email,
        address=kwargs.pop("address", None) or address(),
        shipping=shipping,
        notes=notes or {},
        payment_method=payment_method,
        idempotency_key=key or uuid.uuid4().hex,
        **kwargs,
    )


def two_shop_order(*, payment_method="bank_transfer", buyer=None, quantities=(2, 1)):
    """A placed order from two shops (both accept COD); returns (placed, shops, variants)."""
    buyer = buyer or VerifiedUserFactory()
    shop_a, flat_a, _pickup_a = shop_with_shipping(cash_on_delivery=True)
    shop_b, flat_b, _pickup_b = shop_with_shipping(cash_on_delivery=True, fee=12_000)
    variant_a = variant_of(shop_a, price=15_000)
    variant_b = variant_of(shop_b, price=40_000)
    cart = cart_with([(variant_a, quantities[0]), (variant_b, quantities[1])], user=buyer)
    placed = place(
        cart, buyer=buyer, shipping={shop_a.pk: flat_a.pk, shop_b.pk: flat_b.pk}, payment_method=payment_method
    )
    return placed, (shop_a, shop_b), (variant_a, variant_b)
