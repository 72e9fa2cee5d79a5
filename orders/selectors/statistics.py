"""A seller's statistics (/penjual/statistik/, `GET /api/v1/seller/statistics/`): sales, orders, product page
views, conversion, rating and repeat buyers over a date range, in WITA (Asia/Makassar), both ends included.

What counts (decided here, used by the page, the CSV and the API alike):

- **A sale** is a shop order of the shop whose status is paid, processing, shipped, delivered or completed.
  Awaiting payment, cancelled and refunded shop orders are not sales (a partly refunded order still counts in
  full: the refund is in the ledger, not here).
- **Its date** is `paid_at` (when the money was confirmed). A cash-on-delivery order is paid only when the seller
  collects the cash on delivery, days after the seller committed to it, so it is dated by when it was placed
  (`Order.created_at`), always — its date never moves when the cash is collected.
- **Sales** is the sum of the shop orders' subtotals (the goods; shipping is not a sale), **orders** their number.
- **Top products**: from the order lines of those shop orders: units, revenue (line totals) and the number of
  orders that include the product; with the product's page views in the range (`shops.ProductViewDay`) and its
  conversion = orders including it ÷ its views (None without views). Shop-wide conversion = orders ÷ views.
- **Rating**: the average and number of the shop's reviews written in the range.
- **Repeat buyers**: buyers (an account, or a guest's email) with at least 2 sales at this shop in the range,
  and their share of all buyers in the range.

Constant number of queries (5) whatever the range and the number of products.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Avg, Case, Count, F, Max, Sum, When
from django.utils.translation import gettext_lazy as _

from shops.models import ProductViewDay, Shop

from ..models import OrderLine, PaymentMethod, Review, ShopOrder

WITA = ZoneInfo("Asia/Makassar")
BUCKETS = ("day", "week", "month")
MAX_RANGE_DAYS = 366
TOP_PRODUCTS = 10
SALE_STATUSES = (
    ShopOrder.Status.PAID,
    ShopOrder.Status.PROCESSING,
    ShopOrder.Status.SHIPPED,
    ShopOrder.Status.DELIVERED,
    ShopOrder.Status.COMPLETED,
)


DEFAULT_DAYS = 30
NOT_A_DATE_MESSAGE = _("Enter a date as YYYY-MM-DD, for example 2026-11-01.")
END_BEFORE_START_MESSAGE = _("The end date is before the start date.")
RANGE_TOO_LONG_MESSAGE = _("Choose a range of at most 366 days.")
NOT_A_BUCKET_MESSAGE = _("Choose day, week or month.")


def today_wita() -> date:
    return datetime.now(WITA).date()


def default_range() -> tuple[date, date]:
    """The last 30 days, today included (WITA)."""
    end = today_wita()
    return end - timedelta(days=DEFAULT_DAYS - 1), end


def parse_range(params) -> tuple[date, date, str]:
    """`start`, `end` (YYYY-MM-DD, WITA, both included) and `bucket` from a query string; missing dates fall back
    to the last 30 days (a missing end is today, a missing start 30 days before the end), a missing bucket to
    one that fits the range. Raises ValidationError {field: message} for an unparsable date, an end before the
    start, a range of more than 366 days or an unknown bucket."""
    errors = {}
    values = {}
    for name in ("start", "end"):
        raw = (params.get(name) or "").strip()
        if not raw:
            values[name] = None
            continue
        try:
            values[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = ValidationError(NOT_A_DATE_MESSAGE, code="invalid")
    bucket = (params.get("bucket") or "").strip()
    if bucket and bucket not in BUCKETS:
        errors["bucket"] = ValidationError(NOT_A_BUCKET_MESSAGE, code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    end = values["end"] or today_wita()
    start = values["start"] or end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ValidationError({"end": ValidationError(END_BEFORE_START_MESSAGE, code="end_before_start")})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError({"end": ValidationError(RANGE_TOO_LONG_MESSAGE, code="too_long")})
    return start, end, bucket or default_bucket(start, end)


def default_bucket(start: date, end: date) -> str:
    days = (end - start).days + 1
    if days <= 31:
        return "day"
    if days <= 120:
        return "week"
    return "month"


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())  # Monday
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next_bucket(first: date, bucket: str) -> date:
    if bucket == "week":
        return first + timedelta(days=7)
    if bucket == "month":
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first + timedelta(days=1)


def buckets(start: date, end: date, bucket: str) -> list[tuple[date, date]]:
    """The buckets covering start..end, each (first day, last day) clipped to the range."""
    result = []
    first = bucket_start(start, bucket)
    while first <= end:
        following = _next_bucket(first, bucket)
        result.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return result


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def sales_qs(*, shop: Shop, start: date, end: date):
    """The shop's sales dated within start..end (WITA, inclusive), annotated `sale_at`."""
    since = datetime.combine(start, time.min, tzinfo=WITA)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=WITA)
    return (
        ShopOrder.objects.filter(shop=shop, status__in=SALE_STATUSES)
        .annotate(
            sale_at=Case(
                When(order__payment_method=PaymentMethod.COD, then=F("order__created_at")), default=F("paid_at")
            )
        )
        .filter(sale_at__gte=since, sale_at__lt=until)
    )


