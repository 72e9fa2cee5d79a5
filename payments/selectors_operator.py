"""Reads for the operators' money screens in the Wagtail admin (`payments.views_operator_money`): the payments
overview, the refund screen, payout batches and the daily reconciliation.

Like `payments.selectors`, these do not check who asks: the views check `payments.manage_payouts` first and the
services check it again. Every function runs a fixed number of queries whatever the number of rows (aggregates
and joins, never a loop over orders), which the tests assert.

**Reconciliation** (`reconciliation_for_day`) puts three independent records of one day side by side, per payment
method: what the orders say was paid (`ShopOrder.paid_at`), what the providers say arrived (`Payment.confirmed_at`,
and for Stripe the amounts of the stored `checkout.session.completed` events), and what the seller ledger booked.
A row with an `expected` value is a check: its difference is shown (in red) when it is not zero. The day is a
calendar day in Asia/Makassar (WITA), the operators' time.

The platform-wide line (`platform_balance`, whole history) checks that every rupiah the platform received is
accounted for:

    received - refunds paid by the platform - payouts paid
        == Σ shop balances + commission kept + bank-transfer unique codes + payouts created but not yet paid

The last term is needed because a payout leaves the shop's balance when it is created (the ledger's `PAYOUT`
entry), while the money leaves the platform's account only when it is paid. Cash on delivery never passes
through the platform: its commission (owed by the seller, negative in their balance) and the commission kept
cancel out.
"""

import dataclasses
import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.core.money import from_stripe_amount
from orders.models import PaymentMethod, ShopOrder

from .models import LedgerEntry, Payment, PaymentEvent, Payout, PayoutBatch, Refund
from .selectors import PayableShop, payable_balances

REPORT_TIMEZONE = ZoneInfo("Asia/Makassar")
STRIPE_SESSION_COMPLETED = "checkout.session.completed"
# Failed refunds stay on the overview this long (the operator refunds another way meanwhile).
FAILED_REFUNDS_DAYS = 30
Kind = LedgerEntry.Kind


def _sum(field: str, **filters) -> Coalesce:
    condition = Q(**filters) if filters else None
    return Coalesce(Sum(field, filter=condition), 0)


# --- The payments overview ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PaymentsOverview:
    """What waits for an operator. Lists are the first `limit` rows; counts and sums cover everything."""

    pending_transfers: int
    flagged_count: int
    flagged: list
    to_pay_back_count: int
    to_pay_back: list
    failed_refunds_count: int
    failed_refunds: list
    refunds_due_count: int
    refunds_due: list
    payouts_due: list[PayableShop]

    @property
    def payouts_due_total(self) -> int:
        return sum(row.payable for row in self.payouts_due)

    @property
    def payouts_due_without_bank(self) -> int:
        return sum(1 for row in self.payouts_due if row.account is None or not row.account.has_bank_account)


def _refund_rows(refunds: QuerySet[Refund]) -> QuerySet[Refund]:
    return refunds.select_related("shop_order", "shop_order__order", "shop_order__shop", "payment", "requested_by")


def refunds_to_pay_back() -> QuerySet[Refund]:
    """Manual refunds the platform still has to transfer back (a bank transfer's refund asked by a seller or left
    by a cancellation), the oldest first."""
    return _refund_rows(
        Refund.objects.filter(
            status=Refund.Status.PENDING, method=Refund.Method.MANUAL, paid_back_by=Refund.PaidBackBy.PLATFORM
        )
    ).order_by("created_at", "pk")


def refunds_failed(*, since=None) -> QuerySet[Refund]:
    """Refunds the provider refused (since `since`, by default `FAILED_REFUNDS_DAYS` ago), the newest first."""
    since = since or timezone.now() - datetime.timedelta(days=FAILED_REFUNDS_DAYS)
    return _refund_rows(Refund.objects.filter(status=Refund.Status.FAILED, completed_at__gte=since)).order_by(
        "-completed_at", "-pk"
    )


