"""Search engines and link previews: canonical and hreflang links, Open Graph and Twitter cards, JSON-LD.

`{% load seo %}`, then in a page's `{% block seo %}` (see `marketplace/templates/base.html`):

- `{% open_graph title=… description=… image=… url=… type=… image_alt=… %}`: Open Graph and Twitter card meta
  tags. Every argument is optional: the title and description default to the Wagtail `page` in the context
  (`seo_title`/`title`, `search_description`) or the site's; `url` to the canonical URL; `type` to "website".
  `image` is a URL, a file field (a shop's logo), a `ProductImage` (its detail rendition, or the original while
  the renditions are being made) or a Wagtail image (a 1200x630 crop).
- `{% product_jsonld product %}`, `{% shop_jsonld shop %}`, `{% breadcrumbs_jsonld items %}` (items: a list of
  `(name, url)`, the last one's url may be None): schema.org Product/Offer, LocalBusiness and BreadcrumbList.
- `{% storefront_breadcrumbs category ancestors current_title as crumbs %}`: those items for a catalogue page.
- `{% canonical_url %}`, `{% hreflang_links %}`, `{% language_links as links %}` (the footer's switcher),
  `{{ url|absolute_url }}`, `{{ html|seo_description }}`.

Decisions:

- **Absolute URLs on `settings.SITE_URL`**, not on the request's Host header: crawlers and chat apps fetching
  a preview must see the one public address, the same as in the sitemap.
- **JSON-LD is built in Python** and serialised with `json.dumps`; `</` becomes `<\\/` and `<!--` becomes
  `<\\u0021--` (both still the same JSON string), so no value written by a seller can close the `<script>` or
  switch the HTML parser into another state. Only that escaped text is marked safe.
- **Offers** follow the public catalogue's rules (`shops.catalogue_api`): prices are whole rupiah over the
  active variants; one price makes an `Offer`, several an `AggregateOffer` (low/high/count); availability is
  `InStock` only when the product is buyable (some active variant has stock and the shop is not on vacation).
  The shop is the seller (an Organization) and the brand: UMKM products are the shop's own make.
- **No queries** when the objects come from the storefront selectors (`product_get_public` prefetches active
  variants and photos, `shop_get_public` joins the address); other objects are read as needed.
"""

import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage
from wagtail.models import Page

from cms.sitemaps import site_languages, storefront_path
from marketplace.core.richtext import rich_text_to_plain
from shops.models import ProductImage

register = template.Library()

SITE_NAME = "Pasar UMKM"
# The same msgid as base.html's default meta description.
DEFAULT_DESCRIPTION = _(
    "Buy directly from local small businesses: hand-picked local products, trained sellers, safe payment."
)
OG_LOCALES = {"id": "id_ID", "en": "en_US"}
OG_IMAGE_RENDITION = "fill-1200x630"  # what Facebook, WhatsApp and X show best
DESCRIPTION_LENGTH = 160
SCHEMA_IN_STOCK = "https://schema.org/InStock"
SCHEMA_OUT_OF_STOCK = "https://schema.org/OutOfStock"


# --- URLs and text ---------------------------------------------------------------------------------------


@register.filter
def absolute_url(url) -> str:
    """`url` made absolute on `settings.SITE_URL`; absolute URLs stay as they are, empty stays empty."""
    url = str(url or "")
    if not url or url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{settings.SITE_URL.split('//', 1)[0]}{url}"
    return f"{settings.SITE_URL}{url if url.startswith('/') else '/' + url}"


def image_url(image) -> str:
    """The absolute URL of something that stands for a picture (see the module docstring), or ""."""
    if not image:
        return ""
    if isinstance(image, str):
        return absolute_url(image)
    if isinstance(image, ProductImage):
        return absolute_url((image.detail or image.card or image.original).url)
    if isinstance(image, AbstractImage):
        return absolute_url(image.get_rendition(OG_IMAGE_RENDITION).url)
    if isinstance(image, FieldFile) or hasattr(image, "url"):
        return absolute_url(image.url)
    return ""


@register.filter
def seo_description(value, length: int = DESCRIPTION_LENGTH) -> str:
    """Plain text of (rich) text for a meta description: tags removed, whitespace collapsed, at most
    `length` characters cut at a word."""
    text = rich_text_to_plain(str(value or ""))
    return Truncator(text).chars(int(length))


