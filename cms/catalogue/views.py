"""The storefront's catalogue pages: a category, a product, a shop. Anonymous, read-only, GET only.

What may be shown is decided in `shops.selectors` (`product_list_public` and friends); these views parse the
shopper's filters, call the selectors, and shape what the templates show. Decisions:

- **Filters and sort** are GET parameters read by one form (`forms.ProductFilterForm`) shared by the category
  and shop pages. A bad value is ignored and the form shows its error; the page still answers 200.
- **24 products per page**; a page number that is not a number shows page 1, one past the end the last page.
- **Not public → 404.** An archived product that was once sold here answers 410 with a "no longer sold" page
  suggesting its category (and its shop). A suspended shop answers 410 with a short "not available" page: it
  was public, so links to it exist, and shoppers deserve to know it is not a broken link; reinstating it
  brings the page back. Draft, submitted and rejected shops (never public) answer 404.
- **Vacation** (`Shop.closed_until`, today in the site's time zone): products stay listed, cards say the shop
  is on holiday, the product and shop pages name the reopening day and the product is not buyable.
- **Canonical URL**: `SITE_URL` + the page's path, without filters or sort; with `?page=N` only from page 2.
- **Anonymous visitors** get these pages from the page cache (`marketplace.core.pagecache`): any change to a
  product, shop or category invalidates it (`cms.signals`), and so does a review or a seller's reply
  (`orders.services.reviews`).
- **Reviews**: the product page shows the average and count kept on the product and the latest
  `LATEST_REVIEWS` reviews with the sellers' replies; the shop page the shop's average.
- **Member since** on a shop page is the shop's creation month: `reviewed_at` is rewritten by every
  suspension and reinstatement, so it would not say how long the seller has been here.
"""

import dataclasses
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from marketplace.core.pagecache import cache_anonymous_page
from marketplace.core.richtext import rich_text_to_plain
from orders.selectors.reviews import review_list_for_product
from search.forms import MAX_QUERY_LENGTH, SearchForm
from search.service import products_for_result, search_products, suggest_products
from shops import selectors
from shops.models import Product, Shop

from .cards import CARD_SIZES, product_cards, with_highlighted_title
from .forms import ProductFilterForm
from .pictures import DETAIL_SIZES, picture

TEMPLATES = "cms/catalogue"
PAGE_SIZE = 24
RELATED_PRODUCTS = 8
LATEST_REVIEWS = 5
LOW_STOCK = 5  # "only 3 left" from this many down
META_DESCRIPTION_LENGTH = 155
# Cards a phone shows before scrolling (two rows of two): their photos load at once, the others lazily.
EAGER_CARDS = 4
SEARCH_SORT_LABELS = [
    ("relevance", gettext_lazy("Best match")),
    ("newest", gettext_lazy("Newest")),
    ("price_asc", gettext_lazy("Price: low to high")),
    ("price_desc", gettext_lazy("Price: high to low")),
    ("best_selling", gettext_lazy("Best selling")),
    ("rating", gettext_lazy("Highest rated")),
]


# --- Shaping for the templates -----------------------------------------------------------------------------


def _today():
    return timezone.localdate()


def _canonical_url(path: str, page_number: int = 1) -> str:
    url = settings.SITE_URL + path
    return f"{url}?page={page_number}" if page_number > 1 else url


