"""`/toko/<slug>/`: the shop's profile and its public products with the category page's filters; vacation
notice; 410 for a suspended shop, 404 for one never public."""

import datetime
import html
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from shops.models import Product, Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductFactory,
    ProductVariantFactory,
    ShopFactory,
    SubmittedShopFactory,
)

pytestmark = pytest.mark.django_db


def t(msgid: str) -> str:
    with translation.override("id"):
        return gettext(msgid)


def card_titles(response) -> list[str]:
    assert response.status_code == 200
    return [
        html.unescape(title) for title in re.findall(r'class="product-card__title">([^<]*)<', response.content.decode())
    ]


def make_product(*, shop, title, price=15_000, stock=10, days_ago=0, **kwargs) -> Product:
    return ProductFactory(
        shop=shop,
        title=title,
        variant__price=price,
        variant__stock=stock,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def test_profile_shows_logo_banner_story_place_badges_and_member_since(client):
    shop = ApprovedShopFactory(
        name="Warung Bu Made",
        slug="warung-bu-made",
        story="Keripik pisang sejak 1998.\n\nDibuat di rumah.",
        nib="1234567890123",
        nib_verified_at=timezone.now(),
        created_at=datetime.datetime(2025, 3, 14, 10, 0, tzinfo=datetime.UTC),
    )
    shop.logo.save("logo.png", ContentFile(b"logo"), save=False)
    shop.banner.save("banner.jpg", ContentFile(b"banner"), save=False)
    shop.save()

    response = client.get("/toko/warung-bu-made/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Warung Bu Made</h1>" in page
    assert f'<img class="cat-shop__logo" src="{shop.logo.url}" alt="" width="96" height="96">' in page
    assert f'<img class="cat-shop__banner" src="{shop.banner.url}" alt="" width="1200" height="400">' in page
    assert "<p>Keripik pisang sejak 1998.</p>" in page
    assert "<p>Dibuat di rumah.</p>" in page
    assert '<p class="cat-shop__place">Kuta Utara, Kabupaten Badung</p>' in page
    assert re.findall(r'class="cat-badge cat-badge--(\w+)"', page) == ["nib"]
    with translation.override("id"):
        since = gettext("Member since %(date)s") % {"date": "Maret 2025"}
    assert f'<p class="cat-shop__since">{since}</p>' in page


def test_shop_lists_only_its_own_public_products(client):
    shop = ApprovedShopFactory(slug="warung-bu-made")
    make_product(shop=shop, title="Keripik", days_ago=1)
    make_product(shop=shop, title="Sambal")
    make_product(shop=shop, title="Draf", status=Product.Status.DRAFT)
    make_product(shop=shop, title="Menunggu", moderation=Product.Moderation.PENDING)
    make_product(shop=shop, title="Diarsipkan", status=Product.Status.ARCHIVED)
    make_product(shop=ApprovedShopFactory(), title="Toko Lain")

    assert card_titles(client.get("/toko/warung-bu-made/")) == ["Sambal", "Keripik"]


def test_shop_products_share_the_filters_sort_and_pages_without_the_district_filter(client):
    shop = ApprovedShopFactory(
        slug="warung-bu-made",
        halal_certificate_number="A",
        halal_expires_on=timezone.localdate() + datetime.timedelta(days=90),
        halal_verified_at=timezone.now(),
    )
    category = CategoryFactory()
    for number in range(26):
        make_product(shop=shop, category=category, title=f"Produk {number:02}", price=1_000 * (number + 1))
    make_product(shop=shop, category=category, title="Habis", price=500, stock=0, days_ago=1)

    url = "/toko/warung-bu-made/"
    cheapest_first = client.get(url, {"sort": "price_asc"})
    assert card_titles(cheapest_first)[:3] == ["Habis", "Produk 00", "Produk 01"]
    assert len(card_titles(cheapest_first)) == 24
    assert card_titles(client.get(url, {"sort": "price_asc", "page": "2"})) == ["Produk 23", "Produk 24", "Produk 25"]
    assert card_titles(client.get(url, {"max_price": "2000", "in_stock": "on", "halal": "on"})) == [
        "Produk 01",
        "Produk 00",
    ]
    assert card_titles(client.get(url, {"sort": "price_desc", "min_price": "25.000"})) == ["Produk 25", "Produk 24"]
    page = cheapest_first.content.decode()
    assert 'name="district"' not in page
    assert 'name="min_price"' in page
    assert 'href="?sort=price_asc&amp;page=2" rel="next"' in page


def test_district_parameter_is_ignored_on_a_shop_page(client):
    shop = ApprovedShopFactory(slug="warung-bu-made")
    make_product(shop=shop, title="Keripik")
    DistrictFactory(code="51.03.05", name="Kuta Selatan")

    assert card_titles(client.get("/toko/warung-bu-made/", {"district": "51.03.05"})) == ["Keripik"]


def test_bad_filter_values_on_a_shop_page_show_errors_not_a_500(client):
    shop = ApprovedShopFactory(slug="warung-bu-made")
    make_product(shop=shop, title="Keripik")

    response = client.get("/toko/warung-bu-made/", {"min_price": "murah", "sort": "acak", "page": "x"})

    assert card_titles(response) == ["Keripik"]
    page = response.content.decode()
    assert '<p class="error" id="id_min_price_error">' in page
    assert '<p class="error" id="id_sort_error">' in page


def test_shop_on_vacation_shows_the_reopening_day_and_its_cards_say_so(client):
    closed_until = timezone.localdate() + datetime.timedelta(days=6)
    shop = ApprovedShopFactory(slug="warung-bu-made", closed_until=closed_until)
    make_product(shop=shop, title="Keripik")

    page = client.get("/toko/warung-bu-made/").content.decode()

    with translation.override("id"):
        notice = gettext(
            "Shop on holiday until %(date)s. You can look around; orders are possible again after that day."
        ) % {"date": date_format(closed_until, "j F Y")}
    assert html.escape(notice) in page
    assert html.escape(t("Shop on holiday")) in page


def test_empty_shop_says_it_has_no_products_yet(client):
    ApprovedShopFactory(slug="warung-bu-made")

    response = client.get("/toko/warung-bu-made/")

    assert card_titles(response) == []
    assert html.escape(t("This shop has no products for sale yet.")) in response.content.decode()


def test_title_meta_description_from_the_story_and_canonical(client, settings):
    settings.SITE_URL = "https://pasarumkm.id"
    ApprovedShopFactory(name="Warung Bu Made", slug="warung-bu-made", story="Keripik   pisang\nbuatan rumah.")

    page = client.get("/toko/warung-bu-made/", {"sort": "price_asc"}).content.decode()

    assert "<title>Warung Bu Made · Pasar UMKM</title>" in page
    assert '<meta name="description" content="Keripik pisang buatan rumah.">' in page
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', page) == ["https://pasarumkm.id/toko/warung-bu-made/"]


def test_suspended_shop_answers_410_not_available_without_its_products(client):
    shop = ApprovedShopFactory(slug="warung-bu-made", status=Shop.Status.SUSPENDED, status_reason="Alasan rahasia")
    make_product(shop=shop, title="Keripik")

    response = client.get("/toko/warung-bu-made/")

    assert response.status_code == 410
    page = response.content.decode()
    assert f"<h1>{t('This shop is not available')}</h1>" in page
    assert "Keripik" not in page
    assert "Alasan rahasia" not in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize(
    "make",
    [ShopFactory, SubmittedShopFactory, lambda **kwargs: ApprovedShopFactory(status=Shop.Status.REJECTED, **kwargs)],
    ids=["draft", "submitted", "rejected"],
)
def test_shop_never_public_is_404(client, make):
    make(slug="warung-bu-made")

    assert client.get("/toko/warung-bu-made/").status_code == 404
    assert client.get("/toko/tidak-ada/").status_code == 404


def test_variant_prices_on_the_shop_page_cover_active_variants(client):
    shop = ApprovedShopFactory(slug="warung-bu-made")
    product = make_product(shop=shop, title="Kopi", price=30_000)
    ProductVariantFactory(product=product, price=120_000)

    page = client.get("/toko/warung-bu-made/").content.decode()

    assert "Rp 30.000 \u2013 Rp 120.000" in page
