"""Template tags of the storefront's Wagtail pages: the home page's body, and the site chrome (navigation menu,
contact details, social links, footer text) read from `StorefrontSettings`.

The chrome shows on storefront pages only: Wagtail pages and the catalogue and search pages. Seller and account
pages keep the slim header with their own menus, and spend no query on it. On a storefront page the chrome
costs one query (the site's settings, matched on the request's host). The menu's links are cached (label and
URL per settings row and language); the cache's version changes whenever the settings, a site or any page
changes (published, unpublished, moved, deleted: `cms.models`), so a renamed slug shows in the menu at once.
It is read once per request.
"""

from dataclasses import dataclass, field

from django import template
from django.core.cache import cache
from django.db.models import Q
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from cms.blocks import PRELOADED_BLOCKS
from cms.models import NAV_CACHE_VERSION_KEY, StorefrontSettings

register = template.Library()

STOREFRONT_NAMESPACES = frozenset({"storefront", "search"})
WAGTAIL_SERVE_URL_NAMES = frozenset({"wagtail_serve"})


@dataclass
class NavLink:
    label: str
    url: str
    current: bool = False


@dataclass
class SiteChrome:
    shown: bool = False
    settings: StorefrontSettings | None = None
    links: list[NavLink] = field(default_factory=list)


def _is_storefront(context, request) -> bool:
    if isinstance(context.get("page"), Page):
        return True
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return match.url_name in WAGTAIL_SERVE_URL_NAMES or bool(set(match.namespaces) & STOREFRONT_NAMESPACES)


def _settings_for(request) -> StorefrontSettings:
    """The settings of the request's site in one query (the site joined), or unsaved defaults. Unlike
    `StorefrontSettings.for_request` this never writes a row on a GET."""
    site = getattr(request, "_wagtail_site", None)
    if site is not None:
        found = StorefrontSettings.objects.filter(site=site).first()
    else:
        hostname = request.get_host().split(":")[0].lower()
        candidates = list(
            StorefrontSettings.objects.select_related("site").filter(
                Q(site__hostname=hostname) | Q(site__is_default_site=True)
            )
        )
        found = next((row for row in candidates if row.site.hostname == hostname), None)
        found = found or next((row for row in candidates if row.site.is_default_site), None)
    return found or StorefrontSettings()


NAV_CACHE_SECONDS = 60 * 60


def _links(settings: StorefrontSettings, request) -> list[NavLink]:
    if not settings.pk or not settings.navigation.raw_data:
        return []
    version = cache.get(NAV_CACHE_VERSION_KEY, 0)
    key = f"cms:storefront-nav:{settings.pk}:{version}:{get_language()}:{request.get_host()}"
    pairs = cache.get(key)
    if pairs is None:
        pairs = _resolve_links(settings, request)
        cache.set(key, pairs, NAV_CACHE_SECONDS)
    return [NavLink(label=label, url=url, current=url == request.path) for label, url in pairs]


def _resolve_links(settings: StorefrontSettings, request) -> list[tuple[str, str]]:
    """(label, URL) of the menu's items; links to pages that are not live are left out."""
    links = []
    for block in settings.navigation:  # the page links of every item come in one query
        value = block.value
        page = value.get("page")
        if page is not None:
            if not page.live:
                continue
            url = page.get_url(request)
        else:
            url = (value.get("url") or "").strip()
        if url:
            links.append((value["label"], url))
    return links


@register.simple_tag(takes_context=True)
def storefront_chrome(context) -> SiteChrome:
    """`{% storefront_chrome as chrome %}`: the menu and settings for this request (read once per request)."""
    request = context.get("request")
    if request is None:
        return SiteChrome()
    chrome = getattr(request, "_storefront_chrome", None)
    if chrome is None:
        if _is_storefront(context, request):
            settings = _settings_for(request)
            chrome = SiteChrome(shown=True, settings=settings, links=_links(settings, request))
        else:
            chrome = SiteChrome()
        request._storefront_chrome = chrome
    return chrome


@register.simple_tag(takes_context=True)
def home_body(context, page) -> str:
    """Render the home page's blocks. The catalogue blocks get their stored values (ids) and read the objects
    `HomePage.get_context` loaded at once; the others are converted and rendered as usual."""
    stream = page.body
    parent_context = context.flatten()
    parts = []
    for index, raw in enumerate(stream.raw_data):
        block_type = raw.get("type")
        block = stream.stream_block.child_blocks.get(block_type)
        if block is None:
            continue
        if block_type in PRELOADED_BLOCKS:
            html = block.render(raw.get("value") or {}, context=parent_context)
        else:
            html = stream[index].render(context=parent_context)
        parts.append((block_type, html))
    return format_html_join("\n", '<div class="home-block home-block--{}">{}</div>', parts) or mark_safe("")