def _meta_description(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(META_DESCRIPTION_LENGTH)


def _stock_state(stock: int) -> str:
    """ "out" (nothing left), "low" (at most `LOW_STOCK`) or "ok"."""
    if stock <= 0:
        return "out"
    return "low" if stock <= LOW_STOCK else "ok"


def _prepare_product(product: Product, today) -> Product:
    """Attach what the product page shows at its top: price range, stock, badges, the shop's holiday."""
    prices = [variant.price for variant in product.active_variants]
    product.price_min, product.price_max = min(prices), max(prices)
    product.in_stock = any(variant.stock > 0 for variant in product.active_variants)
    product.shop_closed = product.shop.is_closed_on(today)
    product.badge_list = product.badges
    return product


def _listing(request: HttpRequest, *, districts: list[tuple[str, str]] | None, **scope) -> dict:
    """The filtered, sorted, paginated product list of a category or shop page, and its filter form."""
    form = ProductFilterForm(request.GET or None, districts=districts)
    products = selectors.product_list_public_filtered(**scope, **form.filters())
    page: Page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = product_cards(page.object_list)
    return {
        "filter_form": form,
        "filtered": form.filtered,
        "page": page,
        "products": page.object_list,
        "eager_cards": EAGER_CARDS,
        "card_sizes": CARD_SIZES,
    }


def _photo_alt(image, title: str, number: int, total: int) -> str:
    """The seller's description of the photo; without one, the product's title (then "title, photo 2 of 3")."""
    if image.alt_text:
        return image.alt_text
    if number == 1:
        return title
    return _("%(title)s, photo %(number)s of %(total)s") % {"title": title, "number": number, "total": total}


def _whatsapp_url(product: Product) -> str:
    """A wa.me link to the shop with a message naming the product and its page; empty without a number.

    The message is for the seller, so it is in the site's language (Indonesian) with the Indonesian page's
    URL, whatever language the shopper reads the site in; the shopper can edit it before sending."""
    if not product.shop.whatsapp:
        return ""
    number = str(product.shop.whatsapp.as_e164).lstrip("+")
    with translation.override(settings.LANGUAGE_CODE):
        message = _("Hello %(shop)s, I am interested in “%(product)s” on Pasar UMKM: %(url)s") % {
            "shop": product.shop.name,
            "product": product.title,
            "url": settings.SITE_URL + reverse("storefront:product", args=[product.slug]),
        }
    return f"https://wa.me/{number}?text={quote(message, safe='')}"


# --- Pages ------------------------------------------------------------------------------------------------


@require_GET
@cache_anonymous_page
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """`/kategori/<slug>/`: the public products of the category and every category below it."""
    category, ancestors, descendants = selectors.category_get_with_family(slug=slug)
    if category is None:
        raise Http404
    districts = [(district.code, district.name) for district in selectors.district_list_with_public_shops()]
    listing = _listing(request, districts=districts, category_ids=[category.pk, *(node.pk for node in descendants)])
    context = {
        **listing,
        "category": category,
        "ancestors": ancestors,
        "subcategories": [node for node in descendants if node.depth == category.depth + 1],
        "canonical_url": _canonical_url(request.path, listing["page"].number),
        "meta_description": _meta_description(
            _("%(category)s from local small businesses in Bali: buy directly from the makers on Pasar UMKM.")
            % {"category": category.name}
        ),
    }
    return TemplateResponse(request, f"{TEMPLATES}/category.html", context)


@require_GET
@cache_anonymous_page
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """`/produk/<slug>/`: the product page; 410 for a product no longer sold, 404 for anything not public."""
    product = selectors.product_get_public_for_page(slug=slug)
    if product is None:
        archived = selectors.product_get_no_longer_sold(slug=slug)
        if archived is None:
            raise Http404
        context = {"product": archived, "category": archived.category, "shop": archived.shop}
        return TemplateResponse(request, f"{TEMPLATES}/product_gone.html", context, status=410)

    today = _today()
    shop = product.shop
    _prepare_product(product, today)
    variants = product.active_variants
    for variant in variants:
        variant.stock_state = _stock_state(variant.stock)
    total_stock = sum(variant.stock for variant in variants)
    photos = [
        {
            "picture": picture(image, "detail"),
            "thumbnail": (image.thumbnail or image.original).url,
            "alt": _photo_alt(image, product.title, number, len(product.ordered_images)),
        }
        for number, image in enumerate(product.ordered_images, start=1)
    ]
    buyable = not product.shop_closed and total_stock > 0
    # The variant chosen at first: the cheapest one in stock (variants come cheapest first).
    selected_variant_id = next((variant.pk for variant in variants if variant.stock > 0), None) if buyable else None
    product_url = settings.SITE_URL + request.path
    description = rich_text_to_plain(product.description)
    context = {
        "product": product,
        "shop": shop,
        "category": product.category,
        "ancestors": selectors.category_ancestors(category=product.category),
        "photos": photos,
        "detail_sizes": DETAIL_SIZES,
        "variants": variants,
        "total_stock": total_stock,
        "stock_state": _stock_state(total_stock),
        "shop_closed": product.shop_closed,
        "buyable": buyable,
        "selected_variant_id": selected_variant_id,
        "badges": product.badge_list,
        "whatsapp_url": _whatsapp_url(product),
        "related_products": product_cards(selectors.related_products(product=product, limit=RELATED_PRODUCTS)),
        # One query, none for a product without reviews (the aggregates are on the product).
        "product_reviews": list(review_list_for_product(product=product)[:LATEST_REVIEWS])
        if product.rating_count
        else [],
        "card_sizes": CARD_SIZES,
        "canonical_url": product_url,
        "meta_description": _meta_description(
            description or _("%(product)s from %(shop)s on Pasar UMKM.") % {"product": product.title, "shop": shop.name}
        ),
    }
    return TemplateResponse(request, f"{TEMPLATES}/product.html", context)


@require_GET
@cache_anonymous_page
def shop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """`/toko/<slug>/`: the shop's profile and its public products; 410 while suspended, else 404 if not public."""
    shop: Shop | None = selectors.shop_get_public(slug=slug)
    if shop is None:
        if selectors.shop_is_suspended(slug=slug):
            return TemplateResponse(request, f"{TEMPLATES}/shop_gone.html", {}, status=410)
        raise Http404
    listing = _listing(request, districts=None, shop_id=shop.pk)
    story = " ".join(shop.story.split())
    context = {
        **listing,
        "shop": shop,
        "shop_closed": shop.is_closed_on(_today()),
        "badges": selectors.shop_badges(shop=shop),
        "canonical_url": _canonical_url(request.path, listing["page"].number),
        "meta_description": _meta_description(
            story
            or _("%(shop)s, a small business in %(place)s, sells on Pasar UMKM.")
            % {"shop": shop.name, "place": shop.regency.name if shop.regency else "Bali"}
        ),
    }
    return TemplateResponse(request, f"{TEMPLATES}/shop.html", context)


class _SearchHits:
    """What Django's Paginator needs of a search result: its total, and the cards of the page already loaded."""

    def __init__(self, total: int, cards: list):
        self.total, self.cards = total, cards

    def count(self) -> int:
        return self.total

    def __getitem__(self, _slice):
        return self.cards


POPULAR_CATEGORIES = 6
FACET_TITLES = {
    "category": gettext_lazy("Category"),
    "district": gettext_lazy("District"),
    "price": gettext_lazy("Price"),
    "badge": gettext_lazy("Verified by Pasar UMKM"),
    "shop": gettext_lazy("Shop"),
}


def _facet_params(name: str, key: str) -> dict[str, str | None]:
    """The GET parameters a facet value sets (None: removed)."""
    if name == "badge":
        return {key: "on"}
    if name == "price":
        low, high = key.split("-")
        return {"min_price": low, "max_price": str(int(high) - 1) if high else None}
    return {name: key}


def _active_filter_count(query) -> int:
    """How many filters narrow the search (a price range counts once), for the phone's "Filter (2 active)"."""
    priced = query.min_price is not None or query.max_price is not None
    chosen = (query.category, query.shop, query.district, priced, query.in_stock)
    return sum(1 for value in chosen if value) + len(query.badges)


def _facet_links(request: HttpRequest, result, query) -> list[dict]:
    """Each facet with its values as links: a value narrows the search, an active one (marked) widens it again.
    Any link goes back to page 1."""
    active_values = {
        "category": {query.category},
        "district": {query.district},
        "shop": {query.shop},
        "badge": set(query.badges),
    }
    facets = []
    for name, buckets in result.facets.items():
        links = []
        for bucket in buckets:
            params = _facet_params(name, bucket.key)
            if name == "price":
                active = str(query.min_price) == params["min_price"] and (
                    str(query.max_price) == params["max_price"] if params["max_price"] else query.max_price is None
                )
            else:
                active = bucket.key in active_values[name]
            query_dict = request.GET.copy()
            query_dict.pop("page", None)
            for param, value in params.items():
                if active or value is None:
                    query_dict.pop(param, None)
                else:
                    query_dict[param] = value
            links.append(
                {"label": bucket.label, "count": bucket.count, "active": active, "url": f"?{query_dict.urlencode()}"}
            )
        if links:
            facets.append({"name": name, "title": FACET_TITLES[name], "links": links})
    return facets


@require_GET
@cache_anonymous_page
def search_results(request: HttpRequest) -> HttpResponse:
    """`/cari/?q=`: products found by the search service, facets to narrow them, sort, pages; an empty search
    or one finding nothing suggests a spelling and popular categories. Bad parameters show the form's errors
    and search without them."""
    form = SearchForm(request.GET)
    form.is_valid()  # a bad field is shown with its error and left out of the search
    query = form.to_query()
    result = search_products(query)
    last_page = -(-result.total // query.page_size)
    if result.total and query.page > last_page:  # one past the end shows the last page, as category pages do
        query = dataclasses.replace(query, page=last_page)
        result = search_products(query)
    products = products_for_result(result)
    cards = [
        with_highlighted_title(card, result.highlights.get(product.pk, {}).get("title", ""))
        for product, card in zip(products, product_cards(products), strict=True)
    ]
    page = Paginator(_SearchHits(result.total, cards), query.page_size).get_page(query.page)
    facets = _facet_links(request, result, query)
    context = {
        "form": form,
        "query": query,
        "result": result,
        "page": page,
        "products": cards,
        "facets": facets,
        "active_filters": _active_filter_count(query),
        "sorts": SEARCH_SORT_LABELS,
        "eager_cards": EAGER_CARDS,
        "card_sizes": CARD_SIZES,
        "popular_categories": selectors.category_tree().filter(depth=1)[:POPULAR_CATEGORIES]
        if not result.total
        else [],
        "canonical_url": _canonical_url(request.path),
    }
    return TemplateResponse(request, f"{TEMPLATES}/search.html", context)


@require_GET
@cache_anonymous_page
def search_suggestions(request: HttpRequest) -> HttpResponse:
    """`/cari/saran/?q=`: the header search box's as-you-type suggestions, as `<option>`s for its `<datalist>`
    (fetched by htmx while typing; without JavaScript the box simply searches)."""
    suggestions, _backend = suggest_products(request.GET.get("q", "")[:MAX_QUERY_LENGTH])
    return TemplateResponse(request, f"{TEMPLATES}/_search_suggestions.html", {"suggestions": suggestions})