def seller_statistics(*, shop: Shop, start: date, end: date, bucket: str = "day") -> dict:
    """Every figure of the statistics page for `shop` over start..end (see the module docstring)."""
    if bucket not in BUCKETS:
        raise ValueError(bucket)
    sales = sales_qs(shop=shop, start=start, end=end)

    # 1. The sales themselves: date, subtotal and buyer.
    rows = list(sales.values_list("sale_at", "subtotal", "order__buyer_id", "order__email").order_by())
    # 2. Their lines, per product.
    lines = (
        OrderLine.objects.filter(shop_order__in=sales.values("pk"))
        .values("product_id")
        .annotate(
            title=Max("title"),
            units=Sum("quantity"),
            revenue=Sum("line_total"),
            orders=Count("shop_order_id", distinct=True),
        )
        .order_by()
    )
    # 3 and 4. Page views per product and per day.
    views = ProductViewDay.objects.filter(product__shop=shop, day__gte=start, day__lte=end)
    views_by_product = {
        row["product_id"]: row
        for row in views.values("product_id").annotate(title=Max("product__title"), total=Sum("views")).order_by()
    }
    views_by_day = {row["day"]: row["total"] for row in views.values("day").annotate(total=Sum("views")).order_by()}
    # 5. Reviews written in the range.
    since = datetime.combine(start, time.min, tzinfo=WITA)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=WITA)
    rating = Review.objects.filter(shop=shop, created_at__gte=since, created_at__lt=until).aggregate(
        average=Avg("rating"), count=Count("pk")
    )

    # Series, every bucket present (zeros when empty).
    spans = buckets(start, end, bucket)
    series = {first: {"start": first, "end": last, "sales": 0, "orders": 0, "views": 0} for first, last in spans}

    def slot(day: date) -> dict:
        return series[max(bucket_start(day, bucket), start)]

    orders_by_buyer: dict[str, int] = {}
    for sale_at, subtotal, buyer_id, email in rows:
        entry = slot(sale_at.astimezone(WITA).date())
        entry["sales"] += subtotal
        entry["orders"] += 1
        who = f"user:{buyer_id}" if buyer_id else f"email:{(email or '').strip().lower()}"
        orders_by_buyer[who] = orders_by_buyer.get(who, 0) + 1
    for day, total in views_by_day.items():
        slot(day)["views"] += total or 0

    # Products: sold ones and viewed ones.
    products: dict = {}
    for row in lines:
        products[row["product_id"]] = {
            "product_id": row["product_id"],
            "title": row["title"],
            "units": row["units"] or 0,
            "revenue": row["revenue"] or 0,
            "orders": row["orders"],
            "views": 0,
        }
    for product_id, row in views_by_product.items():
        entry = products.setdefault(
            product_id,
            {"product_id": product_id, "title": row["title"], "units": 0, "revenue": 0, "orders": 0, "views": 0},
        )
        entry["views"] = row["total"] or 0
        entry["title"] = row["title"] or entry["title"]
    for entry in products.values():
        entry["conversion"] = _ratio(entry["orders"], entry["views"])
    product_rows = list(products.values())
    top_products = sorted(product_rows, key=lambda p: (-p["revenue"], -p["units"], -p["views"], p["title"] or ""))
    top_by_units = sorted(product_rows, key=lambda p: (-p["units"], -p["revenue"], -p["views"], p["title"] or ""))

    total_sales = sum(row[1] for row in rows)
    total_orders = len(rows)
    total_views = sum(total or 0 for total in views_by_day.values())
    buyers = len(orders_by_buyer)
    repeat = sum(1 for count in orders_by_buyer.values() if count >= 2)
    average = rating["average"]
    return {
        "start": start,
        "end": end,
        "bucket": bucket,
        "sales": total_sales,
        "orders": total_orders,
        "average_order": total_sales // total_orders if total_orders else None,
        "views": total_views,
        "conversion": _ratio(total_orders, total_views),
        "rating_average": round(float(average), 2) if average is not None else None,
        "rating_count": rating["count"],
        "buyers": buyers,
        "repeat_buyers": repeat,
        "repeat_share": _ratio(repeat, buyers),
        "series": list(series.values()),
        "top_products": [row for row in top_products if row["revenue"] or row["units"]][:TOP_PRODUCTS],
        "top_products_by_units": [row for row in top_by_units if row["units"]][:TOP_PRODUCTS],
        "most_viewed": sorted(
            (row for row in product_rows if row["views"]), key=lambda p: (-p["views"], p["title"] or "")
        )[:TOP_PRODUCTS],
    }
