"""The seller ledger: every money movement is a signed entry, balances are sums, and on every path (card or
transfer, cash on delivery, partial and full refunds, cancellation after payment, payouts) the shopper's money
splits exactly into the seller's net and the platform's commission."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from orders.models import ShopOrder
from orders.services import fulfilment
from payments.errors import PaymentStateError
from payments.models import LedgerEntry, Payment, Refund
from payments.selectors import shop_balance, shop_order_money
from payments.services.refunds import refund_create, refund_record_paid_back
from shops.models import Category
from tests.orders.builders import cart_with, place, shop_with_shipping, two_shop_order, variant_of

from .money import (
    assert_platform_invariant,
    assert_shop_order_invariant,
    complete,
    money_operator,
    pay,
    seller_of,
    ship,
)

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind


def entries_of(shop_order):
    return sorted(LedgerEntry.objects.filter(shop_order=shop_order).values_list("kind", "amount"))


def test_a_paid_order_books_sale_shipping_and_commission_per_shop():
    placed, (shop_a, shop_b), _variants = two_shop_order(quantities=(2, 1))
    pay(placed.order)
    part_a = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    part_b = ShopOrder.objects.get(order=placed.order, shop=shop_b)
    # 2 x Rp 15.000 at the default 5 %, shipping Rp 10.000; 1 x Rp 40.000, shipping Rp 12.000.
    assert entries_of(part_a) == [(Kind.COMMISSION, -1_500), (Kind.SALE, 30_000), (Kind.SHIPPING, 10_000)]
    assert entries_of(part_b) == [(Kind.COMMISSION, -2_000), (Kind.SALE, 40_000), (Kind.SHIPPING, 12_000)]
    assert shop_balance(shop=shop_a).pending == 38_500
    assert shop_balance(shop=shop_a).available == 0
    for part in (part_a, part_b):
        assert_shop_order_invariant(part)
    assert_platform_invariant()


def test_funds_become_available_when_the_shopper_confirms_receipt():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    ship(part)
    assert shop_balance(shop=shop_a).available == 0
    complete(part)
    balance = shop_balance(shop=shop_a)
    assert (balance.pending, balance.available, balance.total) == (0, 38_500, 38_500)


def test_funds_become_available_when_the_auto_complete_timer_passes():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    ship(part)
    ShopOrder.objects.filter(pk=part.pk).update(shipped_at=timezone.now() - timedelta(days=30))
    assert fulfilment.shop_order_auto_complete(shop_order=part, shipped_before=timezone.now() - timedelta(days=7))
    assert shop_balance(shop=shop_a).available == 38_500


def test_the_frozen_rate_is_used_even_after_the_category_rate_changes():
    shop, flat, _pickup = shop_with_shipping(fee=0)
    variant = variant_of(shop, price=10_001)
    category = variant.product.category
    Category.objects.filter(pk=category.pk).update(commission_basis_points=333)
    order = place(cart_with([(variant, 3)]), shipping={shop.pk: flat.pk}).order
    Category.objects.filter(pk=category.pk).update(commission_basis_points=2_000)
    pay(order)
    part = order.shop_orders.get()
    # 30.003 x 3.33 % = 999.0999 → 999 (half up).
    assert entries_of(part) == [(Kind.COMMISSION, -999), (Kind.SALE, 30_003)]
    assert_shop_order_invariant(part)


def test_cash_on_delivery_books_the_commission_the_seller_owes():
    placed, (shop_a, _shop_b), _variants = two_shop_order(payment_method="cod")
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    assert entries_of(part) == []
    ship(part)
    fulfilment.shop_order_mark_delivered(shop_order=part, user=seller_of(shop_a))
    assert entries_of(part) == [(Kind.COD_COMMISSION, -1_500)]
    assert shop_balance(shop=shop_a).total == -1_500
    money = shop_order_money(shop_order=ShopOrder.objects.get(pk=part.pk))
    assert (money.paid, money.seller_net, money.commission) == (40_000, 38_500, 1_500)
    assert_shop_order_invariant(part)
    assert_platform_invariant()


def test_a_partial_refund_returns_commission_in_proportion():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    ship(part)
    operator = money_operator()
    refund = refund_create(
        shop_order=part, amount=15_000, reason="Satu barang rusak", user=operator, actor="operator", manual_note="BCA"
    )
    assert refund.status == Refund.Status.SUCCEEDED
    # Rp 40.000 paid, Rp 25.000 left: commission kept 1.500 x 25/40 = 937.5 → 938, so 562 goes back.
    assert sorted(LedgerEntry.objects.filter(refund=refund).values_list("kind", "amount")) == [
        (Kind.COMMISSION_REFUND, 562),
        (Kind.REFUND, -15_000),
    ]
    money = shop_order_money(shop_order=ShopOrder.objects.get(pk=part.pk))
    assert (money.paid, money.refunded, money.commission, money.seller_net) == (40_000, 15_000, 938, 24_062)
    assert ShopOrder.objects.get(pk=part.pk).status == "shipped"
    assert_shop_order_invariant(part)
    assert_platform_invariant()


def test_refunding_everything_after_shipping_returns_all_the_commission_and_ends_refunded():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    complete(part)
    operator = money_operator()
    refund_create(shop_order=part, amount=10_001, reason="Retur", user=operator, actor="operator", manual_note="BCA")
    refund_create(shop_order=part, amount=29_999, reason="Retur", user=operator, actor="operator", manual_note="BCA")
    part.refresh_from_db()
    assert part.status == "refunded"
    money = shop_order_money(shop_order=part)
    assert (money.refunded, money.commission, money.seller_net, money.refundable) == (40_000, 0, 0, 0)
    assert shop_balance(shop=shop_a).total == 0
    assert_platform_invariant()


def test_a_refund_never_exceeds_what_was_paid_and_a_refusal_changes_nothing():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    ship(part)
    operator = money_operator()
    before = list(LedgerEntry.objects.values_list("pk", flat=True))
    for amount in (40_001, 0, -5, "abc", "1.5"):
        with pytest.raises(ValidationError) as error:
            refund_create(shop_order=part, amount=amount, reason="x", user=operator, actor="operator", manual_note="x")
        assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError):
        refund_create(shop_order=part, amount=100, reason="  ", user=operator, actor="operator", manual_note="x")
    with pytest.raises(PermissionDenied):
        refund_create(shop_order=part, amount=100, reason="x", user=seller_of(_shop_b), actor="seller")
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == before
    assert not Refund.objects.exists()


def test_nothing_can_be_refunded_before_payment():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    with pytest.raises(PaymentStateError):
        refund_create(shop_order=part, amount=100, reason="x", user=money_operator(), actor="operator", manual_note="x")


def test_before_shipping_a_full_refund_is_a_cancellation():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    with pytest.raises(ValidationError) as error:
        refund_create(
            shop_order=part, amount=40_000, reason="x", user=money_operator(), actor="operator", manual_note="x"
        )
    assert "cancel" in str(error.value.message_dict["amount"][0]).lower() or error.value.message_dict["amount"]


def test_cancelling_a_paid_transfer_order_waits_for_the_operator_to_pay_it_back():
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    fulfilment.shop_order_cancel(shop_order=part, user=placed.order.buyer, reason="Salah pesan", actor="shopper")
    refund = Refund.objects.get(shop_order=part)
    assert (refund.status, refund.method, refund.amount, refund.paid_back_by) == (
        "pending",
        "manual",
        40_000,
        "platform",
    )
    assert shop_order_money(shop_order=part).refundable == 0  # in progress counts
    refund_record_paid_back(refund=refund, operator=money_operator(), manual_note="BCA 123 ke rekening pembeli")
    part.refresh_from_db()
    assert part.status == "refunded"
    assert shop_balance(shop=shop_a).total == 0
    assert_shop_order_invariant(part)
    assert_platform_invariant()


def test_a_cash_refund_is_paid_back_by_the_seller_and_keeps_the_invariant():
    placed, (shop_a, _shop_b), _variants = two_shop_order(payment_method="cod")
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    ship(part)
    seller = seller_of(shop_a)
    fulfilment.shop_order_mark_delivered(shop_order=part, user=seller)
    with pytest.raises(ValidationError) as error:
        refund_create(shop_order=part, amount=10_000, reason="Kurang satu", user=seller, actor="seller")
    assert "manual_note" in error.value.message_dict
    refund = refund_create(
        shop_order=part, amount=10_000, reason="Kurang satu", user=seller, actor="seller", manual_note="Tunai"
    )
    assert (refund.status, refund.paid_back_by) == ("succeeded", "seller")
    assert not LedgerEntry.objects.filter(refund=refund, kind=Kind.REFUND).exists()
    money = shop_order_money(shop_order=ShopOrder.objects.get(pk=part.pk))
    assert (money.refunded, money.commission) == (10_000, 1_125)  # 1.500 x 30/40
    assert_shop_order_invariant(part)
    assert_platform_invariant()


def test_a_seller_may_not_refund_long_after_completion(settings):
    placed, (shop_a, _shop_b), _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    complete(part)
    ShopOrder.objects.filter(pk=part.pk).update(
        completed_at=timezone.now() - timedelta(days=settings.REFUND_SELLER_WINDOW_DAYS + 1)
    )
    with pytest.raises(PaymentStateError):
        refund_create(shop_order=part, amount=1_000, reason="Retur", user=seller_of(shop_a), actor="seller")
    assert not Refund.objects.exists()


def test_the_invariant_holds_through_random_refunds():
    rng = random.Random(7)
    operator = money_operator()
    for _round in range(3):
        placed, _shops, _variants = two_shop_order(quantities=(rng.randint(1, 5), rng.randint(1, 3)))
        pay(placed.order, operator)
        for part in ShopOrder.objects.filter(order=placed.order):
            complete(part)
            while (left := shop_order_money(shop_order=part).refundable) > 0:
                amount = left if rng.random() < 0.3 else rng.randint(1, left)
                refund_create(
                    shop_order=part, amount=amount, reason="r", user=operator, actor="operator", manual_note="m"
                )
                assert_shop_order_invariant(part)
            assert shop_order_money(shop_order=part).commission == 0
    assert_platform_invariant()
    assert Payment.objects.filter(status="succeeded").count() == 3


def test_cancelling_one_part_of_an_unpaid_transfer_order_lowers_the_amount_asked():
    placed, (shop_a, shop_b), _variants = two_shop_order()
    payment = Payment.objects.get(order=placed.order)
    part_a = ShopOrder.objects.get(order=placed.order, shop=shop_a)
    fulfilment.shop_order_cancel(shop_order=part_a, user=seller_of(shop_a), reason="Stok habis", actor="seller")
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert payment.amount - payment.unique_code == 52_000  # shop B's part only
    assert 1 <= payment.unique_code <= 999
    pay(placed.order)
    part_b = ShopOrder.objects.get(order=placed.order, shop=shop_b)
    assert shop_order_money(shop_order=part_b).paid == 52_000
    assert not LedgerEntry.objects.filter(shop_order=part_a).exists()
    assert not Refund.objects.exists()
    assert_platform_invariant()
