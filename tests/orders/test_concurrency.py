"""Checkouts and transitions racing each other on PostgreSQL, with real threads (each its own connection).

The first test shows the race is real: with a naive read-then-write reservation, 50 buyers of the last 5 units
all get an order. With the conditional update, exactly 5 do.
"""

import threading
import time
import uuid

import pytest
from django.db import connection
from django.db.models import Sum

from orders.errors import OrderStateError, OutOfStockError
from orders.models import Order, OrderLine, ShopOrder
from orders.services import checkout, fulfilment
from payments.models import Payment
from payments.services import bank_transfer_confirm
from shops.models import ProductVariant
from tests.factories.accounts import VerifiedUserFactory

from .builders import address, cart_with, shop_with_shipping, two_shop_order, variant_of

BUYERS = 50
UNITS = 5


def run_together(functions, timeout=60) -> list:
    """Start every function at the same moment in its own thread; return their outcomes in order."""
    outcomes = [None] * len(functions)
    start = threading.Barrier(len(functions))

    def run(index, function):
        start.wait()
        try:
            outcomes[index] = function()
        except Exception as error:  # noqa: BLE001 - the outcome under test is which error, if any
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, fn)) for index, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes


def buyers_racing_for(variant, shop, option, count=BUYERS):
    carts = [cart_with([(variant, 1)], user=VerifiedUserFactory()) for _ in range(count)]
    shared_address = address()

    def buy(cart):
        return lambda: checkout.order_place(
            cart=cart,
            buyer=cart.user,
            email=cart.user.email,
            address=shared_address,
            shipping={shop.pk: option.pk},
            payment_method="bank_transfer",
            idempotency_key=uuid.uuid4().hex,
        )

    return run_together([buy(cart) for cart in carts])


def naive_reserve(*, quantities):
    """Read the stock, think, write what was read minus the units: the lost-update race the guard prevents."""
    for variant_id, units in sorted(quantities.items()):
        stock = ProductVariant.objects.get(pk=variant_id).stock
        time.sleep(0.2)
        if stock < units:
            return [variant_id]
        ProductVariant.objects.filter(pk=variant_id).update(stock=stock - units)
    return []


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_buyers_would_oversell(postgres, monkeypatch):
    monkeypatch.setattr(checkout, "variant_stock_reserve", naive_reserve)
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, stock=UNITS)

    outcomes = buyers_racing_for(variant, shop, flat, count=10)

    sold = OrderLine.objects.aggregate(units=Sum("quantity"))["units"]
    assert sold > UNITS, f"the naive reservation should oversell, sold {sold}: {outcomes}"


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_for_the_last_five_units(postgres):
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, stock=UNITS)

    outcomes = buyers_racing_for(variant, shop, flat)

    placed = [outcome for outcome in outcomes if isinstance(outcome, checkout.PlacedOrder)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, OutOfStockError)]
    assert len(placed) == UNITS, outcomes
    assert len(refused) == BUYERS - UNITS, [o for o in outcomes if not isinstance(o, checkout.PlacedOrder)]
    assert ProductVariant.objects.get(pk=variant.pk).stock == 0
    assert Order.objects.count() == UNITS
    assert OrderLine.objects.aggregate(units=Sum("quantity"))["units"] == UNITS
    assert Payment.objects.count() == UNITS


def one_cart_submitted_twice():
    """A buyer's cart of 2 units (stock 10); `submit(key)` is a checkout of it with that idempotency key."""
    shop, flat, _ = shop_with_shipping()
    variant = variant_of(shop, stock=10)
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant, 2)], user=buyer)
    shared_address = address()

    def submit(key):
        return lambda: checkout.order_place(
            cart=cart,
            buyer=buyer,
            email=buyer.email,
            address=shared_address,
            shipping={shop.pk: flat.pk},
            payment_method="bank_transfer",
            idempotency_key=key,
        )

    return variant, submit


@pytest.mark.django_db(transaction=True)
def test_two_checkouts_of_one_cart_at_once_make_one_order(postgres):
    variant, submit = one_cart_submitted_twice()
    # A double click: the same form, the same key.
    same_key = run_together([submit("form-1"), submit("form-1")])
    assert all(isinstance(outcome, checkout.PlacedOrder) for outcome in same_key), same_key
    assert same_key[0].order.pk == same_key[1].order.pk
    assert sorted(outcome.created for outcome in same_key) == [False, True]
    assert Order.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8


@pytest.mark.django_db(transaction=True)
def test_two_tabs_checking_out_one_cart_make_one_order(postgres):
    variant, submit = one_cart_submitted_twice()
    # Two tabs: two forms, two keys; the cart lock makes the second find an empty cart.
    outcomes = run_together([submit("tab-1"), submit("tab-2")])
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["CartError", "PlacedOrder"], outcomes
    assert Order.objects.count() == 1
    assert ProductVariant.objects.get(pk=variant.pk).stock == 8


@pytest.mark.django_db(transaction=True)
def test_cancel_racing_with_ship_one_wins_and_stock_is_consistent(postgres):
    for _round in range(3):
        placed, (shop_a, _shop_b), (variant_a, _variant_b) = two_shop_order()
        operator = VerifiedUserFactory(is_superuser=True)
        bank_transfer_confirm(payment=Payment.objects.get(order=placed.order), operator=operator)
        shop_order = placed.order.shop_orders.get(shop=shop_a)
        seller = shop_a.members.get(role="owner").user
        fulfilment.shop_order_accept(shop_order=shop_order, user=seller)

        buyer = placed.order.buyer
        outcomes = run_together(
            [
                lambda shop_order=shop_order, buyer=buyer: fulfilment.shop_order_cancel(
                    shop_order=shop_order, user=buyer, reason="Salah pesan", actor="shopper"
                ),
                lambda shop_order=shop_order, seller=seller: fulfilment.shop_order_ship(
                    shop_order=shop_order, user=seller, courier="JNE", tracking_number="JNE-9"
                ),
            ]
        )

        winners = [outcome for outcome in outcomes if isinstance(outcome, ShopOrder)]
        losers = [outcome for outcome in outcomes if isinstance(outcome, OrderStateError)]
        assert (len(winners), len(losers)) == (1, 1), outcomes
        final = ShopOrder.objects.get(pk=shop_order.pk)
        stock = ProductVariant.objects.get(pk=variant_a.pk).stock
        if final.status == ShopOrder.Status.CANCELLED:
            assert stock == 10
            assert final.stock_reserved is False
        else:
            assert final.status == ShopOrder.Status.SHIPPED
            assert stock == 8
            assert final.stock_reserved is True
