"""Placing an order: one Order, one ShopOrder per shop, snapshots, stock reserved, payment created, idempotent;
and every kind of bad input refused with nothing created and no stock touched."""

import pytest
from django.core.exceptions import ValidationError

from orders.errors import CartError, OutOfStockError
from orders.models import Cart, CartLine, Order, OrderLine, ShopOrder, ShopOrderEvent
from payments.models import Payment
from shops.models import Product, ProductVariant, Shop
from tests.factories.accounts import VerifiedUserFactory

from .builders import address, cart_with, place, shop_with_shipping, two_shop_order, variant_of

pytestmark = pytest.mark.django_db


def _stock(*variants):
    return [ProductVariant.objects.get(pk=variant.pk).stock for variant in variants]


def _nothing_created():
    assert Order.objects.count() == 0
    assert ShopOrder.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert Payment.objects.count() == 0


def test_order_from_two_shops_is_split_per_shop_with_snapshots_and_totals():
    placed, (shop_a, shop_b), (variant_a, variant_b) = two_shop_order()
    order = placed.order
    assert placed.created is True
    assert order.subtotal == 2 * 15_000 + 40_000
    assert order.shipping_total == 10_000 + 12_000
    assert order.total == 92_000
    shop_orders = list(order.shop_orders.order_by("pk"))
    assert [shop_order.shop_id for shop_order in shop_orders] == [shop_a.pk, shop_b.pk]
    assert [shop_order.number for shop_order in shop_orders] == [f"{order.number}-1", f"{order.number}-2"]
    assert [(so.subtotal, so.shipping_fee, so.total) for so in shop_orders] == [
        (30_000, 10_000, 40_000),
        (40_000, 12_000, 52_000),
    ]
    assert {shop_order.status for shop_order in shop_orders} == {ShopOrder.Status.AWAITING_PAYMENT}
    line = OrderLine.objects.get(shop_order=shop_orders[0])
    assert (line.title, line.variant_name, line.sku, line.unit_price, line.quantity, line.line_total) == (
        variant_a.product.title,
        variant_a.name,
        variant_a.sku,
        15_000,
        2,
        30_000,
    )
    assert _stock(variant_a, variant_b) == [8, 9]
    assert Product.objects.get(pk=variant_a.product_id).sold_count == 2
    assert ShopOrderEvent.objects.filter(kind="placed").count() == 2
    assert CartLine.objects.count() == 0


def test_order_numbers_are_readable_and_unique():
    first, _shops, _variants = two_shop_order()
    second, _shops, _variants = two_shop_order()
    for order in (first.order, second.order):
        prefix, date, suffix = order.number.split("-")
        assert prefix == "PU"
        assert len(date) == 6
        assert len(suffix) == 5
        assert not set(suffix) & set("ILOU")
    assert first.order.number != second.order.number


def test_bank_transfer_asks_for_a_unique_amount_and_sets_a_deadline(settings):
    settings.ORDER_PAYMENT_WINDOW_HOURS = 24
    placed, _shops, _variants = two_shop_order()
    payment = Payment.objects.get(order=placed.order)
    assert payment.provider == "bank_transfer"
    assert payment.status == Payment.Status.PENDING
    assert 1 <= payment.unique_code <= 999
    assert payment.amount == placed.order.total + payment.unique_code
    assert placed.order.pay_before is not None
    assert placed.next_action.kind == "bank_transfer"
    assert placed.next_action.data["amount"] == payment.amount
    assert placed.next_action.data["reference"] == placed.order.number
    assert placed.next_action.data["accounts"] == settings.BANK_TRANSFER_ACCOUNTS


def test_two_pending_transfers_never_ask_for_the_same_amount():
    amounts = {Payment.objects.get(order=two_shop_order()[0].order).amount for _ in range(25)}
    assert len(amounts) == 25


def test_cash_on_delivery_starts_processing_without_deadline():
    placed, _shops, _variants = two_shop_order(payment_method="cod")
    assert {so.status for so in placed.order.shop_orders.all()} == {ShopOrder.Status.PROCESSING}
    assert placed.order.pay_before is None
    assert placed.next_action.kind == "none"
    assert Payment.objects.get(order=placed.order).amount == placed.order.total


def test_cash_on_delivery_refused_when_one_shop_does_not_accept_it():
    shop_a, flat_a, _ = shop_with_shipping(cash_on_delivery=True)
    shop_b, flat_b, _ = shop_with_shipping(cash_on_delivery=False)
    variant_a, variant_b = variant_of(shop_a), variant_of(shop_b)
    cart = cart_with([(variant_a, 1), (variant_b, 1)], user=VerifiedUserFactory())
    with pytest.raises(ValidationError) as error:
        place(cart, shipping={shop_a.pk: flat_a.pk, shop_b.pk: flat_b.pk}, payment_method="cod")
    assert "payment_method" in error.value.message_dict
    _nothing_created()
    assert _stock(variant_a, variant_b) == [10, 10]


def test_checkout_charges_todays_price_not_the_price_when_added():
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, price=20_000)
    cart = cart_with([(variant, 1)], user=VerifiedUserFactory())
    ProductVariant.objects.filter(pk=variant.pk).update(price=25_000)
    placed = place(cart, shipping={shop.pk: flat.pk})
    assert placed.order.subtotal == 25_000
    assert OrderLine.objects.get().unit_price == 25_000


def test_placing_the_same_checkout_twice_creates_one_order():
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, stock=10)
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant, 3)], user=buyer)
    first = place(cart, shipping={shop.pk: flat.pk}, key="checkout-123")
    again = place(cart, shipping={shop.pk: flat.pk}, key="checkout-123")
    assert first.created is True
    assert again.created is False
    assert again.order.pk == first.order.pk
    assert Order.objects.count() == 1
    assert _stock(variant) == [7]


