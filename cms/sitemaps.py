"""`/sitemap.xml`: the Wagtail pages and the public catalogue (categories, products, shops), in both languages.

Decisions:

- **Every URL in every language.** Each page, category, product and shop is listed once per language
  (`/produk/x/` and `/en/produk/x/`), each entry naming all of them as `hreflang` alternates plus `x-default`
  (the Indonesian one), as Django's `i18n = True` / `alternates = True` do. Wagtail's sitemap cannot use those
  flags (its `_urls` iterates the queryset itself), so `PageSitemap` does the same by hand: the page tree is
  one for both languages (`WAGTAIL_I18N_ENABLED = False`) and `i18n_patterns` serves it under `/` and `/en/`.
- **One host.** Locations are built on `settings.SITE_URL`, never on the request's Host header, so the sitemap
  names the same URLs as `robots.txt`, the canonical links and the Open Graph tags.
- **Paginated in the database.** A sitemap page holds at most `URLS_PER_SITEMAP` URLs (50,000, Django's and the
  protocol's limit), i.e. 25,000 items in two languages. Django's `i18n` mode would load every item of a section
  into a list to paginate it; `_ItemsInLanguages` slices the queryset instead, so a section costs one count and
  one query for its page whatever the size of the catalogue, and memory stays bounded. `/sitemap.xml` is a
  plain sitemap while everything fits in one file and becomes a sitemap index otherwise
  (`cms.views_seo.sitemap_xml`).
- **Visibility comes from `shops.selectors`** (`category_tree`, `product_list_public`, `shop_list_public`): a
  draft, archived or unapproved product, or a shop that is not approved, never appears. Every category of the
  operator-managed tree is public (categories have no hidden state). `lastmod` is `updated_at` for products and
  shops and the last publication for pages; categories have no such date and go without.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from shops import selectors

URLS_PER_SITEMAP = 50_000


def storefront_path(view_name: str, slug: str) -> str:
    """The path of a catalogue page (`storefront:category|product|shop`, DESIGN §9) in the active language."""
    return reverse(view_name, kwargs={"slug": slug})


def site_url_parts() -> tuple[str, str]:
    """(scheme, host) of `settings.SITE_URL`."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme or "https", parts.netloc


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class _ItemsInLanguages:
    """A lazy sequence of `(item, language)` pairs over a queryset, for Django's `Paginator`: counting it costs
    one COUNT, slicing it one query for the items of that slice, whatever the size of the queryset."""

    def __init__(self, items, languages: list[str]):
        self.items = items
        self.languages = languages

    @cached_property
    def _item_count(self) -> int:
        return self.items.count()

    def count(self) -> int:
        return self._item_count * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("_ItemsInLanguages supports slices only")
        per_item = len(self.languages)
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        first_item, last_item = start // per_item, -(-stop // per_item)
        pairs = [(item, language) for item in self.items[first_item:last_item] for language in self.languages]
        offset = first_item * per_item
        return pairs[start - offset : stop - offset]


class SiteSitemapMixin:
    """Every item in every language with hreflang alternates, on `settings.SITE_URL`, paginated in the
    database. Subclasses give `items()` (a queryset) and `lastmod_field` (or None)."""

    limit = URLS_PER_SITEMAP
    i18n = True
    alternates = True
    # Django's x-default strips "/id/" from the URL, which a slug may contain: `_urls` adds it instead.
    x_default = False
    lastmod_field: str | None = None

    def get_protocol(self, protocol=None):
        return site_url_parts()[0]

    def get_domain(self, site=None):
        return site_url_parts()[1]

    def _languages(self):
        return site_languages()

    @cached_property
    def paginator(self) -> Paginator:
        # Cached: Django's views read it twice per request (page count, then the page).
        return Paginator(_ItemsInLanguages(self.items(), self._languages()), self.limit)

    def lastmod(self, item):
        return getattr(item, self.lastmod_field) if self.lastmod_field else None

    def get_latest_lastmod(self):
        """For the sitemap index: one aggregate instead of Django's walk over every item."""
        if not self.lastmod_field:
            return None
        return self.items().aggregate(latest=Max(self.lastmod_field))["latest"]

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url_info in urls:
            add_x_default(url_info["alternates"])
        return urls


