"""`/sitemap.xml`: Wagtail pages, categories, public products and shops, in both languages, on SITE_URL."""

from datetime import date

import pytest
from defusedxml import ElementTree as ET
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from cms.demo import seed_home_page
from cms.sitemaps import SiteSitemapMixin
from shops.models import Product, Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductVariantFactory,
    ShopFactory,
)

SITE = "https://pasar.example"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def home(db):
    return seed_home_page()


def entries(response) -> dict[str, dict]:
    """{loc: {"lastmod": str | None, "alternates": {hreflang: href}}} of a sitemap response."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}urlset"
    found = {}
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in found, f"{loc} listed twice"
        found[loc] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=NS),
            "alternates": {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)},
        }
    return found


def index_locations(response) -> list[str]:
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    return [sitemap.findtext("sm:loc", namespaces=NS) for sitemap in root.findall("sm:sitemap", NS)]


def both_languages(path: str) -> set[str]:
    return {f"{SITE}{path}", f"{SITE}/en{path}"}


def test_sitemap_lists_pages_categories_public_products_and_public_shops_in_both_languages(client, home):
    about = home.add_child(instance=Page(title="Tentang kami", slug="tentang-kami"))
    home.add_child(instance=Page(title="Draf", slug="draf", live=False))
    food = CategoryFactory(slug="makanan")
    CategoryFactory(slug="keripik", parent=food)
    shop = ApprovedShopFactory(slug="warung-made")
    ProductFactory(shop=shop, slug="keripik-pisang", category=food)
    # Never listed: draft, archived, waiting for approval, without an active variant, of a suspended shop.
    ProductFactory(shop=shop, slug="draf", category=food, status=Product.Status.DRAFT)
    ProductFactory(shop=shop, slug="diarsipkan", category=food, status=Product.Status.ARCHIVED)
    ProductFactory(shop=shop, slug="menunggu", category=food, moderation=Product.Moderation.PENDING)
    ProductVariantFactory(
        product=ProductFactory(shop=shop, slug="tanpa-varian", category=food, variant=None), is_active=False
    )
    suspended = ShopFactory(slug="toko-ditangguhkan", status=Shop.Status.SUSPENDED)
    ProductFactory(shop=suspended, slug="produk-toko-ditangguhkan", category=food)
    ShopFactory(slug="toko-draf")

    found = entries(client.get("/sitemap.xml"))

    assert about.live
    assert set(found) == (
        both_languages("/")
        | both_languages("/tentang-kami/")
        | both_languages("/kategori/makanan/")
        | both_languages("/kategori/keripik/")
        | both_languages("/produk/keripik-pisang/")
        | both_languages("/toko/warung-made/")
    )


def test_each_entry_names_every_language_and_x_default_as_alternates(client, home):
    ProductFactory(slug="kopi-kintamani")

    found = entries(client.get("/sitemap.xml"))

    alternates = {"id": f"{SITE}/produk/kopi-kintamani/", "en": f"{SITE}/en/produk/kopi-kintamani/"}
    alternates["x-default"] = alternates["id"]
    assert found[f"{SITE}/produk/kopi-kintamani/"]["alternates"] == alternates
    assert found[f"{SITE}/en/produk/kopi-kintamani/"]["alternates"] == alternates
    home_alternates = {"id": f"{SITE}/", "en": f"{SITE}/en/", "x-default": f"{SITE}/"}
    assert found[f"{SITE}/en/"]["alternates"] == home_alternates


def test_lastmod_is_the_last_change_of_products_shops_and_pages_and_absent_for_categories(client, home):
    product = ProductFactory(slug="sambal-matah")
    Product.objects.filter(pk=product.pk).update(updated_at=timezone.make_aware(timezone.datetime(2026, 3, 4, 12)))
    Shop.objects.filter(pk=product.shop_id).update(updated_at=timezone.make_aware(timezone.datetime(2026, 2, 1, 9)))

    found = entries(client.get("/sitemap.xml"))

    assert found[f"{SITE}/produk/sambal-matah/"]["lastmod"] == "2026-03-04"
    assert found[f"{SITE}/en/produk/sambal-matah/"]["lastmod"] == "2026-03-04"
    assert found[f"{SITE}/toko/{product.shop.slug}/"]["lastmod"] == "2026-02-01"
    assert found[f"{SITE}/kategori/{product.category.slug}/"]["lastmod"] is None
    home.refresh_from_db()
    assert found[f"{SITE}/"]["lastmod"] == timezone.localdate(home.last_published_at).isoformat()


def test_sitemap_names_site_url_whatever_host_the_request_came_to(client, home):
    ProductFactory(slug="kain-endek")

    found = entries(client.get("/sitemap.xml", HTTP_HOST="attacker.example"))

    assert f"{SITE}/produk/kain-endek/" in found
    assert all(loc.startswith(f"{SITE}/") for loc in found)
    assert not any("attacker" in str(entry) for entry in found.values())


def sitemap_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap.xml").status_code == 200
    return len(queries)


def test_sitemap_costs_the_same_queries_for_one_row_or_many(client, home, django_assert_max_num_queries):
    category = CategoryFactory()
    ProductFactory(category=category)
    home.add_child(instance=Page(title="FAQ", slug="faq"))
    sitemap_queries(client)  # Wagtail caches the site's root paths on the first request
    few = sitemap_queries(client)

    for number in range(6):
        ProductFactory(category=CategoryFactory(parent=category) if number % 2 else category)
        home.add_child(instance=Page(title=f"Berita {number}", slug=f"berita-{number}"))
    many = sitemap_queries(client)

    assert many == few
    with django_assert_max_num_queries(12):
        response = client.get("/sitemap.xml")
    assert len(entries(response)) == 2 * (8 + 4 + 7 + 7)  # pages, categories, products, shops; 2 languages


def test_sitemap_becomes_an_index_of_paginated_sections_when_the_urls_do_not_fit(client, home, monkeypatch):
    monkeypatch.setattr(SiteSitemapMixin, "limit", 3)  # URLs per sitemap file: 1.5 products in two languages
    shop = ApprovedShopFactory(slug="warung-made")
    for number in range(3):
        ProductFactory(shop=shop, slug=f"produk-{number}")

    response = client.get("/sitemap.xml")

    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
    locations = index_locations(response)

    assert locations == [
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-categories.xml",
        f"{SITE}/sitemap-categories.xml?p=2",
        f"{SITE}/sitemap-products.xml",
        f"{SITE}/sitemap-products.xml?p=2",
        f"{SITE}/sitemap-shops.xml",
    ]
    # The pages of a section together list each URL once, a product's two languages even across a page break.
    product_urls = []
    for page in (1, 2):
        page_entries = entries(client.get("/sitemap-products.xml", {"p": page}))
        assert len(page_entries) == 3
        product_urls += list(page_entries)
    expected = set().union(*(both_languages(f"/produk/produk-{number}/") for number in range(3)))
    assert sorted(product_urls) == sorted(expected)


def test_sitemap_index_names_the_latest_change_of_each_section(client, home, monkeypatch):
    monkeypatch.setattr(SiteSitemapMixin, "limit", 1)
    older, newer = ProductFactory(), ProductFactory()
    Product.objects.filter(pk=older.pk).update(updated_at=timezone.make_aware(timezone.datetime(2026, 1, 2, 12)))
    Product.objects.filter(pk=newer.pk).update(updated_at=timezone.make_aware(timezone.datetime(2026, 5, 6, 12)))

    response = client.get("/sitemap.xml")

    root = ET.fromstring(response.content)
    lastmods = {
        sitemap.findtext("sm:loc", namespaces=NS): sitemap.findtext("sm:lastmod", namespaces=NS)
        for sitemap in root.findall("sm:sitemap", NS)
    }
    assert lastmods[f"{SITE}/sitemap-products.xml"].startswith(date(2026, 5, 6).isoformat())
    assert lastmods[f"{SITE}/sitemap-categories.xml"] is None


def test_sitemap_section_pages_past_the_end_and_unknown_sections_answer_404(client, home):
    ProductFactory()

    assert client.get("/sitemap-products.xml").status_code == 200
    assert client.get("/sitemap-products.xml", {"p": 2}).status_code == 404
    assert client.get("/sitemap-products.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-orders.xml").status_code == 404
    assert client.post("/sitemap.xml").status_code == 405