def test_the_same_key_of_another_buyer_is_another_checkout():
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop)
    first = place(cart_with([(variant, 1)], user=VerifiedUserFactory()), shipping={shop.pk: flat.pk}, key="k-1")
    second = place(cart_with([(variant, 1)], user=VerifiedUserFactory()), shipping={shop.pk: flat.pk}, key="k-1")
    assert first.order.pk != second.order.pk


def test_guest_checkout_keeps_email_and_phone():
    shop, flat, _ = shop_with_shipping()
    cart = cart_with([(variant_of(shop), 1)])
    placed = place(cart, buyer=None, shipping={shop.pk: flat.pk}, email="Tamu@Example.com")
    assert placed.order.buyer is None
    assert placed.order.email == "tamu@example.com"
    assert str(placed.order.phone) == "+6281234567001"


def test_more_than_in_stock_is_refused_and_nothing_reserved():
    shop, flat, _ = shop_with_shipping()
    plenty, scarce = variant_of(shop, stock=10), variant_of(shop, stock=2)
    cart = cart_with([(plenty, 4), (scarce, 3)], user=VerifiedUserFactory())
    with pytest.raises(OutOfStockError) as error:
        place(cart, shipping={shop.pk: flat.pk})
    assert error.value.variant_ids == (scarce.pk,)
    _nothing_created()
    assert _stock(plenty, scarce) == [10, 2]
    assert CartLine.objects.filter(cart=cart).count() == 2


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            lambda variant: Shop.objects.filter(pk=variant.shop_id).update(status="suspended"), id="suspended"
        ),
        pytest.param(
            lambda variant: Shop.objects.filter(pk=variant.shop_id).update(closed_until="2999-01-01"), id="vacation"
        ),
        pytest.param(
            lambda variant: Product.objects.filter(pk=variant.product_id).update(status="archived"), id="archived"
        ),
        pytest.param(
            lambda variant: Product.objects.filter(pk=variant.product_id).update(moderation="pending"), id="unmoderated"
        ),
        pytest.param(
            lambda variant: ProductVariant.objects.filter(pk=variant.pk).update(is_active=False), id="inactive"
        ),
    ],
)
def test_what_is_no_longer_for_sale_is_refused_and_nothing_changes(spoil):
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, stock=5)
    cart = cart_with([(variant, 1)], user=VerifiedUserFactory())
    spoil(variant)
    with pytest.raises(CartError):
        place(cart, shipping={shop.pk: flat.pk})
    _nothing_created()
    assert _stock(variant) == [5]


def test_empty_cart_is_refused():
    shop, flat, _ = shop_with_shipping()
    with pytest.raises(CartError):
        place(Cart.objects.create(), shipping={shop.pk: flat.pk})
    _nothing_created()


@pytest.mark.parametrize("missing", ["recipient_name", "phone", "district", "street_address", "postal_code"])
def test_address_missing_a_required_part_is_refused(missing):
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop)
    cart = cart_with([(variant, 1)], user=VerifiedUserFactory())
    with pytest.raises(ValidationError) as error:
        place(cart, shipping={shop.pk: flat.pk}, address=address(**{missing: None}))
    assert "address" in error.value.message_dict
    _nothing_created()
    assert _stock(variant) == [10]


def test_invalid_email_is_refused():
    shop, flat, _ = shop_with_shipping()
    cart = cart_with([(variant_of(shop), 1)])
    with pytest.raises(ValidationError) as error:
        place(cart, buyer=None, shipping={shop.pk: flat.pk}, email="bukan-email")
    assert "email" in error.value.message_dict
    _nothing_created()


def test_shipping_option_of_another_shop_is_refused():
    shop, _flat, _ = shop_with_shipping()
    _other, other_flat, _ = shop_with_shipping()
    variant = variant_of(shop)
    cart = cart_with([(variant, 1)], user=VerifiedUserFactory())
    with pytest.raises(ValidationError) as error:
        place(cart, shipping={shop.pk: other_flat.pk})
    assert "shipping" in error.value.message_dict
    _nothing_created()
    assert _stock(variant) == [10]


def test_local_delivery_outside_its_districts_is_refused_with_the_reason():
    shop, _flat, _ = shop_with_shipping()
    local = shop.shipping_options.create(kind="local_delivery", name="Antar sendiri", fee=5_000)
    variant = variant_of(shop)
    cart = cart_with([(variant, 1)], user=VerifiedUserFactory())
    with pytest.raises(ValidationError) as error:
        place(cart, shipping={shop.pk: local.pk})
    assert "shipping" in error.value.message_dict
    _nothing_created()


def test_missing_idempotency_key_is_refused():
    shop, flat, _ = shop_with_shipping()
    cart = cart_with([(variant_of(shop), 1)])
    with pytest.raises(ValidationError):
        place(cart, shipping={shop.pk: flat.pk}, key=" ")
    _nothing_created()


def test_a_note_to_each_seller_is_kept():
    shop, flat, _ = shop_with_shipping()
    cart = cart_with([(variant_of(shop), 1)], user=VerifiedUserFactory())
    placed = place(cart, shipping={shop.pk: flat.pk}, notes={shop.pk: "  Tolong dibungkus kado  "})
    assert placed.order.shop_orders.get().note_to_seller == "Tolong dibungkus kado"


def test_the_cart_keeps_lines_that_were_not_ordered():
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop)
    cart = cart_with([(variant, 1)], user=VerifiedUserFactory())
    place(cart, shipping={shop.pk: flat.pk})
    assert Cart.objects.filter(pk=cart.pk).exists()
    assert not CartLine.objects.filter(cart=cart).exists()
