"""What search engines read first: `/robots.txt`, `/sitemap.xml` and `/sitemap-<section>.xml`.

All three live outside `i18n_patterns` (one file for both languages) and name absolute URLs on
`settings.SITE_URL`. The sections and their rules are in `cms.sitemaps`.
"""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .sitemaps import site_languages, sitemaps_for

# Pages no search engine should crawl: private (seller, trainer and account pages, the CMS and admin), machine
# endpoints, uploaded import files, and the shopper's own cart, checkout and orders.
DISALLOWED_LANGUAGE_NEUTRAL_PATHS = ("/cms/", "/django-admin/", "/api/", "/_allauth/", "/i18n/", "/media/imports/")
# Under `i18n_patterns`: disallowed at the root (Indonesian) and under each other language's prefix.
DISALLOWED_PAGE_PATHS = ("/penjual/", "/pelatih/", "/akun/", "/keranjang/", "/checkout/", "/pesanan/")


def robots_lines() -> list[str]:
    disallowed = list(DISALLOWED_LANGUAGE_NEUTRAL_PATHS)
    prefixes = ["", *(f"/{code}" for code in site_languages() if code != settings.LANGUAGE_CODE)]
    disallowed += [f"{prefix}{path}" for prefix in prefixes for path in DISALLOWED_PAGE_PATHS]
    # Allow comes last: Google takes the longest matching rule, simpler parsers (Python's) the first one.
    return [
        "User-agent: *",
        *(f"Disallow: {path}" for path in disallowed),
        "Allow: /",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]


@require_GET
@cache_control(public=True, max_age=24 * 60 * 60)
def robots_txt(request):
    return HttpResponse("\n".join(robots_lines()) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@sitemap_views.x_robots_tag
def sitemap_xml(request):
    """Every section in one file while all URLs fit (at most `cms.sitemaps.URLS_PER_SITEMAP`); otherwise a sitemap index
    naming each page of each section (`/sitemap-products.xml?p=2`)."""
    sitemaps = sitemaps_for(request)
    total = sum(sitemap.paginator.count for sitemap in sitemaps.values())
    if total <= min(sitemap.limit for sitemap in sitemaps.values()):
        return sitemap_views.sitemap(request, sitemaps)
    return sitemap_index(request, sitemaps)


def sitemap_index(request, sitemaps):
    """Django's index view, with locations on `SITE_URL` (its own uses the request's host) and without the
    empty sections."""
    entries = []
    lastmods = []
    for section, sitemap in sitemaps.items():
        if not sitemap.paginator.count:
            continue
        location = f"{settings.SITE_URL}{reverse('sitemap_section', kwargs={'section': section})}"
        lastmod = sitemap.get_latest_lastmod()
        lastmods.append(lastmod)
        entries.append(sitemap_views.SitemapIndexItem(location, lastmod))
        entries += [
            sitemap_views.SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    headers = None
    if lastmods and None not in lastmods:
        headers = {"Last-Modified": http_date(max(lastmods).timestamp())}
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml", headers=headers
    )


@require_GET
def sitemap_section(request, section: str):
    """One section, page `?p=` (404 for an unknown section or a page past the end)."""
    return sitemap_views.sitemap(request, sitemaps_for(request), section=section)
