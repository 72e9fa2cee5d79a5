"""What the programme's figures mean, in one place, so the operators' reports, the public page and the open data
count alike (issue 9; decisions in docs/architecture.md).

- **A sale** is a shop order that was paid (`paid_at` set: a card or transfer payment confirmed, or cash on
  delivery collected) and is not cancelled or refunded. It is dated by `paid_at`, in WITA. Its value is the goods
  (`subtotal`), without shipping: gross merchandise value (GMV) is the sum of sales' subtotals.
- **A registered UMKM** is a shop in any status but draft (it was submitted for review); **approved** is a shop
  approved now (suspended ones are not); **active** is an approved shop with a sale in the last 30 days.
- **A new shop** of a month is one approved (reviewed) in that month.
- **A participant** of a workshop is a registration with a seat (`registered`) in a completed workshop;
  **attended** means checked in; **reached the first sale** means a shop they own or staff has a sale.
- Months are calendar months in WITA (Asia/Makassar), written `YYYY-MM`.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

WITA = ZoneInfo("Asia/Makassar")
ACTIVE_DAYS = 30
# Monthly sales per shop, in bands (rupiah): the public sees how many shops sold within each band, never a shop's
# own figure. (lower bound inclusive, upper bound exclusive; None: no upper bound)
SALES_BANDS: list[tuple[int, int | None]] = [
    (1, 1_000_000),
    (1_000_000, 5_000_000),
    (5_000_000, 25_000_000),
    (25_000_000, 100_000_000),
    (100_000_000, None),
]


def sale_q(prefix: str = "") -> Q:
    """Shop orders that count as sales (see the module docstring); `prefix` reaches ShopOrder from another model,
    e.g. "orders__" from Shop, "shop_order__" from OrderLine."""
    return Q(**{f"{prefix}paid_at__isnull": False}) & ~Q(**{f"{prefix}status__in": ["cancelled", "refunded"]})


def registered_shop_q(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": "draft"})


def approved_shop_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": "approved"})


def active_since(now: datetime | None = None) -> datetime:
    """Sales from this moment on make an approved shop active."""
    return (now or timezone.now()) - timedelta(days=ACTIVE_DAYS)


def month_key(moment: datetime) -> str:
    return moment.astimezone(WITA).strftime("%Y-%m")


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """`"2026-11"` → (start, end) as aware datetimes in WITA, end exclusive."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime.combine(date(year, number, 1), time.min, tzinfo=WITA)
    following = date(year + (number == 12), number % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tzinfo=WITA)


def band_of(amount: int) -> int | None:
    """The index of the sales band `amount` falls in; None for no sales."""
    for index, (low, high) in enumerate(SALES_BANDS):
        if amount >= low and (high is None or amount < high):
            return index
    return None
