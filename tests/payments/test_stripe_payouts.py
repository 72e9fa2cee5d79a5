"""Payouts to shops with a connected Stripe account: one transfer per completed shop order, with the order number
as `transfer_group`, never more than the shop's available balance, and never twice — not when the task runs
again, not when two runs race, not when Stripe fails mid-way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import ShopOrder
from orders.services import fulfilment
from payments.models import LedgerEntry, Payout, PayoutAccount
from payments.selectors import shop_balance
from payments.services.payouts import payouts_stripe_run
from tests.orders.builders import two_shop_order
from tests.orders.test_concurrency import run_together

from .money import complete, pay, seller_of, ship

pytestmark = pytest.mark.django_db


def connected(shop, account_id="acct_shop_a") -> PayoutAccount:
    return PayoutAccount.objects.create(
        shop=shop, stripe_account_id=account_id, stripe_details_submitted=True, stripe_payouts_enabled=True
    )


def completed_order_for(shop_index=0):
    placed, shops, _variants = two_shop_order()
    pay(placed.order)
    part = ShopOrder.objects.get(order=placed.order, shop=shops[shop_index])
    complete(part)
    return placed.order, part, shops[shop_index]


def test_a_completed_order_is_transferred_once_with_its_order_number(fake_stripe):
    order, part, shop = completed_order_for()
    connected(shop)
    assert payouts_stripe_run() == 1
    (request,) = fake_stripe.requests_to("POST /v1/transfers")
    assert request.params == {
        "amount": "3850000",  # Rp 38.500 (Rp 40.000 less 5 % of Rp 30.000) in Stripe's two-decimal IDR
        "currency": "idr",
        "destination": "acct_shop_a",
        "transfer_group": order.number,
        "metadata": {"payout_id": str(Payout.objects.get().pk), "shop_id": str(shop.pk)},
    }
    payout = Payout.objects.get()
    assert request.idempotency_key == payout.idempotency_key == f"payout:stripe:{part.number}:1"
    assert (payout.status, payout.amount, payout.shop_order_id) == ("paid", 38_500, part.pk)
    assert payout.provider_reference.startswith("tr_")
    assert shop_balance(shop=shop).available == 0
    assert payouts_stripe_run() == 0
    assert len(fake_stripe.requests_to("POST /v1/transfers")) == 1


def test_pending_funds_and_shops_without_payouts_enabled_are_not_transferred(fake_stripe):
    placed, (shop_a, shop_b), _variants = two_shop_order()
    pay(placed.order)
    ship(ShopOrder.objects.get(order=placed.order, shop=shop_a))  # shipped, not completed: pending
    connected(shop_a)
    part_b = ShopOrder.objects.get(order=placed.order, shop=shop_b)
    complete(part_b)
    PayoutAccount.objects.create(shop=shop_b, stripe_account_id="acct_b", stripe_payouts_enabled=False)
    assert payouts_stripe_run() == 0
    assert fake_stripe.requests_to("POST /v1/transfers") == []
    assert not Payout.objects.exists()


def test_a_debt_for_cash_on_delivery_commission_caps_the_transfer(fake_stripe):
    _order, _part, shop = completed_order_for()
    cod, _shops, _variants = two_shop_order(payment_method="cod")
    # The same seller also sold for cash on another order (a second order of shop A's owner is not possible with
    # the builder, so move this COD part to shop A).
    cod_part = cod.order.shop_orders.order_by("pk").first()
    ShopOrder.objects.filter(pk=cod_part.pk).update(shop=shop)
    cod_part.refresh_from_db()
    ship(cod_part)
    fulfilment.shop_order_mark_delivered(shop_order=cod_part, user=seller_of(shop))
    fulfilment.shop_order_confirm_received(shop_order=cod_part, user=cod.order.buyer)
    connected(shop)
    assert shop_balance(shop=shop).available == 38_500 - 1_500
    payouts_stripe_run()
    assert Payout.objects.get().amount == 37_000
    assert shop_balance(shop=shop).available == 0


def test_a_stripe_outage_leaves_the_payout_processing_and_it_is_resent_with_the_same_key(fake_stripe):
    _order, _part, shop = completed_order_for()
    connected(shop)
    fake_stripe.fail_next("POST /v1/transfers", status=500, times=3)  # the SDK's two retries fail too
    assert payouts_stripe_run() == 0
    payout = Payout.objects.get()
    assert payout.status == "processing"
    assert LedgerEntry.objects.filter(payout=payout).values_list("kind", "amount").get() == ("payout", -38_500)
    # A run within the resend delay leaves it alone; after it, the same key is sent again and Stripe makes one.
    assert payouts_stripe_run() == 0
    Payout.objects.filter(pk=payout.pk).update(processing_at=timezone.now() - timedelta(minutes=11))
    assert payouts_stripe_run() == 1
    keys = {request.idempotency_key for request in fake_stripe.requests_to("POST /v1/transfers")}
    assert keys == {payout.idempotency_key}
    assert len(fake_stripe.transfers) == 1
    assert Payout.objects.get().status == "paid"


def test_a_refused_transfer_fails_returns_the_money_and_a_later_run_tries_again(fake_stripe):
    _order, part, shop = completed_order_for()
    connected(shop)
    fake_stripe.fail_next(
        "POST /v1/transfers",
        status=400,
        error={"type": "invalid_request_error", "message": "The destination account cannot receive transfers."},
    )
    assert payouts_stripe_run() == 0
    failed = Payout.objects.get()
    assert failed.status == "failed"
    assert "cannot receive" in failed.failure_message
    assert shop_balance(shop=shop).available == 38_500
    assert payouts_stripe_run() == 1
    retried = Payout.objects.exclude(pk=failed.pk).get()
    assert (retried.status, retried.idempotency_key) == ("paid", f"payout:stripe:{part.number}:2")
    assert shop_balance(shop=shop).available == 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_pay_once(postgres, fake_stripe):
    _order, _part, shop = completed_order_for()
    connected(shop)
    outcomes = run_together([payouts_stripe_run, payouts_stripe_run])
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted(outcomes) == [0, 1]
    assert Payout.objects.count() == 1
    assert len(fake_stripe.transfers) == 1
    assert LedgerEntry.objects.filter(kind="payout").count() == 1
    assert shop_balance(shop=shop).available == 0
