"""The operators' figures (issue 9): read-only aggregates of shops, orders and workshops for the report pages in
the Wagtail admin (`cms.reports.views`) and the dashboard panel.

Every figure follows `cms.programme.definitions` (a sale, GMV, registered / approved / active / new shops, a
participant, attended, first sale, WITA months); nothing is redefined here. Each function runs a fixed number of
queries whatever the amount of data: the grouping happens in the database, and the workshop funnel reads the
participants' progress through `workshops.selectors.progress_for_registrations` (constant queries).

Choices the definitions leave open:
- "Active at a month's end": an approved shop with a sale in the 30 days before the month's end (before now for
  the current month). The district table's "active" is active now.
- The funnel counts participants (a seated registration, one per workshop) of published and completed workshops:
  a workshop in progress is a cohort too. Each step counts those who reached it and every step before it; the time
  a step takes runs from the previous step's time, and counts as zero when it happened earlier (a shop approved
  before its owner's workshop).
"""

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from cms.programme.definitions import (
    WITA,
    active_since,
    approved_shop_q,
    month_bounds,
    month_key,
    registered_shop_q,
    sale_q,
)
from orders.models import OrderLine, PaymentMethod, ShopOrder
from shops.models import Category, Shop
from workshops.models import Registration, Workshop
from workshops.selectors import progress_for_registrations

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
FUNNEL_STEPS = ["registered", "attended", "shop_approved", "first_product", "first_sale"]


# --- Periods ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole WITA months from `first` to `last` (both "YYYY-MM", inclusive)."""

    first: str
    last: str

    @property
    def start(self) -> datetime:
        return month_bounds(self.first)[0]

    @property
    def end(self) -> datetime:
        """Exclusive."""
        return month_bounds(self.last)[1]

    @property
    def months(self) -> list[str]:
        return months_between(self.first, self.last)

    @property
    def slug(self) -> str:
        return f"{self.first}-{self.last}"