def refunds_due() -> QuerySet[ShopOrder]:
    """Shop orders cancelled after they were paid whose money has not all gone back (nor is on its way): neither
    a successful nor a pending refund covers it. Annotated with `refunded` (succeeded + pending) and `due`."""
    refunded = (
        Refund.objects.filter(shop_order=OuterRef("pk"), status__in=(Refund.Status.SUCCEEDED, Refund.Status.PENDING))
        .values("shop_order")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        ShopOrder.objects.filter(status=ShopOrder.Status.CANCELLED, paid_at__isnull=False)
        .annotate(refunded=Coalesce(Subquery(refunded), 0))
        .filter(total__gt=F("refunded"))
        .annotate(due=F("total") - F("refunded"))
        .select_related("order", "shop")
        .order_by("cancelled_at", "pk")
    )


def flagged_payments() -> QuerySet[Payment]:
    """Payments flagged for an operator (money that did not match) and not resolved yet, the newest first."""
    return (
        Payment.objects.filter(flagged_at__isnull=False, flag_resolved_at__isnull=True)
        .select_related("order")
        .order_by("-flagged_at", "-pk")
    )


def payments_overview(*, minimum: int, limit: int = 10) -> PaymentsOverview:
    """Everything the overview shows, in eight queries."""
    payment_counts = Payment.objects.aggregate(
        pending=Count("pk", filter=Q(provider=PaymentMethod.BANK_TRANSFER, status=Payment.Status.PENDING)),
        flagged=Count("pk", filter=Q(flagged_at__isnull=False, flag_resolved_at__isnull=True)),
    )
    since = timezone.now() - datetime.timedelta(days=FAILED_REFUNDS_DAYS)
    refund_counts = Refund.objects.aggregate(
        to_pay_back=Count(
            "pk",
            filter=Q(
                status=Refund.Status.PENDING,
                method=Refund.Method.MANUAL,
                paid_back_by=Refund.PaidBackBy.PLATFORM,
            ),
        ),
        failed=Count("pk", filter=Q(status=Refund.Status.FAILED, completed_at__gte=since)),
    )
    return PaymentsOverview(
        pending_transfers=payment_counts["pending"],
        flagged_count=payment_counts["flagged"],
        flagged=list(flagged_payments()[:limit]),
        to_pay_back_count=refund_counts["to_pay_back"],
        to_pay_back=list(refunds_to_pay_back()[:limit]),
        failed_refunds_count=refund_counts["failed"],
        failed_refunds=list(refunds_failed(since=since)[:limit]),
        refunds_due_count=refunds_due().count(),
        refunds_due=list(refunds_due()[:limit]),
        payouts_due=payable_balances(minimum=minimum),
    )


@dataclasses.dataclass(frozen=True)
class DashboardCounts:
    pending_transfers: int
    flagged: int
    to_pay_back: int
    refunds_due: int


def dashboard_counts() -> DashboardCounts:
    """The key counts for the Wagtail dashboard panel, in three queries."""
    payments = Payment.objects.aggregate(
        pending=Count("pk", filter=Q(provider=PaymentMethod.BANK_TRANSFER, status=Payment.Status.PENDING)),
        flagged=Count("pk", filter=Q(flagged_at__isnull=False, flag_resolved_at__isnull=True)),
    )
    to_pay_back = Refund.objects.filter(
        status=Refund.Status.PENDING, method=Refund.Method.MANUAL, paid_back_by=Refund.PaidBackBy.PLATFORM
    ).count()
    return DashboardCounts(
        pending_transfers=payments["pending"],
        flagged=payments["flagged"],
        to_pay_back=to_pay_back,
        refunds_due=refunds_due().count(),
    )


# --- Refunds by an operator -----------------------------------------------------------------------------------


def shop_order_find(*, number: str) -> ShopOrder | None:
    """A shop order by its number (any case, surrounding spaces ignored), with its order and shop; None if none."""
    number = (number or "").strip()
    if not number:
        return None
    return ShopOrder.objects.select_related("order", "shop").filter(number__iexact=number).first()


