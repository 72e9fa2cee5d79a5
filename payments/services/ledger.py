"""Bookings in the seller ledger (DESIGN §3, §6). Every money movement of a shop is one signed `LedgerEntry`
written in the same transaction as the change that causes it; nothing here is ever updated or deleted, and a
shop's balance is the sum of its entries (`payments.selectors.shop_balance`).

Per shop order, what the shopper paid splits exactly into the seller's net and the platform's commission:
    SALE (+subtotal) + SHIPPING (+shipping fee) + COMMISSION (-fee) = total - fee
and every refund keeps it so: REFUND (-amount, when the platform paid it back) and COMMISSION_REFUND (+the part of
the commission the refund returns). The constraints on `LedgerEntry` make each of these bookable once.
"""

from django.db.models import Sum

from marketplace.core.money import basis_points_of
from orders.models import OrderLine, ShopOrder

from ..models import LedgerEntry, Refund

Kind = LedgerEntry.Kind


def shop_order_commission(*, shop_order: ShopOrder) -> int:
    """The platform's fee on a shop order: each line's total at its frozen rate, rounded half up per line (so
    `seller net + fee == line total` holds line by line). Shipping carries no commission."""
    lines = OrderLine.objects.filter(shop_order=shop_order).values_list("line_total", "commission_basis_points")
    return sum(basis_points_of(line_total, rate) for line_total, rate in lines)


def ledger_book_payment(*, shop_orders) -> list[LedgerEntry]:
    """The shopper's money for these shop orders reached the platform (a card payment, a confirmed transfer)."""
    entries = []
    for shop_order in shop_orders:
        entries.append(LedgerEntry(**_fields(shop_order, Kind.SALE, shop_order.subtotal)))
        if shop_order.shipping_fee:
            entries.append(LedgerEntry(**_fields(shop_order, Kind.SHIPPING, shop_order.shipping_fee)))
        fee = shop_order_commission(shop_order=shop_order)
        if fee:
            entries.append(LedgerEntry(**_fields(shop_order, Kind.COMMISSION, -fee)))
    return LedgerEntry.objects.bulk_create(entries)


def ledger_book_cash_on_delivery(*, shop_order: ShopOrder) -> LedgerEntry | None:
    """The seller collected the cash: the money never passed through the platform, so the ledger records only
    the commission the seller now owes."""
    fee = shop_order_commission(shop_order=shop_order)
    if not fee:
        return None
    return LedgerEntry.objects.create(**_fields(shop_order, Kind.COD_COMMISSION, -fee))


def ledger_book_refund(*, refund: Refund) -> list[LedgerEntry]:
    """A refund succeeded. Inside the caller's transaction, with the payment row locked (so the commission
    already returned is read consistently).

    The commission kept after all successful refunds is the original fee scaled by what is still paid,
    rounded half up; this refund returns the difference with what was kept before it. A full refund
    therefore returns the whole fee, and fee kept + seller net == paid - refunded after every refund.
    """
    shop_order = refund.shop_order
    fee = _commission_charged(shop_order)
    returned_before = _sum(LedgerEntry.objects.filter(shop_order=shop_order, kind=Kind.COMMISSION_REFUND))
    refunded = _sum(Refund.objects.filter(shop_order=shop_order, status=Refund.Status.SUCCEEDED).exclude(pk=refund.pk))
    refunded += refund.amount
    still_paid = max(shop_order.total - refunded, 0)
    kept = (fee * still_paid * 2 + shop_order.total) // (shop_order.total * 2) if shop_order.total else 0
    commission_back = fee - returned_before - kept
    entries = []
    if refund.paid_back_by == Refund.PaidBackBy.PLATFORM:
        entries.append(LedgerEntry(**_fields(shop_order, Kind.REFUND, -refund.amount), refund=refund))
    if commission_back:
        entries.append(LedgerEntry(**_fields(shop_order, Kind.COMMISSION_REFUND, commission_back), refund=refund))
    return LedgerEntry.objects.bulk_create(entries)


def ledger_book_payout(*, payout, reversal: bool = False) -> LedgerEntry:
    """A payout leaves the balance when it is created; a failed one comes back."""
    kind, amount = (Kind.PAYOUT_REVERSAL, payout.amount) if reversal else (Kind.PAYOUT, -payout.amount)
    return LedgerEntry.objects.create(shop_id=payout.shop_id, kind=kind, amount=amount, payout=payout)


def _commission_charged(shop_order: ShopOrder) -> int:
    return -_sum(LedgerEntry.objects.filter(shop_order=shop_order, kind__in=(Kind.COMMISSION, Kind.COD_COMMISSION)))


def _sum(queryset) -> int:
    return queryset.aggregate(total=Sum("amount"))["total"] or 0


def _fields(shop_order: ShopOrder, kind: str, amount: int) -> dict:
    return {"shop_id": shop_order.shop_id, "shop_order": shop_order, "kind": kind, "amount": amount}