def _shift(month: str, by: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + (number - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = _shift(month, 1)
    return months


def current_month(now: datetime | None = None) -> str:
    return month_key(now or timezone.now())


def default_period(now: datetime | None = None) -> Period:
    """The last twelve months, this one included."""
    last = current_month(now)
    return Period(first=_shift(last, -(DEFAULT_MONTHS - 1)), last=last)


def parse_month(value: str) -> str | None:
    """`"2026-11"` → `"2026-11"`; anything else → None."""
    value = (value or "").strip()
    if len(value) != 7 or value[4] != "-" or not (value[:4].isdigit() and value[5:].isdigit()):
        return None
    year, number = int(value[:4]), int(value[5:])
    if not (2000 <= year <= 2100 and 1 <= number <= 12):
        return None
    return value


def _month_of(value) -> str:
    """A TruncMonth result (an aware datetime, or a date on some backends) → "YYYY-MM" in WITA."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, WITA)
        return month_key(value)
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return str(value)[:7]


def _average(total: int, count: int) -> int:
    return round(total / count) if count else 0


def _share(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def _sales(period: Period):
    return ShopOrder.objects.filter(sale_q(), paid_at__gte=period.start, paid_at__lt=period.end)


# --- Sales per month --------------------------------------------------------------------------------------------


def sales_by_month(period: Period, now: datetime | None = None) -> dict:
    """Per month: GMV, orders (sales), average order value, active shops at the month's end, new shops; and the
    totals (active shops have no total: a shop is active in several months). Three queries."""
    now = now or timezone.now()
    months = period.months
    sales = {
        _month_of(row["month"]): row
        for row in _sales(period)
        .annotate(month=TruncMonth("paid_at", tzinfo=WITA))
        .values("month")
        .annotate(gmv=Sum("subtotal"), orders=Count("pk"))
        .order_by()
    }
    active_counts = {}
    for month in months:
        end = min(month_bounds(month)[1], now)
        active_counts[f"m{month.replace('-', '_')}"] = Count(
            "shop", distinct=True, filter=Q(paid_at__gte=active_since(end), paid_at__lt=end)
        )
    active = ShopOrder.objects.filter(sale_q(), approved_shop_q("shop__")).aggregate(**active_counts)
    new = {
        _month_of(row["month"]): row["count"]
        for row in Shop.objects.filter(approved_shop_q(), reviewed_at__gte=period.start, reviewed_at__lt=period.end)
        .annotate(month=TruncMonth("reviewed_at", tzinfo=WITA))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    }
    rows = []
    for month in months:
        gmv = (sales.get(month) or {}).get("gmv") or 0
        orders = (sales.get(month) or {}).get("orders") or 0
        rows.append(
            {
                "month": month,
                "start": month_bounds(month)[0].date(),
                "gmv": gmv,
                "orders": orders,
                "average": _average(gmv, orders),
                "active_shops": active[f"m{month.replace('-', '_')}"] or 0,
                "new_shops": new.get(month, 0),
            }
        )
    gmv = sum(row["gmv"] for row in rows)
    orders = sum(row["orders"] for row in rows)
    totals = {"gmv": gmv, "orders": orders, "average": _average(gmv, orders), "new_shops": sum(new.values())}
    return {"rows": rows, "totals": totals}


# --- Districts and categories -----------------------------------------------------------------------------------


def districts(period: Period, now: datetime | None = None) -> dict:
    """Per district (kecamatan) with a registered shop or a sale: its code and name, its regency, the shops
    registered, approved and active now, and the GMV and orders of the period; sorted by district name. Two
    queries."""
    active_shop_ids = ShopOrder.objects.filter(sale_q(), paid_at__gte=active_since(now)).values("shop_id")
    by_code: dict = {}

    def row_for(code, name, regency):
        if code not in by_code:
            by_code[code] = {
                "code": code or "",
                "name": name or "",
                "regency": regency or "",
                "registered": 0,
                "approved": 0,
                "active": 0,
                "gmv": 0,
                "orders": 0,
            }
        return by_code[code]

    shop_counts = (
        Shop.objects.filter(registered_shop_q())
        .values("district_id", "district__name", "district__regency__name")
        .annotate(
            registered=Count("pk"),
            approved=Count("pk", filter=approved_shop_q()),
            active=Count("pk", filter=approved_shop_q() & Q(pk__in=active_shop_ids)),
        )
        .order_by()
    )
    for item in shop_counts:
        row = row_for(item["district_id"], item["district__name"], item["district__regency__name"])
        row.update(registered=item["registered"], approved=item["approved"], active=item["active"])
    sales = (
        _sales(period)
        .values("shop__district_id", "shop__district__name", "shop__district__regency__name")
        .annotate(gmv=Sum("subtotal"), orders=Count("pk"))
        .order_by()
    )
    for item in sales:
        row = row_for(item["shop__district_id"], item["shop__district__name"], item["shop__district__regency__name"])
        row.update(gmv=item["gmv"] or 0, orders=item["orders"])
    rows = sorted(by_code.values(), key=lambda row: (row["name"] == "", row["name"].lower(), row["code"]))
    totals = {key: sum(row[key] for row in rows) for key in ("registered", "approved", "active", "gmv", "orders")}
    return {"rows": rows, "totals": totals}


def categories(period: Period) -> dict:
    """Per top-level category, from the order lines of the period's sales (a line counts in its product's root
    category): GMV (the lines' totals), orders and shops selling; every root category is listed, and lines whose
    product was deleted form a last row without a category. The totals count each order and shop once (an order
    may hold several categories). Three queries."""
    lines = OrderLine.objects.filter(
        sale_q("shop_order__"), shop_order__paid_at__gte=period.start, shop_order__paid_at__lt=period.end
    )
    grouped = {
        row["root"]: row
        for row in lines.annotate(root=Substr("product__category__path", 1, Category.steplen))
        .values("root")
        .annotate(
            gmv=Sum("line_total"),
            orders=Count("shop_order", distinct=True),
            shops=Count("shop_order__shop", distinct=True),
        )
        .order_by()
    }
    rows = []
    for category in Category.objects.filter(depth=1).order_by("path"):
        item = grouped.pop(category.path, {})
        rows.append(
            {
                "slug": category.slug,
                "name": category.name,
                "gmv": item.get("gmv") or 0,
                "orders": item.get("orders") or 0,
                "shops": item.get("shops") or 0,
            }
        )
    leftover = [item for item in grouped.values() if item.get("orders")]
    if leftover:
        rows.append(
            {
                "slug": "",
                "name": "",
                "gmv": sum(item["gmv"] or 0 for item in leftover),
                "orders": sum(item["orders"] for item in leftover),
                "shops": sum(item["shops"] for item in leftover),
            }
        )
    totals = lines.aggregate(
        gmv=Sum("line_total"),
        orders=Count("shop_order", distinct=True),
        shops=Count("shop_order__shop", distinct=True),
    )
    totals["gmv"] = totals["gmv"] or 0
    return {"rows": rows, "totals": totals}


# --- Payment methods --------------------------------------------------------------------------------------------


def payment_mix(period: Period) -> dict:
    """Per month and payment method: orders and GMV, with each method's share of the month's orders and GMV (a
    percentage, one decimal; None in a month without sales); and the same for the whole period. One query."""
    methods = list(PaymentMethod)
    grouped = {
        (_month_of(row["month"]), row["order__payment_method"]): row
        for row in _sales(period)
        .annotate(month=TruncMonth("paid_at", tzinfo=WITA))
        .values("month", "order__payment_method")
        .annotate(gmv=Sum("subtotal"), orders=Count("pk"))
        .order_by()
    }

    def block(cells):
        orders = sum(cell["orders"] for cell in cells)
        gmv = sum(cell["gmv"] for cell in cells)
        for cell in cells:
            cell["orders_share"] = _share(cell["orders"], orders)
            cell["gmv_share"] = _share(cell["gmv"], gmv)
        return orders, gmv

    rows = []
    for month in period.months:
        cells = []
        for method in methods:
            item = grouped.get((month, method.value), {})
            cells.append(
                {
                    "method": method.value,
                    "label": method.label,
                    "orders": item.get("orders") or 0,
                    "gmv": item.get("gmv") or 0,
                }
            )
        orders, gmv = block(cells)
        rows.append(
            {"month": month, "start": month_bounds(month)[0].date(), "methods": cells, "orders": orders, "gmv": gmv}
        )
    totals = []
    for index, method in enumerate(methods):
        totals.append(
            {
                "method": method.value,
                "label": method.label,
                "orders": sum(row["methods"][index]["orders"] for row in rows),
                "gmv": sum(row["methods"][index]["gmv"] for row in rows),
            }
        )
    orders, gmv = block(totals)
    return {"methods": methods, "rows": rows, "totals": totals, "orders": orders, "gmv": gmv}


# --- The workshop funnel ----------------------------------------------------------------------------------------


@dataclass
class FunnelStep:
    key: str
    count: int = 0
    share: float | None = None  # of the previous step, percent
    durations: list[float] = field(default_factory=list)  # days from the previous step, one per participant

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.durations), 1) if self.durations else None

    @property
    def p75_days(self) -> float | None:
        """The 75th percentile (inclusive method: interpolated between the sorted values)."""
        if not self.durations:
            return None
        if len(self.durations) == 1:
            return round(self.durations[0], 1)
        return round(statistics.quantiles(self.durations, n=4, method="inclusive")[2], 1)


def _steps_of(times: dict) -> list[datetime]:
    """The times of the unbroken run of funnel steps a participant reached, from registration."""
    reached = []
    for key in FUNNEL_STEPS:
        if times.get(key) is None:
            break
        reached.append(times[key])
    return reached


def _funnel(participants: list[dict]) -> list[FunnelStep]:
    steps = [FunnelStep(key=key) for key in FUNNEL_STEPS]
    for participant in participants:
        reached = _steps_of(participant["times"])
        for index, moment in enumerate(reached):
            steps[index].count += 1
            if index:
                seconds = (moment - reached[index - 1]).total_seconds()
                steps[index].durations.append(max(seconds, 0) / 86400)
    for index, step in enumerate(steps):
        step.share = (
            100.0 if index == 0 and step.count else (_share(step.count, steps[index - 1].count) if index else None)
        )
    return steps


def workshop_funnel() -> dict:
    """The funnel registered → attended → shop approved → first product (with a photo) → first sale, over every
    participant of published and completed workshops, and per workshop (cohort): counts, share of the previous
    step, median and 75th percentile of the days each step took. Nine queries whatever the number of people."""
    registrations = list(
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            workshop__status__in=[Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED],
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    progress = progress_for_registrations(registrations)
    user_ids = {registration.user_id for registration in registrations}
    first_sale = dict(
        ShopOrder.objects.filter(sale_q(), shop__members__user_id__in=user_ids)
        .values("shop__members__user_id")
        .annotate(first=Min("paid_at"))
        .values_list("shop__members__user_id", "first")
        .order_by()
    )
    participants = []
    for registration, row in zip(registrations, progress, strict=True):
        participants.append(
            {
                "workshop_id": registration.workshop_id,
                "times": {
                    "registered": registration.created_at,
                    "attended": registration.checked_in_at,
                    "shop_approved": row.reached.get("shop_approved"),
                    "first_product": row.reached.get("product_with_photo"),
                    "first_sale": first_sale.get(registration.user_id),
                },
            }
        )
    cohorts = []
    workshops = (
        Workshop.objects.filter(status__in=[Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED])
        .annotate(first_starts_at=Min("sessions__starts_at"))
        .order_by("first_starts_at", "pk")
    )
    for workshop in workshops:
        steps = _funnel([item for item in participants if item["workshop_id"] == workshop.pk])
        cohorts.append(
            {
                "workshop": workshop,
                "pk": workshop.pk,
                "title": workshop.title,
                "status": workshop.status,
                "first_starts_at": workshop.first_starts_at,
                "steps": steps,
                "counts": [step.count for step in steps],
                "first_sale_share": _share(steps[-1].count, steps[0].count),
            }
        )
    return {"steps": _funnel(participants), "cohorts": cohorts}


# --- The dashboard panel ----------------------------------------------------------------------------------------


def dashboard_figures(now: datetime | None = None) -> dict:
    """This month so far and last month (GMV, orders), the shops active now and the shops waiting for review. Two
    queries."""
    now = now or timezone.now()
    this_month = current_month(now)
    last_month = _shift(this_month, -1)
    this_start, _this_end = month_bounds(this_month)
    last_start, _last_end = month_bounds(last_month)
    in_this = Q(paid_at__gte=this_start, paid_at__lt=now)
    in_last = Q(paid_at__gte=last_start, paid_at__lt=this_start)
    sales = ShopOrder.objects.filter(sale_q(), paid_at__gte=last_start).aggregate(
        this_gmv=Sum("subtotal", filter=in_this),
        this_orders=Count("pk", filter=in_this),
        last_gmv=Sum("subtotal", filter=in_last),
        last_orders=Count("pk", filter=in_last),
    )
    active_shop_ids = ShopOrder.objects.filter(sale_q(), paid_at__gte=active_since(now)).values("shop_id")
    shops = Shop.objects.aggregate(
        active=Count("pk", filter=approved_shop_q() & Q(pk__in=active_shop_ids)),
        waiting=Count("pk", filter=Q(status=Shop.Status.SUBMITTED)),
    )
    return {
        "this_month": this_month,
        "last_month": last_month,
        "this_start": this_start.date(),
        "last_start": last_start.date(),
        "this_gmv": sales["this_gmv"] or 0,
        "this_orders": sales["this_orders"],
        "last_gmv": sales["last_gmv"] or 0,
        "last_orders": sales["last_orders"],
        "active_shops": shops["active"],
        "waiting_shops": shops["waiting"],
    }