def shop_order_refunds(*, shop_order) -> QuerySet[Refund]:
    """Every refund of the shop order, the newest first, with who asked."""
    return Refund.objects.filter(shop_order=shop_order).select_related("requested_by").order_by("-created_at", "-pk")


# --- Payout batches -------------------------------------------------------------------------------------------


def payout_batch_list() -> QuerySet[PayoutBatch]:
    """Batches, the newest first, each with its number of payouts, total (failed ones excluded) and how many are
    still open (pending or processing)."""
    not_failed = ~Q(payouts__status=Payout.Status.FAILED)
    return (
        PayoutBatch.objects.select_related("created_by")
        .annotate(
            payout_count=Count("payouts"),
            total=Coalesce(Sum("payouts__amount", filter=not_failed), 0),
            open_count=Count(
                "payouts", filter=Q(payouts__status__in=(Payout.Status.PENDING, Payout.Status.PROCESSING))
            ),
            failed_count=Count("payouts", filter=Q(payouts__status=Payout.Status.FAILED)),
        )
        .order_by("-created_at", "-pk")
    )


def payout_batch_get(*, batch_id) -> PayoutBatch | None:
    try:
        batch_id = int(batch_id)
    except (TypeError, ValueError):
        return None
    return PayoutBatch.objects.select_related("created_by").filter(pk=batch_id).first()


def payout_batch_payouts(*, batch) -> QuerySet[Payout]:
    """The batch's payouts with their shops, in creation order."""
    return Payout.objects.filter(batch=batch).select_related("shop").order_by("pk")


def payout_get(*, payout_id) -> Payout | None:
    try:
        payout_id = int(payout_id)
    except (TypeError, ValueError):
        return None
    return Payout.objects.select_related("batch", "shop").filter(pk=payout_id).first()


# --- Reconciliation -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReconciliationRow:
    """One figure of the report. With `expected`, the row is a check and `difference` is `amount - expected`."""

    key: str
    amount: int
    count: int | None = None
    expected: int | None = None

    @property
    def difference(self) -> int | None:
        return None if self.expected is None else self.amount - self.expected

    @property
    def matches(self) -> bool:
        return self.expected is None or self.amount == self.expected


@dataclasses.dataclass(frozen=True)
class MethodReconciliation:
    method: str
    rows: list[ReconciliationRow]

    @property
    def label(self) -> str:
        return PaymentMethod(self.method).label

    @property
    def matches(self) -> bool:
        return all(row.matches for row in self.rows)

    def row(self, key: str) -> ReconciliationRow:
        return next(row for row in self.rows if row.key == key)


@dataclasses.dataclass(frozen=True)
class PlatformBalance:
    """The whole history: what the platform's accounts should hold against what it owes and kept."""

    received: int
    refunds_paid: int
    payouts_paid: int
    shop_balances: int
    commission_kept: int
    unique_codes: int
    payouts_in_progress: int

    @property
    def held(self) -> int:
        return self.received - self.refunds_paid - self.payouts_paid

    @property
    def accounted_for(self) -> int:
        return self.shop_balances + self.commission_kept + self.unique_codes + self.payouts_in_progress

    @property
    def difference(self) -> int:
        return self.held - self.accounted_for

    @property
    def matches(self) -> bool:
        return self.difference == 0


@dataclasses.dataclass(frozen=True)
class DayReconciliation:
    day: datetime.date
    methods: list[MethodReconciliation]
    payouts_paid: int
    payouts_paid_count: int
    platform: PlatformBalance

    @property
    def matches(self) -> bool:
        return self.platform.matches and all(method.matches for method in self.methods)


def report_day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day in WITA as [start, end) aware datetimes."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=REPORT_TIMEZONE)
    return start, start + datetime.timedelta(days=1)


def report_default_day(now=None) -> datetime.date:
    """Yesterday in WITA: the last complete day."""
    now = now or timezone.now()
    return now.astimezone(REPORT_TIMEZONE).date() - datetime.timedelta(days=1)


