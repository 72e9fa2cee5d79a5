"""Reads of the payments app, with their joins.

Operators' reads (`bank_transfer_pending_list`, `payment_get_for_operator`) do not check who asks: the views
and the API check `payments.confirm_bank_transfer` first, and the confirmation service checks it again.
The shopper's read (`bank_transfer_for_order`) takes an order already loaded through
`orders.selectors.orders` (the buyer's or the guest's), which is where the shopper's authorization lives.
"""

import re

from django.db.models import Prefetch, Q, QuerySet

from orders.models import Order, PaymentMethod, ShopOrder

from .models import Payment

# "Rp 92.417", "92,417", "92 417" → 92417: what an operator copies from a bank statement or types.
_AMOUNT_NOISE = re.compile(r"(?i)rp\.?|[\s.,]")
# Longer digit strings are no rupiah amount (and would overflow the database's bigint).
MAX_AMOUNT_DIGITS = 15


def parse_amount(query: str) -> int | None:
    """The whole-rupiah amount `query` names, ignoring "Rp", dots, commas and spaces; None if it is not one."""
    digits = _AMOUNT_NOISE.sub("", query or "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_AMOUNT_DIGITS:
        return None
    return int(digits)


def _with_order(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments.select_related("order", "order__buyer", "confirmed_by").prefetch_related(
        Prefetch("order__shop_orders", queryset=ShopOrder.objects.select_related("shop").order_by("pk"))
    )


def bank_transfer_pending_list(*, query: str = "") -> QuerySet[Payment]:
    """Bank transfers waiting for an operator's confirmation, the oldest first, with the order, its buyer and
    its shop orders' shops loaded (constant queries whatever the number of shops).

    `query` (optional) matches, any of: an amount — exactly the amount asked (total plus unique code) or the
    order total, written with or without "Rp", dots, commas or spaces; part of the order number (any case); part
    of the buyer's email or name, or of the order's contact email.
    """
    payments = Payment.objects.filter(provider=PaymentMethod.BANK_TRANSFER, status=Payment.Status.PENDING)
    query = (query or "").strip()
    if query:
        condition = (
            Q(order__number__icontains=query)
            | Q(order__email__icontains=query)
            | Q(order__buyer__email__icontains=query)
            | Q(order__buyer__full_name__icontains=query)
        )
        amount = parse_amount(query)
        if amount is not None:
            condition |= Q(amount=amount) | Q(order__total=amount)
        payments = payments.filter(condition)
    return _with_order(payments).order_by("created_at", "pk")


def payment_get_for_operator(*, payment_id: int) -> Payment | None:
    """Any payment by id, whatever its status or provider, with its order, buyer and shops; None if unknown."""
    try:
        payment_id = int(payment_id)
    except (TypeError, ValueError):
        return None
    return _with_order(Payment.objects.filter(pk=payment_id)).first()


def bank_transfer_for_order(*, order: Order) -> Payment | None:
    """The order's bank-transfer payment (the latest if there were several), or None. Uses the prefetched
    `order.payments` when the order came from `orders.selectors.orders`."""
    transfers = [payment for payment in order.payments.all() if payment.provider == PaymentMethod.BANK_TRANSFER]
    if not transfers:
        return None
    return max(transfers, key=lambda payment: (payment.created_at, payment.pk))