def _request_path(context) -> str:
    request = context.get("request")
    return request.path if request is not None else "/"


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The absolute URL of this page without its query string, except a page number past the first."""
    url = absolute_url(_request_path(context))
    request = context.get("request")
    page = request.GET.get("page", "") if request is not None else ""
    if page.isdigit() and int(page) > 1:
        url += f"?page={int(page)}"
    return url


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The footer's language switcher: for every language, this page (query string kept) in that language, its
    name in itself, and whether it is the one being read. Plain links rather than a form: nothing to post, no
    CSRF token, so the page stays cacheable. A path that exists in no language (a 404) links to each home."""
    request = context.get("request")
    full_path = request.get_full_path() if request is not None else "/"
    current = translation.get_language()
    links = []
    for code in site_languages():
        url = translate_url(full_path, code)
        if url == full_path and code != current:
            url = "/" if code == settings.LANGUAGE_CODE else f"/{code}/"
        links.append(
            {"code": code, "name": get_language_info(code)["name_local"], "url": url, "current": code == current}
        )
    return links


@register.inclusion_tag("includes/seo/hreflang.html", takes_context=True)
def hreflang_links(context) -> dict:
    """`<link rel="alternate" hreflang>` for every language and x-default (Indonesian), from this page's path
    translated by Django's `translate_url`; nothing for a path no URL pattern knows (404 pages)."""
    path = _request_path(context)
    current = translation.get_language()
    alternates = [(code, translate_url(path, code)) for code in site_languages()]
    if any(url == path for code, url in alternates if code != current):
        return {"alternates": []}
    by_code = dict(alternates)
    links = [(code, absolute_url(url)) for code, url in alternates]
    links.append(("x-default", absolute_url(by_code.get(settings.LANGUAGE_CODE, path))))
    return {"alternates": links}


# --- Open Graph and Twitter cards -----------------------------------------------------------------------------


@register.inclusion_tag("includes/seo/open_graph.html", takes_context=True)
def open_graph(context, title="", description="", image=None, url="", type="website", image_alt=""):
    page = context.get("page")
    page = page if isinstance(page, Page) else None
    if not title:
        title = (page.seo_title or page.title) if page is not None else SITE_NAME
    if not description:
        description = (page.search_description if page is not None else "") or DEFAULT_DESCRIPTION
    language = translation.get_language() or settings.LANGUAGE_CODE
    locale = OG_LOCALES.get(language, OG_LOCALES[settings.LANGUAGE_CODE])
    return {
        "site_name": SITE_NAME,
        "title": title,
        "description": seo_description(description, 300),
        "url": absolute_url(url) if url else canonical_url(context),
        "type": type,
        "image": image_url(image),
        "image_alt": image_alt or (title if image else ""),
        "locale": locale,
        "locale_alternates": [value for value in OG_LOCALES.values() if value != locale],
    }


# --- JSON-LD ----------------------------------------------------------------------------------------------


