"""The programme's public figures, computed from the shops, orders and workshops (issue 9), before suppression.

Read-only and aggregate: every query groups and counts in the database (per district, per category, per
workshop, per shop and month), never loads a shop's or a person's row to publish it. What the words mean (a
sale, registered / approved / active UMKM, a participant, attended, first sale, WITA months, sales bands) is
`cms.programme.definitions`; these functions only count. `cms.programme.datasets` suppresses small cells
(`cms.programme.privacy`) before anything is stored or shown.
"""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import Substr, TruncMonth

from orders.models import OrderLine, ShopOrder
from shops.models import Category, District, Regency, Shop
from workshops.models import Registration, Workshop

from .definitions import SALES_BANDS, WITA, active_since, approved_shop_q, band_of, month_key, registered_shop_q, sale_q

DEFAULT_REGENCY_CODE = "51.03"  # Kabupaten Badung


def programme_regency_code() -> str:
    return getattr(settings, "OPEN_DATA_REGENCY_CODE", DEFAULT_REGENCY_CODE)


def programme_regency() -> Regency | None:
    return Regency.objects.select_related("province").filter(code=programme_regency_code()).first()


def _active_shop_q(now: datetime) -> Q:
    recent_sale = ShopOrder.objects.filter(sale_q(), shop=OuterRef("pk"), paid_at__gte=active_since(now))
    return approved_shop_q() & Q(Exists(recent_sale))


def umkm_per_district(now: datetime) -> list[dict]:
    """One row per district: every district of the programme's regency (a district without shops too) and any
    other district holding registered shops, ordered by code. Counts: registered, approved and active shops."""
    counts = {
        row["district_id"]: row
        for row in Shop.objects.filter(registered_shop_q(), district__isnull=False)
        .values("district_id")
        .annotate(
            registered=Count("pk"),
            approved=Count("pk", filter=approved_shop_q()),
            active=Count("pk", filter=_active_shop_q(now)),
        )
        .order_by()
    }
    districts = District.objects.select_related("regency__province").filter(
        Q(regency_id=programme_regency_code()) | Q(code__in=list(counts))
    )
    rows = []
    for district in districts.order_by("code"):
        row = counts.get(district.code, {})
        rows.append(
            {
                "province_code": district.regency.province.code,
                "province_name": district.regency.province.name,
                "regency_code": district.regency.code,
                "regency_name": district.regency.name,
                "district_code": district.code,
                "district_name": district.name,
                "registered": row.get("registered", 0),
                "approved": row.get("approved", 0),
                "active": row.get("active", 0),
            }
        )
    return rows


def umkm_per_category(now: datetime) -> list[dict]:
    """One row per top-level category (in tree order): registered shops with a product in it or below it (any
    product status), approved shops with at least one public product there, and active shops with a sale in the
    last 30 days that included a product of it. A shop selling in several categories counts in each."""
    steplen = Category.steplen
    tops = list(Category.get_root_nodes().order_by("path"))
    registered = dict(
        Shop.objects.filter(registered_shop_q(), products__isnull=False)
        .annotate(top=Substr("products__category__path", 1, steplen))
        .values("top")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
        .values_list("top", "count")
    )
    with_products = dict(
        Shop.objects.filter(
            approved_shop_q(),
            products__status="active",
            products__moderation="approved",
        )
        .annotate(top=Substr("products__category__path", 1, steplen))
        .values("top")
        .annotate(count=Count("pk", distinct=True))
        .order_by()
        .values_list("top", "count")
    )
    since = active_since(now)
    selling = dict(
        OrderLine.objects.filter(
            sale_q("shop_order__"),
            approved_shop_q("shop_order__shop__"),
            shop_order__paid_at__gte=since,
            product__isnull=False,
        )
        .annotate(top=Substr("product__category__path", 1, steplen))
        .values("top")
        .annotate(count=Count("shop_order__shop", distinct=True))
        .order_by()
        .values_list("top", "count")
    )
    return [
        {
            "category_slug": category.slug,
            "category_name": category.name,
            "registered": registered.get(category.path, 0),
            "shops_with_products": with_products.get(category.path, 0),
            "active_shops_selling": selling.get(category.path, 0),
        }
        for category in tops
    ]


def workshops_per_month() -> list[dict]:
    """One row per month (WITA) in which completed workshops were held (dated by their first session), oldest
    first: workshops, participants (seated registrations: a person in two workshops counts twice), attended
    (checked in) and participants who reached the first sale (a shop they own or staff has a sale)."""
    workshop_months = {
        row["pk"]: month_key(row["first_session"] or row["updated_at"])
        for row in Workshop.objects.filter(status=Workshop.Status.COMPLETED)
        .annotate(first_session=Min("sessions__starts_at"))
        .values("pk", "first_session", "updated_at")
    }
    sold = ShopOrder.objects.filter(sale_q(), shop__members__user=OuterRef("user"))
    per_workshop = (
        Registration.objects.filter(workshop_id__in=list(workshop_months), status=Registration.Status.REGISTERED)
        .values("workshop_id")
        .annotate(
            participants=Count("pk"),
            attended=Count("pk", filter=Q(checked_in_at__isnull=False)),
            first_sale=Count("pk", filter=Q(Exists(sold))),
        )
        .order_by()
    )
    months: dict[str, dict] = defaultdict(lambda: {"workshops": 0, "participants": 0, "attended": 0, "first_sale": 0})
    for month in workshop_months.values():
        months[month]["workshops"] += 1
    for row in per_workshop:
        month = months[workshop_months[row["workshop_id"]]]
        for key in ("participants", "attended", "first_sale"):
            month[key] += row[key]
    return [{"month": month, **months[month]} for month in sorted(months)]


def _month_range(first: str, last: str) -> list[str]:
    year, number = (int(part) for part in first.split("-"))
    months = []
    while f"{year:04d}-{number:02d}" <= last:
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return months


def sales_bands_per_month(now: datetime) -> list[dict]:
    """One row per month (WITA) from the first sale's month to the current one: how many shops' sales (sum of
    subtotals) that month fall in each band of `SALES_BANDS` (`bands`, a list in band order), and how many
    shops had sales at all (`shops_with_sales`)."""
    shop_months = (
        ShopOrder.objects.filter(sale_q(), paid_at__lte=now)
        .annotate(month=TruncMonth("paid_at", tzinfo=WITA))
        .values("month", "shop_id")
        .annotate(amount=Sum("subtotal"))
        .order_by()
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(SALES_BANDS))
    for row in shop_months:
        band = band_of(row["amount"])
        if band is not None:
            counts[month_key(row["month"])][band] += 1
    if not counts:
        return []
    return [
        {"month": month, "bands": list(counts[month]), "shops_with_sales": sum(counts[month])}
        for month in _month_range(min(counts), month_key(now))
    ]
