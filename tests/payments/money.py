"""Shared steps of the ledger, refund and payout tests: paying, shipping and completing orders through the real
services, and the invariants every path must keep."""

from django.contrib.auth.models import Permission
from django.db.models import Sum

from orders.models import PaymentMethod, ShopOrder
from orders.services import fulfilment
from payments.models import LedgerEntry, Payment, Refund
from payments.selectors import shop_order_money
from payments.services import bank_transfer_confirm

from .conftest import make_operator


def money_operator():
    """An operator who may confirm transfers and also refund and pay out (`payments.manage_payouts`)."""
    user = make_operator()
    group = user.groups.get()
    group.permissions.add(Permission.objects.get(content_type__app_label="payments", codename="manage_payouts"))
    return type(user).objects.get(pk=user.pk)


def seller_of(shop):
    return shop.members.get(role="owner").user


def pay(order, operator=None) -> Payment:
    payment = Payment.objects.get(order=order, status=Payment.Status.PENDING)
    return bank_transfer_confirm(payment=payment, operator=operator or money_operator())


def ship(shop_order) -> ShopOrder:
    seller = seller_of(shop_order.shop)
    shop_order.refresh_from_db()
    if shop_order.status == "paid":
        fulfilment.shop_order_accept(shop_order=shop_order, user=seller)
    return fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="JN123")


def complete(shop_order) -> ShopOrder:
    shop_order.refresh_from_db()
    if shop_order.status in ("paid", "processing"):
        ship(shop_order)
    order = shop_order.order
    if order.buyer_id:
        return fulfilment.shop_order_confirm_received(shop_order=shop_order, user=order.buyer)
    return fulfilment.shop_order_confirm_received(shop_order=shop_order, user=None)


def assert_shop_order_invariant(shop_order) -> None:
    """What the shopper paid for it (less refunds) splits exactly into the seller's net and the commission."""
    shop_order = ShopOrder.objects.select_related("order").get(pk=shop_order.pk)
    money = shop_order_money(shop_order=shop_order)
    assert money.seller_net + money.commission == money.paid - money.refunded, money
    assert money.commission >= 0


def assert_platform_invariant() -> None:
    """Over the whole platform: the money that came in through the platform, less what it paid back, equals the
    sellers' balances before payouts, plus the commission kept, plus the transfer unique codes; and the payout
    entries equal the payouts that did not fail."""
    received = (
        Payment.objects.filter(status=Payment.Status.SUCCEEDED)
        .exclude(provider=PaymentMethod.COD)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    unique_codes = (
        Payment.objects.filter(status=Payment.Status.SUCCEEDED).aggregate(total=Sum("unique_code"))["total"] or 0
    )
    paid_back = (
        Refund.objects.filter(status=Refund.Status.SUCCEEDED, paid_back_by=Refund.PaidBackBy.PLATFORM).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    entries = LedgerEntry.objects.exclude(kind__in=LedgerEntry.PAYOUT_KINDS)
    commission = -(entries.filter(kind__in=LedgerEntry.COMMISSION_KINDS).aggregate(total=Sum("amount"))["total"] or 0)
    # Cash on delivery never passes through the platform: its sale is in the seller's hands, not in the ledger,
    # and the commission they owe is a negative balance that the commission kept balances out.
    sellers = entries.aggregate(total=Sum("amount"))["total"] or 0
    assert received - paid_back == sellers + commission + unique_codes
