"""The home page's query budget: at most 12 queries with every kind of block, and the same number for blocks
holding 3 products as for 12 (DESIGN §8: home ≤ 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from cms.demo import seed_home_page
from cms.models import StandardPage, StorefrontSettings
from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

HOME_QUERY_BUDGET = 12


def make_products(count: int, category) -> list[int]:
    ids = []
    for _ in range(count):
        product = ProductFactory(category=category)
        ProductImageFactory(product=product, is_main=True, position=0)
        ids.append(product.pk)
    return ids


def publish_body(home, image, product_ids: list[int], shop_ids: list[int]) -> None:
    home.body = [
        {"type": "hero", "value": {"heading": "Belanja langsung dari UMKM Badung", "image": image.pk}},
        {"type": "featured_products", "value": {"heading": "Pilihan", "products": product_ids}},
        {"type": "featured_shops", "value": {"heading": "Toko", "shops": shop_ids}},
        {"type": "category_grid", "value": {"heading": "", "categories": []}},
        {"type": "newest_products", "value": {"heading": "", "count": len(product_ids)}},
        {"type": "featured_products", "value": {"heading": "Lagi", "products": list(reversed(product_ids))}},
        {"type": "upcoming_workshops", "value": {"heading": "", "count": 3}},
        {"type": "sell_cta", "value": {"heading": "Jualan", "text": "", "button_text": "Mulai"}},
    ]
    home.save_revision().publish()


def build_home(product_ids: list[int], shop_ids: list[int]):
    home = seed_home_page()
    image = Image.objects.create(title="Pasar", file=get_test_image_file())
    publish_body(home, image, product_ids, shop_ids)
    about = home.add_child(instance=StandardPage(title="Tentang", slug="tentang"))
    StorefrontSettings.objects.create(
        site=Site.objects.get(is_default_site=True),
        contact_email="halo@pasarumkm.test",
        whatsapp="081234567890",
        navigation=[
            {"type": "link", "value": {"label": "Tentang kami", "page": about.pk, "url": ""}},
            {"type": "link", "value": {"label": "Kopi", "page": None, "url": "/kategori/kopi/"}},
        ],
    )
    return home, image


def count_home_queries(client) -> tuple[int, str]:
    client.get("/")  # renditions of the hero image are made once, on the first view
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("count", [3, 12])
def test_home_with_every_block_stays_within_budget(client, count):
    category = CategoryFactory()
    product_ids = make_products(count, category)
    shop_ids = [ApprovedShopFactory().pk for _ in range(count)]
    build_home(product_ids, shop_ids)

    queries, html = count_home_queries(client)

    assert queries <= HOME_QUERY_BUDGET
    assert html.count('class="product-card"') == 3 * count  # two featured blocks and the newest products
    assert html.count('class="shop-card"') == count
    assert "Tentang kami" in html


def test_home_queries_do_not_grow_with_the_number_of_items(client):
    category = CategoryFactory()
    product_ids = make_products(3, category)
    shop_ids = [ApprovedShopFactory().pk for _ in range(3)]
    home, image = build_home(product_ids, shop_ids)
    few, _html = count_home_queries(client)

    product_ids += make_products(9, category)
    shop_ids += [ApprovedShopFactory().pk for _ in range(9)]
    publish_body(home, image, product_ids, shop_ids)
    many, html = count_home_queries(client)

    assert html.count('class="product-card"') == 3 * 12
    assert many == few
    assert many <= HOME_QUERY_BUDGET
