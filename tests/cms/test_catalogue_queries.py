"""Query budgets of the catalogue pages (issue 4: category ≤ 10, product ≤ 12, shop ≤ 10), constant in the
number of products, photos, variants and filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)

pytestmark = pytest.mark.django_db

CATEGORY_BUDGET = 10
PRODUCT_BUDGET = 12
SHOP_BUDGET = 10
FILTERS = {
    "min_price": "1000",
    "max_price": "90000",
    "district": "51.03.06",
    "halal": "on",
    "pirt": "on",
    "nib": "on",
    "in_stock": "on",
    "sort": "price_asc",
}


def verified_shop(**kwargs):
    now = timezone.now()
    return ApprovedShopFactory(
        nib="1234567890123",
        nib_verified_at=now,
        halal_certificate_number="ID123",
        halal_expires_on=timezone.localdate() + datetime.timedelta(days=90),
        halal_verified_at=now,
        pirt_number="123",
        pirt_verified_at=now,
        **kwargs,
    )


def make_products(count: int, *, category, shops) -> list:
    products = []
    for number in range(count):
        product = ProductFactory(shop=shops[number % len(shops)], category=category)
        ProductVariantFactory(product=product, price=25_000, stock=2)
        ProductImageFactory(product=product, is_main=True)
        ProductImageFactory(product=product)
        products.append(product)
    return products


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params", [{}, FILTERS, {"sort": "price_desc", "page": "2"}], ids=["plain", "filtered", "page2"]
)
def test_category_page_costs_the_same_few_queries_for_3_or_30_products(client, params):
    DistrictFactory(code="51.03.05", name="Kuta Selatan")
    parent = CategoryFactory(slug="makanan")
    small = CategoryFactory(slug="camilan", parent=parent)
    large = CategoryFactory(slug="kopi", parent=parent)
    CategoryFactory(slug="keripik", parent=small)
    shops = [verified_shop() for _ in range(3)]
    make_products(3, category=small, shops=shops)
    make_products(30, category=large, shops=shops)
    shops[0].district = DistrictFactory(code="51.03.05")
    shops[0].save()

    few = count_queries(client, "/kategori/camilan/", params)
    many = count_queries(client, "/kategori/kopi/", params)

    assert few == many
    assert many <= CATEGORY_BUDGET


def test_product_page_costs_the_same_few_queries_whatever_its_photos_variants_and_related_products(client):
    parent = CategoryFactory(slug="makanan")
    category = CategoryFactory(slug="camilan", parent=parent)
    shop = verified_shop()
    coffee = CategoryFactory(slug="kopi", parent=parent)
    lonely = ProductFactory(shop=shop, category=coffee)
    ProductImageFactory(product=lonely, is_main=True)
    make_products(1, category=coffee, shops=[shop])  # one related product, against eight shown for `busy`
    busy = ProductFactory(shop=shop, category=category)
    for position in range(8):
        ProductImageFactory(product=busy, is_main=position == 0, position=position)
    for _ in range(5):
        ProductVariantFactory(product=busy)
    make_products(12, category=category, shops=[shop, verified_shop()])

    few = count_queries(client, f"/produk/{lonely.slug}/")
    many = count_queries(client, f"/produk/{busy.slug}/")

    assert few == many
    assert many <= PRODUCT_BUDGET


@pytest.mark.parametrize(
    "params", [{}, FILTERS, {"sort": "price_desc", "page": "2"}], ids=["plain", "filtered", "page2"]
)
def test_shop_page_costs_the_same_few_queries_for_3_or_30_products(client, params):
    category = CategoryFactory()
    small, large = verified_shop(slug="kecil"), verified_shop(slug="besar")
    make_products(3, category=category, shops=[small])
    make_products(30, category=category, shops=[large])

    few = count_queries(client, "/toko/kecil/", params)
    many = count_queries(client, "/toko/besar/", params)

    assert few == many
    assert many <= SHOP_BUDGET


def test_gone_pages_cost_few_queries(client, django_assert_max_num_queries):
    archived = ProductFactory(status="archived")
    ApprovedShopFactory(slug="ditangguhkan", status="suspended")

    with django_assert_max_num_queries(4):
        assert client.get(f"/produk/{archived.slug}/").status_code == 410
    with django_assert_max_num_queries(4):
        assert client.get("/toko/ditangguhkan/").status_code == 410
