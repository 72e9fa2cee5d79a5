"""Reads of the seller's money pages and API (`/penjual/saldo/`, `/api/v1/seller/ledger/`), on top of
`payments.selectors` (balance, entries, the money of one shop order).

The caller has already found the shop through `shops.selectors.seller_membership` (never a shop id from the
client), so these functions take the shop and do not check who asks.

Months are calendar months in WITA (Asia/Makassar), the platform's time zone: a statement for November starts
on 1 November 00:00 WITA, whatever the server's clock.
"""

import dataclasses
import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Min, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import format_rupiah
from orders.models import OrderLine, PaymentMethod

from .models import LedgerEntry, Payout, PayoutAccount, Refund
from .selectors import shop_ledger_entries, shop_order_money

WITA = ZoneInfo("Asia/Makassar")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclasses.dataclass(frozen=True)
class Month:
    """A calendar month in WITA; `start` inclusive, `end` exclusive (aware datetimes)."""

    year: int
    month: int

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime(self.year, self.month, 1, tzinfo=WITA)

    @property
    def end(self) -> datetime.datetime:
        if self.month == 12:
            return datetime.datetime(self.year + 1, 1, 1, tzinfo=WITA)
        return datetime.datetime(self.year, self.month + 1, 1, tzinfo=WITA)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def month_parse(value: str) -> Month | None:
    """ "2026-11" → Month(2026, 11); None for anything else (another format, month 13, year 0)."""
    match = _MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 2000 <= year <= 9998):
        return None
    return Month(year, month)


def month_current() -> Month:
    today = datetime.datetime.now(tz=WITA)
    return Month(today.year, today.month)


# --- Commission of the sales on a page ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SaleCommission:
    """The platform's commission on one shop order (its COMMISSION entry, as charged when it was paid; a later
    refund returns part of it in its own entry). `basis_points` is the rate frozen on the order's lines, None
    when the lines carry different rates (categories with their own rates)."""

    amount: int
    basis_points: int | None

    @property
    def percent(self) -> Decimal | None:
        return None if self.basis_points is None else Decimal(self.basis_points) / 100


def sale_commissions(*, shop_order_ids) -> dict[int, SaleCommission]:
    """The commission of each of these shop orders, in one query whatever their number. A shop order without a
    COMMISSION entry (a 0% rate) is missing from the answer: its commission is Rp 0."""
    shop_order_ids = {pk for pk in shop_order_ids if pk is not None}
    if not shop_order_ids:
        return {}
    lines = OrderLine.objects.filter(shop_order=OuterRef("shop_order_id")).values("shop_order")
    rows = (
        LedgerEntry.objects.filter(shop_order_id__in=shop_order_ids, kind=LedgerEntry.Kind.COMMISSION)
        .annotate(
            lowest=Subquery(lines.annotate(rate=Min("commission_basis_points")).values("rate")[:1]),
            highest=Subquery(lines.annotate(rate=Max("commission_basis_points")).values("rate")[:1]),
        )
        .values_list("shop_order_id", "amount", "lowest", "highest")
    )
    return {
        shop_order_id: SaleCommission(amount=-amount, basis_points=lowest if lowest == highest else None)
        for shop_order_id, amount, lowest, highest in rows
    }


def ledger_entries_with_commission(entries) -> list[LedgerEntry]:
    """`entries` (a page of `shop_ledger_entries`) as a list, each SALE entry given `.commission` (a
    `SaleCommission`) and every other entry `.commission = None`; one query for the whole page."""
    entries = list(entries)
    commissions = sale_commissions(
        shop_order_ids=[entry.shop_order_id for entry in entries if entry.kind == LedgerEntry.Kind.SALE]
    )
    for entry in entries:
        entry.commission = None
        if entry.kind == LedgerEntry.Kind.SALE:
            entry.commission = commissions.get(entry.shop_order_id, SaleCommission(amount=0, basis_points=None))
    return entries


# --- Monthly statement ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StatementRow:
    entry: LedgerEntry
    balance: int  # the shop's total balance (pending and available) after this entry