def add_x_default(alternates: list[dict]) -> None:
    """Name the default language's URL (Indonesian, without prefix) as `x-default` too."""
    for alternate in list(alternates):
        if alternate["lang_code"] == settings.LANGUAGE_CODE:
            alternates.append({"location": alternate["location"], "lang_code": "x-default"})


class CategorySitemap(SiteSitemapMixin, Sitemap):
    def items(self):
        return selectors.category_tree().only("pk", "path", "slug")

    def location(self, category):
        return storefront_path("storefront:category", category.slug)


class ProductSitemap(SiteSitemapMixin, Sitemap):
    lastmod_field = "updated_at"

    def items(self):
        # The selector's joins and prefetches serve product cards; a sitemap needs two columns. By id, so a new
        # product lands on the last sitemap page instead of shifting every page.
        return (
            selectors.product_list_public()
            .select_related(None)
            .prefetch_related(None)
            .only("pk", "slug", "updated_at")
            .order_by("pk")
        )

    def location(self, product):
        return storefront_path("storefront:product", product.slug)


class ShopSitemap(SiteSitemapMixin, Sitemap):
    lastmod_field = "updated_at"

    def items(self):
        return selectors.shop_list_public().select_related(None).only("pk", "slug", "updated_at").order_by("pk")

    def location(self, shop):
        return storefront_path("storefront:shop", shop.slug)


class PageSitemap(SiteSitemapMixin, WagtailSitemap):
    """The live, public Wagtail pages of the site, each in every language.

    Wagtail's `_urls` iterates pages (not `(page, language)` pairs) and asks each page for its URLs
    (`Page.get_sitemap_urls`, which page types may override); this one asks once per language and turns the
    answers into Django's entries with alternates. The paginator counts pages times languages, so a sitemap
    page still holds at most `limit` URLs (as long as a page type answers one URL per language)."""

    lastmod_field = "last_published_at"

    def _pages(self):
        site = self.get_wagtail_site()
        return site.root_page.get_descendants(inclusive=True).live().public().order_by("path")

    def items(self):
        return self._pages().defer_streamfields().specific()

    def get_latest_lastmod(self):
        return self._pages().aggregate(latest=Max("last_published_at"))["latest"]

    def _site_location(self, url: str) -> str:
        """A page URL (Wagtail builds it on the Wagtail Site's hostname) moved onto `SITE_URL`."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        protocol, domain = site_url_parts()
        return f"{protocol}://{domain}{path}"

    def _urls(self, page, protocol, domain):
        languages = self._languages()
        pairs = self.paginator.page(page).object_list
        wanted = set(pairs)
        urls = []
        lastmods = []
        # Each page comes once per language in the pairs; ask it for its URLs in every language at once.
        for item in dict.fromkeys(item for item, _language in pairs):
            by_language = {}
            for language in languages:
                with translation.override(language):
                    infos = item.get_sitemap_urls(self.request)
                by_language[language] = [info for info in infos if info.get("location")]  # None: not routable
            for index in range(min(len(infos) for infos in by_language.values())):
                alternates = [
                    {"location": self._site_location(by_language[language][index]["location"]), "lang_code": language}
                    for language in languages
                ]
                add_x_default(alternates)
                for language in languages:
                    if (item, language) not in wanted:
                        continue
                    info = by_language[language][index]
                    lastmods.append(info.get("lastmod"))
                    urls.append(
                        {
                            "item": item,
                            "location": self._site_location(info["location"]),
                            "lastmod": info.get("lastmod"),
                            "changefreq": info.get("changefreq"),
                            "priority": str(info.get("priority") or ""),
                            "alternates": alternates,
                        }
                    )
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        return urls


def sitemaps_for(request) -> dict[str, Sitemap]:
    """The sections of `/sitemap.xml`, fresh for one request (their paginators cache counts)."""
    return {
        "pages": PageSitemap(request),
        "categories": CategorySitemap(),
        "products": ProductSitemap(),
        "shops": ShopSitemap(),
    }
