"""`/kategori/<slug>/`: the public products of a category and its descendants, filters, sort, pages."""

import datetime
import html
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from shops import selectors
from shops.models import Product, Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    DistrictFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
)

pytestmark = pytest.mark.django_db


def t(msgid: str) -> str:
    """The Indonesian text of a msgid as the catalogue has it (English until the lead merges new msgids)."""
    with translation.override("id"):
        return gettext(msgid)


def make_product(*, category, title, shop=None, price=15_000, stock=10, days_ago=0, **kwargs) -> Product:
    return ProductFactory(
        shop=shop or ApprovedShopFactory(),
        category=category,
        title=title,
        variant__price=price,
        variant__stock=stock,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def card_titles(response) -> list[str]:
    assert response.status_code == 200
    return [
        html.unescape(title) for title in re.findall(r'class="product-card__title">([^<]*)<', response.content.decode())
    ]


def field_errors(response, name: str) -> list[str]:
    page = response.content.decode()
    return [html.unescape(error) for error in re.findall(rf'<p class="error" id="id_{name}_error">([^<]*)</p>', page)]


def kuta_selatan():
    return DistrictFactory(code="51.03.05", name="Kuta Selatan")


# --- What is listed ---------------------------------------------------------------------------------------


def test_category_lists_public_products_of_the_category_and_every_category_below_it(client):
    food = CategoryFactory(name="Makanan", slug="makanan")
    snack = CategoryFactory(name="Camilan", slug="camilan", parent=food)
    chips = CategoryFactory(name="Keripik", slug="keripik", parent=snack)
    craft = CategoryFactory(name="Kerajinan", slug="kerajinan")
    make_product(category=food, title="Nasi Jinggo", days_ago=3)
    make_product(category=snack, title="Pia Legong", days_ago=2)
    make_product(category=chips, title="Keripik Singkong", days_ago=1)
    make_product(category=craft, title="Keranjang Bambu")
    make_product(category=snack, title="Draf", status=Product.Status.DRAFT)
    make_product(category=snack, title="Menunggu", moderation=Product.Moderation.PENDING)
    make_product(category=snack, title="Ditolak", moderation=Product.Moderation.REJECTED)
    make_product(category=snack, title="Diarsipkan", status=Product.Status.ARCHIVED)
    make_product(category=snack, title="Toko Ditangguhkan", shop=ApprovedShopFactory(status=Shop.Status.SUSPENDED))
    make_product(category=snack, title="Toko Draf", shop=ShopFactory())
    without_active_variant = make_product(category=snack, title="Tanpa Varian Aktif")
    without_active_variant.variants.update(is_active=False)

    assert card_titles(client.get("/kategori/makanan/")) == ["Keripik Singkong", "Pia Legong", "Nasi Jinggo"]
    assert card_titles(client.get("/kategori/camilan/")) == ["Keripik Singkong", "Pia Legong"]
    assert card_titles(client.get("/kategori/kerajinan/")) == ["Keranjang Bambu"]


def test_unknown_category_is_404(client):
    CategoryFactory(slug="makanan")

    assert client.get("/kategori/tidak-ada/").status_code == 404


def test_empty_category_says_so(client):
    CategoryFactory(slug="makanan")

    response = client.get("/kategori/makanan/")

    assert response.status_code == 200
    assert card_titles(response) == []
    assert html.escape(t("No products in this category yet. Come back soon!")) in response.content.decode()


def test_breadcrumbs_lead_from_home_through_the_ancestors_and_subcategories_are_linked(client):
    food = CategoryFactory(name="Makanan", slug="makanan")
    snack = CategoryFactory(name="Camilan", slug="camilan", parent=food)
    CategoryFactory(name="Keripik", slug="keripik", parent=snack)
    CategoryFactory(name="Kacang", slug="kacang", parent=snack)

    page = client.get("/kategori/camilan/").content.decode()

    crumbs = page[page.index('class="cat-breadcrumbs"') : page.index("</nav>", page.index('class="cat-breadcrumbs"'))]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [("/", "Beranda"), ("/kategori/makanan/", "Makanan")]
    assert '<span aria-current="page">Camilan</span>' in crumbs
    subcategories = page[page.index('class="cat-subcategories"') :]
    assert re.findall(r'<a href="(/kategori/[^"]+)">', subcategories)[:2] == ["/kategori/kacang/", "/kategori/keripik/"]


def test_category_page_is_english_under_en(client):
    food = CategoryFactory(name="Makanan", slug="makanan")
    make_product(category=food, title="Nasi Jinggo")

    response = client.get("/en/kategori/makanan/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert 'href="/en/produk/' in page
    assert ">Home</a>" in page


# --- Cards ------------------------------------------------------------------------------------------------


def test_card_shows_photo_renditions_price_range_shop_district_and_badges(client):
    food = CategoryFactory(slug="makanan")
    shop = ApprovedShopFactory(
        name="Warung Bu Made",
        nib="1234567890123",
        nib_verified_at=timezone.now(),
        halal_certificate_number="ID123",
        halal_expires_on=timezone.localdate() + datetime.timedelta(days=30),
        halal_verified_at=timezone.now(),
        pirt_number="2065103010123",  # not verified: no badge
    )
    product = make_product(category=food, shop=shop, title="Sambal Matah <Pedas>", price=20_000)
    ProductVariantFactory(product=product, name="500 g", price=35_000)
    ProductVariantFactory(product=product, name="1 kg", price=99_000, is_active=False)
    image = ProductImageFactory(product=product, is_main=True, width=1600, height=1200)
    image.card.name = "products/renditions/sambal-card.webp"
    image.detail.name = "products/renditions/sambal-detail.webp"
    image.thumbnail.name = "products/renditions/sambal-thumb.webp"
    image.save()

    page = client.get("/kategori/makanan/").content.decode()

    card = page.split('<li class="product-card">')[1].split('class="cat-pages"')[0]
    img = re.search(r"<img [^>]*>", card).group(0)
    assert 'src="/media/products/renditions/sambal-card.webp"' in img
    assert (
        'srcset="/media/products/renditions/sambal-card.webp 480w, /media/products/renditions/sambal-detail.webp 1200w"'
        in img
    )
    assert 'sizes="' in img
    assert 'width="480" height="360"' in img
    assert 'alt="Sambal Matah &lt;Pedas&gt;"' in img
    assert 'loading="lazy"' not in img  # the first cards are above the fold
    assert "Rp 20.000 \u2013 Rp 35.000" in card
    assert "Rp 99.000" not in card
    assert "Warung Bu Made" in card
    assert "Kuta Utara" in card
    assert re.findall(r'class="cat-badge cat-badge--(\w+)"', card) == ["halal", "nib"]


def test_photos_below_the_fold_load_lazily_and_a_photo_without_renditions_uses_the_original(client):
    food = CategoryFactory(slug="makanan")
    for number in range(6):
        product = make_product(category=food, title=f"Produk {number}", days_ago=number)
        ProductImageFactory(product=product, is_main=True, width=64, height=48)

    page = client.get("/kategori/makanan/").content.decode()

    images = re.findall(r'<span class="product-card__photo"><img [^>]*>', page)
    assert len(images) == 6
    assert ['loading="lazy"' in img for img in images] == [False, False, False, False, True, True]
    assert all("/media/products/originals/" in img and "srcset" not in img for img in images)
    assert all('width="64" height="48"' in img for img in images)


def test_card_of_a_shop_on_vacation_says_the_shop_is_on_holiday(client):
    food = CategoryFactory(slug="makanan")
    closed = ApprovedShopFactory(closed_until=timezone.localdate() + datetime.timedelta(days=3))
    make_product(category=food, shop=closed, title="Libur")
    reopened = ApprovedShopFactory(closed_until=timezone.localdate() - datetime.timedelta(days=1))
    make_product(category=food, shop=reopened, title="Buka Lagi")

    page = client.get("/kategori/makanan/").content.decode()

    assert page.count(html.escape(t("Shop on holiday"))) == 1
    assert page.index(html.escape(t("Shop on holiday"))) > page.index(">Libur<")


# --- Filters and sort -------------------------------------------------------------------------------------


def test_price_range_keeps_products_with_a_variant_priced_within_it(client):
    food = CategoryFactory(slug="makanan")
    make_product(category=food, title="Murah", price=5_000, days_ago=3)
    make_product(category=food, title="Sedang", price=20_000, days_ago=2)
    two_prices = make_product(category=food, title="Dua Harga", price=8_000, days_ago=1)
    ProductVariantFactory(product=two_prices, price=60_000)
    inactive = make_product(category=food, title="Varian Nonaktif", price=90_000)
    ProductVariantFactory(product=inactive, price=25_000, is_active=False)

    url = "/kategori/makanan/"
    assert card_titles(client.get(url, {"min_price": "10000", "max_price": "30000"})) == ["Sedang"]
    assert card_titles(client.get(url, {"min_price": "Rp 50.000"})) == ["Varian Nonaktif", "Dua Harga"]
    assert card_titles(client.get(url, {"max_price": "8.000"})) == ["Dua Harga", "Murah"]


def test_district_filter_keeps_shops_of_that_district_and_offers_only_districts_with_public_shops(client):
    food = CategoryFactory(slug="makanan")
    south = kuta_selatan()
    DistrictFactory(code="51.03.04", name="Mengwi")  # no shop there
    DistrictFactory(code="51.03.01", name="Petang")
    ShopFactory(village=None, district=DistrictFactory(code="51.03.01"))  # a draft shop in Petang: not offered
    make_product(category=food, title="Dari Kuta Utara")
    make_product(category=food, title="Dari Kuta Selatan", shop=ApprovedShopFactory(village=None, district=south))

    response = client.get("/kategori/makanan/", {"district": "51.03.05"})

    assert card_titles(response) == ["Dari Kuta Selatan"]
    options = re.findall(r'<option value="([^"]*)"', response.content.decode())
    assert options[options.index("") :][:3] == ["", "51.03.05", "51.03.06"]
    assert "51.03.04" not in options
    assert "51.03.01" not in options
    assert list(selectors.district_list_with_public_shops().values_list("code", flat=True)) == ["51.03.05", "51.03.06"]


def test_badge_filters_keep_shops_whose_legal_data_is_verified_and_current(client):
    food = CategoryFactory(slug="makanan")
    now, today = timezone.now(), timezone.localdate()
    make_product(
        category=food,
        title="Halal",
        shop=ApprovedShopFactory(
            halal_certificate_number="A", halal_expires_on=today + datetime.timedelta(days=1), halal_verified_at=now
        ),
        days_ago=4,
    )
    make_product(
        category=food,
        title="Halal Kedaluwarsa",
        shop=ApprovedShopFactory(halal_certificate_number="B", halal_expires_on=today, halal_verified_at=now),
        days_ago=3,
    )
    make_product(
        category=food,
        title="Halal Belum Diverifikasi",
        shop=ApprovedShopFactory(halal_certificate_number="C", halal_expires_on=today + datetime.timedelta(days=9)),
        days_ago=2,
    )
    make_product(
        category=food,
        title="PIRT dan NIB",
        shop=ApprovedShopFactory(pirt_number="123", pirt_verified_at=now, nib="1234567890123", nib_verified_at=now),
        days_ago=1,
    )
    make_product(category=food, title="NIB Belum", shop=ApprovedShopFactory(nib="1234567890123"))

    url = "/kategori/makanan/"
    assert card_titles(client.get(url, {"halal": "on"})) == ["Halal"]
    assert card_titles(client.get(url, {"pirt": "on"})) == ["PIRT dan NIB"]
    assert card_titles(client.get(url, {"nib": "on", "pirt": "on"})) == ["PIRT dan NIB"]
    assert card_titles(client.get(url, {"halal": "on", "nib": "on"})) == []
    # The query-level filter and `Product.badges` agree for every product.
    for product in Product.objects.select_related("shop"):
        for badge in selectors.PRODUCT_BADGES:
            filtered = Product.objects.filter(selectors.badge_q(badge), pk=product.pk).exists()
            assert filtered == (badge in product.badges), (product.title, badge)


def test_in_stock_keeps_products_with_an_active_variant_in_stock(client):
    food = CategoryFactory(slug="makanan")
    make_product(category=food, title="Ada", stock=1, days_ago=2)
    make_product(category=food, title="Habis", stock=0, days_ago=1)
    inactive_stock = make_product(category=food, title="Stok Hanya di Varian Nonaktif", stock=0)
    ProductVariantFactory(product=inactive_stock, stock=50, is_active=False)

    response = client.get("/kategori/makanan/", {"in_stock": "on"})

    assert card_titles(response) == ["Ada"]
    assert card_titles(client.get("/kategori/makanan/")) == ["Stok Hanya di Varian Nonaktif", "Habis", "Ada"]


def test_sorts_by_newest_price_and_units_sold(client):
    food = CategoryFactory(slug="makanan")
    make_product(category=food, title="Lama Murah", price=5_000, days_ago=3)
    cheap_variant = make_product(category=food, title="Baru Mahal Ada Varian Murah", price=90_000, days_ago=1)
    ProductVariantFactory(product=cheap_variant, price=7_000)
    make_product(category=food, title="Tengah", price=20_000, days_ago=2)
    make_product(category=food, title="Terbaru", price=50_000, days_ago=0)

    url = "/kategori/makanan/"
    newest = ["Terbaru", "Baru Mahal Ada Varian Murah", "Tengah", "Lama Murah"]
    assert card_titles(client.get(url)) == newest
    assert card_titles(client.get(url, {"sort": "newest"})) == newest
    assert card_titles(client.get(url, {"sort": "best_selling"})) == newest  # nothing sold yet: newest first
    Product.objects.filter(title="Tengah").update(sold_count=7)
    Product.objects.filter(title="Lama Murah").update(sold_count=3)
    assert card_titles(client.get(url, {"sort": "best_selling"})) == [
        "Tengah",
        "Lama Murah",
        "Terbaru",
        "Baru Mahal Ada Varian Murah",
    ]
    assert card_titles(client.get(url, {"sort": "price_asc"})) == [
        "Lama Murah",
        "Baru Mahal Ada Varian Murah",
        "Tengah",
        "Terbaru",
    ]
    assert card_titles(client.get(url, {"sort": "price_desc"})) == [
        "Terbaru",
        "Tengah",
        "Baru Mahal Ada Varian Murah",
        "Lama Murah",
    ]


def test_bad_filter_values_are_ignored_with_the_error_shown_and_the_good_ones_still_apply(client):
    food = CategoryFactory(slug="makanan")
    make_product(category=food, title="Murah", price=5_000, days_ago=2, stock=0)
    make_product(category=food, title="Mahal", price=50_000, days_ago=1)

    response = client.get(
        "/kategori/makanan/",
        {"min_price": "lima ribu", "max_price": "-3", "district": "99.99", "sort": "termurah", "in_stock": "on"},
    )

    assert response.status_code == 200
    assert card_titles(response) == ["Mahal"]  # in_stock applied, the rest ignored, newest first
    assert field_errors(response, "min_price") == [t("Enter a price in whole rupiah, such as 15000.")]
    assert len(field_errors(response, "max_price")) == 1
    assert len(field_errors(response, "district")) == 1
    assert len(field_errors(response, "sort")) == 1
    page = response.content.decode()
    assert 'name="min_price" value="lima ribu"' in page
    assert 'aria-invalid="true"' in page
    assert '<details class="cat-filters__more" open>' in page


def test_a_highest_price_below_the_lowest_is_an_error_and_only_the_lowest_applies(client):
    food = CategoryFactory(slug="makanan")
    make_product(category=food, title="Murah", price=5_000, days_ago=1)
    make_product(category=food, title="Mahal", price=50_000)

    response = client.get("/kategori/makanan/", {"min_price": "20000", "max_price": "10000"})

    assert card_titles(response) == ["Mahal"]
    with translation.override("id"):
        expected = gettext("The highest price must be at least the lowest price (%(low)s).") % {"low": "Rp 20.000"}
    assert field_errors(response, "max_price") == [expected]


# --- Pages, title, canonical ------------------------------------------------------------------------------


def test_24_products_per_page_and_the_links_keep_the_filters(client):
    food = CategoryFactory(name="Makanan", slug="makanan")
    for number in range(30):
        make_product(category=food, title=f"Produk {number:02}", days_ago=number)

    first = client.get("/kategori/makanan/", {"sort": "newest", "in_stock": "on"})
    second = client.get("/kategori/makanan/", {"sort": "newest", "in_stock": "on", "page": "2"})
    beyond = client.get("/kategori/makanan/", {"page": "99"})
    not_a_number = client.get("/kategori/makanan/", {"page": "dua"})

    assert card_titles(first) == [f"Produk {number:02}" for number in range(24)]
    assert card_titles(second) == [f"Produk {number:02}" for number in range(24, 30)]
    assert card_titles(beyond) == card_titles(second)
    assert card_titles(not_a_number) == card_titles(first)
    assert 'href="?sort=newest&amp;in_stock=on&amp;page=2" rel="next"' in first.content.decode()
    assert 'href="?sort=newest&amp;in_stock=on&amp;page=1" rel="prev"' in second.content.decode()


def test_title_meta_description_and_canonical_url_without_filters(client, settings):
    settings.SITE_URL = "https://pasarumkm.id"
    food = CategoryFactory(name="Makanan", slug="makanan")
    for number in range(25):
        make_product(category=food, title=f"Produk {number}")

    first = client.get("/kategori/makanan/", {"sort": "price_asc", "halal": "on"}).content.decode()
    second = client.get("/kategori/makanan/", {"sort": "price_asc", "page": "2"}).content.decode()

    assert "<title>Makanan · Pasar UMKM</title>" in first
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', first) == ["https://pasarumkm.id/kategori/makanan/"]
    assert re.findall(r'<link rel="canonical" href="([^"]+)">', second) == [
        "https://pasarumkm.id/kategori/makanan/?page=2"
    ]
    with translation.override("id"):
        description = gettext(
            "%(category)s from local small businesses in Bali: buy directly from the makers on Pasar UMKM."
        ) % {"category": "Makanan"}
    assert f'<meta name="description" content="{html.escape(description)}">' in first