def _stripe_events_total(start, end) -> tuple[int, int]:
    """Σ and count of the amounts in the `checkout.session.completed` events received in [start, end), in rupiah.
    An amount that is missing or not whole rupiah in Stripe's units counts as 0, so it shows as a difference."""
    amounts = (
        PaymentEvent.objects.filter(
            provider=PaymentMethod.STRIPE, kind=STRIPE_SESSION_COMPLETED, received_at__gte=start, received_at__lt=end
        )
        .annotate(amount_total=KT("payload__data__object__amount_total"))
        .values_list("amount_total", flat=True)
    )
    total = count = 0
    for amount in amounts:
        count += 1
        try:
            total += from_stripe_amount(int(amount))
        except (TypeError, ValueError):
            continue
    return total, count


def reconciliation_for_day(*, day: datetime.date) -> DayReconciliation:
    """The day's figures per payment method and the platform-wide line, in eleven queries.

    Per method:
    - `orders_paid`: Σ `ShopOrder.total` of shop orders whose `paid_at` falls on the day (cash on delivery: the
      cash sellers collected that day), and their count;
    - `provider_total`: Σ `Payment.amount` of the method's payments that succeeded (`confirmed_at`) that day;
      `unique_codes`: the bank-transfer codes in it (the platform keeps them); `provider_net` = provider total
      less the codes, checked against `orders_paid`;
    - Stripe: `stripe_events` Σ of the `checkout.session.completed` events received that day, checked against
      the provider total;
    - `ledger_sales`: Σ SALE + SHIPPING entries of that day's paid shop orders, checked against `orders_paid`
      (not for cash on delivery: the money stays with the seller, only the commission is booked);
      `commission`: the commission booked on them (COMMISSION and COD_COMMISSION, as a positive amount);
    - `refunds`: Σ of the refunds that succeeded that day, `refunds_by_platform` the part the platform paid back,
      checked against the ledger's REFUND entries of that day (`ledger_refunds`).
    """
    start, end = report_day_bounds(day)
    in_day = {"gte": start, "lt": end}

    def within(field: str) -> dict:
        return {f"{field}__{lookup}": value for lookup, value in in_day.items()}

    orders = {
        row["order__payment_method"]: row
        for row in ShopOrder.objects.filter(**within("paid_at"))
        .values("order__payment_method")
        .annotate(total=Sum("total"), count=Count("pk"))
        .order_by()
    }
    payments = {
        row["provider"]: row
        for row in Payment.objects.filter(status=Payment.Status.SUCCEEDED, **within("confirmed_at"))
        .values("provider")
        .annotate(total=Sum("amount"), codes=Sum("unique_code"), count=Count("pk"))
        .order_by()
    }
    ledger = {
        row["shop_order__order__payment_method"]: row
        for row in LedgerEntry.objects.filter(**within("shop_order__paid_at"))
        .values("shop_order__order__payment_method")
        .annotate(
            sales=_sum("amount", kind__in=(Kind.SALE, Kind.SHIPPING)),
            commission=_sum("amount", kind__in=(Kind.COMMISSION, Kind.COD_COMMISSION)),
        )
        .order_by()
    }
    refunds = {
        row["payment__provider"]: row
        for row in Refund.objects.filter(status=Refund.Status.SUCCEEDED, **within("completed_at"))
        .values("payment__provider")
        .annotate(
            total=Sum("amount"),
            count=Count("pk"),
            by_platform=_sum("amount", paid_back_by=Refund.PaidBackBy.PLATFORM),
        )
        .order_by()
    }
    ledger_refunds = {
        row["refund__payment__provider"]: row["total"]
        for row in LedgerEntry.objects.filter(kind=Kind.REFUND, **within("created_at"))
        .values("refund__payment__provider")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    stripe_events_total, stripe_events_count = _stripe_events_total(start, end)
    payouts = Payout.objects.filter(status=Payout.Status.PAID, **within("paid_at")).aggregate(
        total=_sum("amount"), count=Count("pk")
    )

    methods = []
    for method in (PaymentMethod.BANK_TRANSFER, PaymentMethod.STRIPE, PaymentMethod.COD):
        paid = orders.get(method, {})
        provider = payments.get(method, {})
        booked = ledger.get(method, {})
        refunded = refunds.get(method, {})
        orders_paid = paid.get("total") or 0
        provider_total = provider.get("total") or 0
        codes = provider.get("codes") or 0
        rows = [
            ReconciliationRow("orders_paid", orders_paid, count=paid.get("count") or 0),
            ReconciliationRow("provider_total", provider_total, count=provider.get("count") or 0),
        ]
        if method == PaymentMethod.BANK_TRANSFER:
            rows.append(ReconciliationRow("unique_codes", codes))
        rows.append(ReconciliationRow("provider_net", provider_total - codes, expected=orders_paid))
        if method == PaymentMethod.STRIPE:
            rows.append(
                ReconciliationRow(
                    "stripe_events", stripe_events_total, count=stripe_events_count, expected=provider_total
                )
            )
        if method != PaymentMethod.COD:
            rows.append(ReconciliationRow("ledger_sales", booked.get("sales") or 0, expected=orders_paid))
        rows.append(ReconciliationRow("commission", -(booked.get("commission") or 0)))
        by_platform = refunded.get("by_platform") or 0
        rows += [
            ReconciliationRow("refunds", refunded.get("total") or 0, count=refunded.get("count") or 0),
            ReconciliationRow("refunds_by_platform", by_platform),
            ReconciliationRow("ledger_refunds", -(ledger_refunds.get(method) or 0), expected=by_platform),
        ]
        methods.append(MethodReconciliation(method=method, rows=rows))
    return DayReconciliation(
        day=day,
        methods=methods,
        payouts_paid=payouts["total"],
        payouts_paid_count=payouts["count"],
        platform=platform_balance(),
    )


def platform_balance() -> PlatformBalance:
    """The platform-wide line over the whole history, in four queries (see the module docstring)."""
    received = Payment.objects.filter(status=Payment.Status.SUCCEEDED).exclude(provider=PaymentMethod.COD)
    payments = received.aggregate(total=_sum("amount"), codes=_sum("unique_code"))
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED, paid_back_by=Refund.PaidBackBy.PLATFORM).aggregate(
        total=_sum("amount")
    )
    payouts = Payout.objects.aggregate(
        paid=_sum("amount", status=Payout.Status.PAID),
        in_progress=_sum("amount", status__in=(Payout.Status.PENDING, Payout.Status.PROCESSING)),
    )
    ledger = LedgerEntry.objects.aggregate(
        total=_sum("amount"), commission=_sum("amount", kind__in=LedgerEntry.COMMISSION_KINDS)
    )
    return PlatformBalance(
        received=payments["total"],
        refunds_paid=refunds["total"],
        payouts_paid=payouts["paid"],
        shop_balances=ledger["total"],
        commission_kept=-ledger["commission"],
        unique_codes=payments["codes"],
        payouts_in_progress=payouts["in_progress"],
    )


RECONCILIATION_CSV_COLUMNS = ("date", "method", "item", "amount", "count", "expected", "difference")


def reconciliation_csv_rows(report: DayReconciliation) -> list[tuple]:
    """The report as CSV rows (without the header): the same figures as the page, with stable item keys."""
    day = report.day.isoformat()

    def blank(value):
        return "" if value is None else value

    rows = []
    for method in report.methods:
        for row in method.rows:
            rows.append(
                (day, method.method, row.key, row.amount, blank(row.count), blank(row.expected), blank(row.difference))
            )
    rows.append((day, "all", "payouts_paid", report.payouts_paid, report.payouts_paid_count, "", ""))
    platform = report.platform
    for key in (
        "received",
        "refunds_paid",
        "payouts_paid",
        "shop_balances",
        "commission_kept",
        "unique_codes",
        "payouts_in_progress",
    ):
        rows.append((day, "platform", key, getattr(platform, key), "", "", ""))
    rows.append((day, "platform", "held", platform.held, "", platform.accounted_for, platform.difference))
    return rows