@dataclasses.dataclass(frozen=True)
class Statement:
    month: Month
    opening: int
    rows: list[StatementRow]

    @property
    def closing(self) -> int:
        return self.rows[-1].balance if self.rows else self.opening


def shop_statement(*, shop, month: Month) -> Statement:
    """The shop's entries of `month`, oldest first, with the total balance before the month (every entry before
    it, pending or available) and the running balance after each entry. Two queries."""
    opening = (
        LedgerEntry.objects.filter(shop=shop, created_at__lt=month.start).aggregate(total=Sum("amount"))["total"] or 0
    )
    entries = shop_ledger_entries(shop=shop, start=month.start, end=month.end).order_by("created_at", "pk")
    rows, balance = [], opening
    for entry in entries:
        balance += entry.amount
        rows.append(StatementRow(entry=entry, balance=balance))
    return Statement(month=month, opening=opening, rows=rows)


# --- Payouts and where they go --------------------------------------------------------------------------------


def shop_payouts(*, shop) -> QuerySet[Payout]:
    """The shop's payouts, newest first, with the shop order a Stripe transfer paid."""
    return Payout.objects.filter(shop=shop).select_related("shop_order").order_by("-created_at", "-pk")


def shop_payout_account(*, shop) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(shop=shop).first()


STRIPE_NOT_CONNECTED, STRIPE_PENDING, STRIPE_ENABLED = "not_connected", "pending", "enabled"


def stripe_connect_state(account: PayoutAccount | None) -> str:
    """ "not_connected" (no Stripe account yet), "pending" (an account exists but Stripe cannot pay it out yet:
    details missing or being checked) or "enabled" (payouts go to Stripe)."""
    if account is None or not account.stripe_account_id:
        return STRIPE_NOT_CONNECTED
    return STRIPE_ENABLED if account.stripe_payouts_enabled else STRIPE_PENDING


def shop_order_refund_box(*, shop_order) -> dict:
    """The refund box of the seller's order page: what was paid, refunded, in progress and still refundable, the
    past refunds, and whether the seller may refund now (the status allows it, something is refundable, and a
    completed order is still within `REFUND_SELLER_WINDOW_DAYS`). Four queries."""
    from .services.refunds import NOT_SENT, REFUNDABLE

    money = shop_order_money(shop_order=shop_order)
    refunds = list(Refund.objects.filter(shop_order=shop_order).order_by("-created_at", "-pk"))
    window_ends = None
    window_passed = False
    if shop_order.completed_at is not None:
        window_ends = shop_order.completed_at + datetime.timedelta(days=settings.REFUND_SELLER_WINDOW_DAYS)
        window_passed = window_ends < timezone.now()
    method = shop_order.order.payment_method
    return {
        "money": money,
        "refunds": refunds,
        "show": money.paid > 0 or bool(refunds),
        "can_refund": shop_order.status in REFUNDABLE and money.refundable > 0 and not window_passed,
        "window_ends": window_ends,
        "window_passed": window_passed and money.refundable > 0,
        "window_days": settings.REFUND_SELLER_WINDOW_DAYS,
        "not_sent": shop_order.status in NOT_SENT,
        "is_cod": method == PaymentMethod.COD,
        "is_bank_transfer": method == PaymentMethod.BANK_TRANSFER,
    }


def refund_done_message(refund: Refund) -> str:
    """What the seller reads after refunding: done, waiting for the operators, or on its way to the card."""
    amount = format_rupiah(refund.amount)
    if refund.status == Refund.Status.SUCCEEDED:
        return _("%(amount)s refunded to the shopper. The shopper was told.") % {"amount": amount}
    if refund.method == Refund.Method.MANUAL:
        return _(
            "The refund of %(amount)s is recorded. Our operators transfer it back to the shopper; until then it "
            "shows as in progress."
        ) % {"amount": amount}
    return _("The refund of %(amount)s is being sent to the shopper's card.") % {"amount": amount}
