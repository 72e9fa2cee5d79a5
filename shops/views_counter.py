"""The product page view beacon: `POST /v/produk/<id>/` (language-neutral, no CSRF, no session, 204).

Product pages are cached for anonymous visitors (`marketplace.core.pagecache`), so the page itself cannot count
its views: a tiny deferred script (`shops/static/shops/views.js`) sends a beacon once per page load. The request
never touches the database: it increments a counter in the cache under
`product-views:<YYYY-MM-DD in WITA>:<product id>` (kept 3 days). The first view of a product on a day also takes
a slot in that day's index (`product-views:n:<day>` counts the slots, `product-views:slot:<day>:<n>` holds the
product id; both atomic with `cache.incr`, so no index write is lost to a race). The beat task
`shops.tasks.flush_product_views` reads the index every 5 minutes, adds the counts to `ProductViewDay` and
subtracts what it moved with `cache.decr`, so views counted meanwhile stay for the next run.

Trade-off: a cache outage (or restart of a cache without persistence) loses at most the views not yet flushed,
about 5 minutes' worth: statistics, not money. Bots are skipped loosely (no browser user agent, or a known
crawler word in it); the figure is an indication, not an audit. Against a script inflating a product's views,
one address counts at most `MAX_VIEWS_PER_ADDRESS` views of a product per hour (a person reloading a page a few
times still counts each time); the address is kept only as a hash in an hour-long cache key.
"""

import hashlib
import re
from contextlib import suppress
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

WITA = ZoneInfo("Asia/Makassar")
KEEP_SECONDS = 3 * 24 * 3600
DAYS_KEPT = 3
MAX_PRODUCT_ID = 2**31 - 1
MAX_VIEWS_PER_ADDRESS = 20  # per product and hour
BOT_WORDS = re.compile(r"bot|crawl|spider|slurp|headless|preview|fetch|curl|wget|python|scrapy|lighthouse", re.I)


def today_wita() -> date:
    return datetime.now(WITA).date()


def counter_key(day: date, product_id: int) -> str:
    return f"product-views:{day.isoformat()}:{product_id}"


def index_count_key(day: date) -> str:
    return f"product-views:n:{day.isoformat()}"


def index_slot_key(day: date, slot: int) -> str:
    return f"product-views:slot:{day.isoformat()}:{slot}"


def is_browser(user_agent: str) -> bool:
    return user_agent.startswith("Mozilla/") and not BOT_WORDS.search(user_agent)


def client_address(request: HttpRequest) -> str:
    """The visitor's address: the last hop of `X-Forwarded-For` (the one the deployment's proxy appends, see
    docs/deploy.md; earlier entries are the client's to invent), else the connection's address."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR", "")


def within_address_limit(address: str, product_id: int) -> bool:
    """Whether this address may count one more view of the product this hour (and count it against the limit)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:16]
    key = f"product-views:address:{datetime.now(WITA):%Y%m%d%H}:{digest}:{product_id}"
    cache.add(key, 0, 3600)
    try:
        return cache.incr(key) <= MAX_VIEWS_PER_ADDRESS
    except ValueError:  # evicted in between: let this one count
        return True


def record_view(product_id: int, day: date | None = None) -> None:
    """Count one view of the product on `day` (today in WITA) in the cache; never the database."""
    day = day or today_wita()
    key = counter_key(day, product_id)
    if cache.add(key, 0, KEEP_SECONDS):
        # The first view of the day: take a slot in the day's index (atomic, so concurrent first views of
        # different products never overwrite each other).
        cache.add(index_count_key(day), 0, KEEP_SECONDS)
        try:
            slot = cache.incr(index_count_key(day))
        except ValueError:  # the index expired or was evicted in between: start it again
            cache.set(index_count_key(day), 1, KEEP_SECONDS)
            slot = 1
        cache.set(index_slot_key(day, slot), product_id, KEEP_SECONDS)
    with suppress(ValueError):  # evicted between add and incr: one view lost
        cache.incr(key)


@csrf_exempt
def product_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """`product_view_beacon`: count a view of a product page. POST only (a link preview or crawler that GETs
    the URL counts nothing); a request without a normal browser user agent is ignored. Always answers 204 (405
    for other methods), whether the product exists or not: the flush drops ids that are no product."""
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST"
        return response
    if (
        0 < product_id <= MAX_PRODUCT_ID
        and is_browser(request.headers.get("User-Agent", ""))
        and within_address_limit(client_address(request), product_id)
    ):
        record_view(product_id)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


# Mounted language-neutral at /v/ by marketplace/urls.py.
urlpatterns = [path("produk/<int:product_id>/", product_view, name="product_view_beacon")]
