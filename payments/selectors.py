"""Reads of the payments app, with their joins.

Operators' reads (`bank_transfer_pending_list`, `payment_get_for_operator`) do not check who asks: the views
and the API check `payments.confirm_bank_transfer` first, and the confirmation service checks it again.
The shopper's read (`bank_transfer_for_order`) takes an order already loaded through
`orders.selectors.orders` (the buyer's or the guest's), which is where the shopper's authorization lives.
"""

import dataclasses
import re

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from orders.models import Order, PaymentMethod, ShopOrder

from .models import LedgerEntry, Payment, PayoutAccount, Refund

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


@dataclasses.dataclass(frozen=True)
class ChargeLine:
    label: str
    amount: int


def payment_charge_lines(*, payment: Payment) -> list[ChargeLine]:
    """What a card payment charges, line by line: each shop order still awaiting payment ("<shop> · <number>",
    its total with shipping). A part cancelled before payment is not charged (`payment_reprice_for_order`)."""
    shop_orders = payment.order.shop_orders.filter(status="awaiting_payment").select_related("shop").order_by("pk")
    return [ChargeLine(f"{shop_order.shop.name} · {shop_order.number}", shop_order.total) for shop_order in shop_orders]


# --- The seller ledger ------------------------------------------------------------------------------------

# An entry counts as available when it belongs to no shop order (a payout) or its shop order is completed.
AVAILABLE = Q(shop_order__isnull=True) | Q(shop_order__completed_at__isnull=False)


@dataclasses.dataclass(frozen=True)
class Balance:
    """A shop's money with the platform, in rupiah: `available` may be paid out, `pending` waits for the
    shopper's confirmation of receipt (or the auto-complete timer); `total` is their sum. Negative means the
    seller owes the platform (the commission on cash-on-delivery sales)."""

    pending: int
    available: int

    @property
    def total(self) -> int:
        return self.pending + self.available


def shop_balance(*, shop) -> Balance:
    """The sums of the shop's ledger entries, in one query."""
    totals = LedgerEntry.objects.filter(shop=shop).aggregate(
        available=Sum("amount", filter=AVAILABLE), pending=Sum("amount", filter=~AVAILABLE)
    )
    return Balance(pending=totals["pending"] or 0, available=totals["available"] or 0)


def shop_ledger_entries(*, shop, start=None, end=None) -> QuerySet[LedgerEntry]:
    """The shop's entries, newest first, with their shop order, order, refund and payout loaded; `start`
    (inclusive) and `end` (exclusive) bound `created_at`."""
    entries = LedgerEntry.objects.filter(shop=shop)
    if start is not None:
        entries = entries.filter(created_at__gte=start)
    if end is not None:
        entries = entries.filter(created_at__lt=end)
    return entries.select_related("shop_order", "shop_order__order", "refund", "payout").order_by("-created_at", "-pk")


@dataclasses.dataclass(frozen=True)
class ShopOrderMoney:
    """Where the shopper's money for one shop order went. `seller_net + commission == paid - refunded` always
    (the ledger invariant); for cash on delivery the seller's net includes the cash they kept."""

    paid: int
    refunded: int
    refunds_in_progress: int
    seller_net: int
    commission: int

    @property
    def refundable(self) -> int:
        return max(self.paid - self.refunded - self.refunds_in_progress, 0)


def shop_order_money(*, shop_order) -> ShopOrderMoney:
    """What was paid for `shop_order` (its total once paid: `paid_at` is set by a confirmed payment or, for cash
    on delivery, when the seller collected it), what went back, and the split between seller and platform."""
    paid = shop_order.total if shop_order.paid_at else 0
    refunds = Refund.objects.filter(shop_order=shop_order).aggregate(
        done=Sum("amount", filter=Q(status=Refund.Status.SUCCEEDED)),
        open=Sum("amount", filter=Q(status=Refund.Status.PENDING)),
        by_seller=Sum("amount", filter=Q(status=Refund.Status.SUCCEEDED, paid_back_by=Refund.PaidBackBy.SELLER)),
    )
    entries = LedgerEntry.objects.filter(shop_order=shop_order).exclude(kind__in=LedgerEntry.PAYOUT_KINDS)
    sums = entries.aggregate(
        ledger=Sum("amount"), commission=Sum("amount", filter=Q(kind__in=LedgerEntry.COMMISSION_KINDS))
    )
    cash_kept = 0
    if shop_order.paid_at and shop_order.order.payment_method == PaymentMethod.COD:
        cash_kept = shop_order.total - (refunds["by_seller"] or 0)
    return ShopOrderMoney(
        paid=paid,
        refunded=refunds["done"] or 0,
        refunds_in_progress=refunds["open"] or 0,
        seller_net=(sums["ledger"] or 0) + cash_kept,
        commission=-(sums["commission"] or 0),
    )


@dataclasses.dataclass(frozen=True)
class PayableShop:
    shop: object
    account: PayoutAccount | None
    available: int
    refunds_in_progress: int

    @property
    def payable(self) -> int:
        return self.available - self.refunds_in_progress


def payable_balances(*, minimum: int = 1, shop_ids=None) -> list[PayableShop]:
    """Shops paid by bank (no Stripe account with payouts enabled) whose available balance, less refunds still
    in progress (money about to leave their balance), is at least `minimum`; largest first. Two queries."""
    from shops.models import Shop

    available = (
        LedgerEntry.objects.filter(AVAILABLE, shop=OuterRef("pk"))
        .values("shop")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    in_progress = (
        Refund.objects.filter(
            status=Refund.Status.PENDING, paid_back_by=Refund.PaidBackBy.PLATFORM, shop_order__shop=OuterRef("pk")
        )
        .values("shop_order__shop")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    shops = (
        Shop.objects.annotate(
            available=Coalesce(Subquery(available), 0), refunds_in_progress=Coalesce(Subquery(in_progress), 0)
        )
        .filter(available__gte=F("refunds_in_progress") + minimum)
        .exclude(payout_account__stripe_payouts_enabled=True, payout_account__stripe_account_id__isnull=False)
        .select_related("payout_account")
        .order_by(F("available").desc(), "pk")
    )
    if shop_ids is not None:
        shops = shops.filter(pk__in=shop_ids)
    return [
        PayableShop(
            shop=shop,
            account=getattr(shop, "payout_account", None),
            available=shop.available,
            refunds_in_progress=shop.refunds_in_progress,
        )
        for shop in shops
    ]
