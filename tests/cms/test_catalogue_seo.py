"""The catalogue pages carry what search engines and chat apps read: canonical URL, Open Graph, JSON-LD."""

import json
import re

import pytest

from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def jsonld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    return [json.loads(block) for block in blocks]


def meta(page: str, prop: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    return found.group(1) if found else None


def test_product_page_has_product_offer_breadcrumbs_and_open_graph(client, settings):
    settings.SITE_URL = "https://pasar.example.id"
    parent = CategoryFactory(name="Makanan", slug="makanan")
    category = CategoryFactory(name="Sambal", slug="sambal", parent=parent)
    product = ProductFactory(title="Sambal Matah </script>", category=category, variant__price=25_000)

    page = client.get(f"/produk/{product.slug}/").content.decode()

    data = {item["@type"]: item for item in jsonld(page)}
    assert data["Product"]["name"] == "Sambal Matah </script>"
    offer = data["Product"]["offers"]
    assert (offer["priceCurrency"], int(offer["price"]), offer["availability"]) == (
        "IDR",
        25_000,
        "https://schema.org/InStock",
    )
    names = [item["name"] for item in data["BreadcrumbList"]["itemListElement"]]
    assert names[-3:] == ["Makanan", "Sambal", "Sambal Matah </script>"]
    assert meta(page, "og:type") == "product"
    assert meta(page, "og:url") == f"https://pasar.example.id/produk/{product.slug}/"
    assert f'<link rel="canonical" href="https://pasar.example.id/produk/{product.slug}/">' in page
    assert page.count('<link rel="canonical"') == 1


def test_shop_page_is_a_local_business_and_category_page_has_breadcrumbs(client, settings):
    settings.SITE_URL = "https://pasar.example.id"
    shop = ApprovedShopFactory(name="Warung Bu Made")
    category = CategoryFactory(name="Kerajinan", slug="kerajinan")
    ProductFactory(shop=shop, category=category)

    shop_page = client.get(f"/toko/{shop.slug}/").content.decode()
    category_page = client.get("/kategori/kerajinan/").content.decode()

    business = next(item for item in jsonld(shop_page) if item["@type"] == "LocalBusiness")
    assert business["name"] == "Warung Bu Made"
    assert business["address"]["addressCountry"] == "ID"
    assert meta(shop_page, "og:title") == "Warung Bu Made"
    crumbs = next(item for item in jsonld(category_page) if item["@type"] == "BreadcrumbList")
    assert crumbs["itemListElement"][-1]["name"] == "Kerajinan"
    assert category_page.count('<link rel="canonical"') == 1