def jsonld_text(data) -> SafeString:
    """`data` as JSON that is safe inside `<script type="application/ld+json">`."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
    return mark_safe(text)  # noqa: S308 — "</" and "<!--" escaped just above, so the text cannot leave the script


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _active_variants(product) -> list:
    variants = getattr(product, "active_variants", None)
    if variants is None:
        variants = list(product.variants.filter(is_active=True).order_by("price", "pk"))
    return variants


def _product_images(product) -> list:
    images = getattr(product, "ordered_images", None)
    if images is None:
        images = getattr(product, "main_images", None)
    if images is None:
        images = list(product.images.order_by("position", "pk"))
    return images


def product_jsonld_data(product) -> dict:
    """schema.org Product with its offer(s), for a product from `shops.selectors.product_get_public`."""
    shop = product.shop
    product_url = absolute_url(storefront_path("storefront:product", product.slug))
    variants = _active_variants(product)
    in_stock = any(variant.stock > 0 for variant in variants)
    buyable = in_stock and not shop.is_closed_on(timezone.localdate())
    common = {
        "priceCurrency": "IDR",
        "availability": SCHEMA_IN_STOCK if buyable else SCHEMA_OUT_OF_STOCK,
        "url": product_url,
        "seller": _without_empty(
            {
                "@type": "Organization",
                "name": shop.name,
                "url": absolute_url(storefront_path("storefront:shop", shop.slug)),
            }
        ),
    }
    prices = [int(variant.price) for variant in variants]
    offers = None
    if prices and min(prices) != max(prices):
        offers = {
            "@type": "AggregateOffer",
            "lowPrice": min(prices),
            "highPrice": max(prices),
            "offerCount": len(prices),
            **common,
        }
    elif prices:
        offers = {"@type": "Offer", "price": prices[0], "itemCondition": "https://schema.org/NewCondition", **common}
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": product.title,
            "description": seo_description(product.description, 5000),
            "url": product_url,
            "image": [image_url(image) for image in _product_images(product)],
            "sku": variants[0].sku if len(variants) == 1 else "",
            "category": product.category.name if product.category_id else "",
            "brand": {"@type": "Brand", "name": shop.name},
            "offers": offers,
            "aggregateRating": _aggregate_rating(product),
        }
    )


def _aggregate_rating(item) -> dict | None:
    """schema.org AggregateRating from the review aggregates kept on products and shops; None without reviews."""
    if not item.rating_count:
        return None
    return {
        "@type": "AggregateRating",
        "ratingValue": item.rating_average,
        "reviewCount": item.rating_count,
        "bestRating": 5,
        "worstRating": 1,
    }


def shop_jsonld_data(shop) -> dict:
    """schema.org LocalBusiness for a shop from `shops.selectors.shop_get_public` (address joined)."""
    street = ", ".join(part for part in (shop.street_address, shop.village.name if shop.village_id else "") if part)
    address = _without_empty(
        {
            "@type": "PostalAddress",
            "streetAddress": street,
            "addressLocality": shop.district.name if shop.district_id else "",
            "addressRegion": shop.regency.name if shop.regency_id else "",
            "postalCode": shop.postal_code,
            "addressCountry": "ID",
        }
    )
    logo = image_url(shop.logo)
    return _without_empty(
        {
            "@context": "https://schema.org",
            "@type": "LocalBusiness",
            "name": shop.name,
            "description": seo_description(shop.story, 1000),
            "url": absolute_url(storefront_path("storefront:shop", shop.slug)),
            "image": logo or image_url(shop.banner),
            "logo": logo,
            "telephone": shop.whatsapp.as_e164 if shop.whatsapp else "",
            "address": address,
            "aggregateRating": _aggregate_rating(shop),
        }
    )


def breadcrumbs_jsonld_data(items) -> dict:
    """schema.org BreadcrumbList from `(name, url)` pairs, home first; a pair without url (the page itself)
    is listed without `item`."""
    elements = []
    for position, (name, url) in enumerate(items, start=1):
        element = {"@type": "ListItem", "position": position, "name": str(name)}
        if url:
            element["item"] = absolute_url(url)
        elements.append(element)
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": elements}


@register.simple_tag
def storefront_breadcrumbs(category, ancestors=(), current_title="") -> list[tuple[str, str | None]]:
    """The `(name, url)` trail of a catalogue page, as its visible breadcrumbs show it: home, the category's
    ancestors, the category, then `current_title` (a product's title) if given; the last one without url.
    `{% storefront_breadcrumbs category ancestors product.title as crumbs %}{% breadcrumbs_jsonld crumbs %}`."""
    items = [(str(_("Home")), reverse("wagtail_serve", args=[""]))]
    items += [(node.name, storefront_path("storefront:category", node.slug)) for node in ancestors or ()]
    if current_title:
        items += [(category.name, storefront_path("storefront:category", category.slug)), (str(current_title), None)]
    else:
        items.append((category.name, None))
    return items


@register.inclusion_tag("includes/seo/jsonld.html")
def product_jsonld(product) -> dict:
    return {"jsonld": jsonld_text(product_jsonld_data(product))}


@register.inclusion_tag("includes/seo/jsonld.html")
def shop_jsonld(shop) -> dict:
    return {"jsonld": jsonld_text(shop_jsonld_data(shop))}


@register.inclusion_tag("includes/seo/jsonld.html")
def breadcrumbs_jsonld(items) -> dict:
    return {"jsonld": jsonld_text(breadcrumbs_jsonld_data(items))}
