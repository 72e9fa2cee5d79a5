import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from shops.models import Product, ProductVariant, Shop
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
)

pytestmark = pytest.mark.django_db

WITA = datetime.timezone(datetime.timedelta(hours=8))
NOT_FOUND = {"detail": "Data tidak ditemukan."}


def absolute(file) -> str:
    return f"http://testserver{file.url}"


def verified_shop(**kwargs) -> Shop:
    """An approved shop with a verified NIB and halal certificate, and an unverified PIRT number."""
    now = timezone.now()
    return ApprovedShopFactory(
        nib="1234567890123",
        nib_verified_at=now,
        halal_certificate_number="ID51110000123",
        halal_expires_on=timezone.localdate() + datetime.timedelta(days=365),
        halal_verified_at=now,
        pirt_number="2065103010123",
        **kwargs,
    )


def list_slugs(client, url, **params) -> list[str]:
    response = client.get(url, params)
    assert response.status_code == 200
    return [row["slug"] for row in response.json()["results"]]


# --- Categories ---------------------------------------------------------------------------------------------


def test_categories_answer_the_whole_tree_by_name_each_parent_before_its_children(client, django_assert_num_queries):
    food = CategoryFactory(name="Makanan", slug="makanan", icon="food")
    craft = CategoryFactory(name="Kerajinan", slug="kerajinan", icon="craft")
    snack = CategoryFactory(name="Camilan", slug="camilan", icon="snack", parent=food)
    chips = CategoryFactory(name="Keripik", slug="keripik", icon="snack", parent=snack)
    sambal = CategoryFactory(name="Sambal", slug="sambal", icon="chili", parent=food)

    with django_assert_num_queries(1):
        response = client.get("/api/v1/categories/")

    assert response.status_code == 200
    assert response.json() == [
        {"id": craft.pk, "name": "Kerajinan", "slug": "kerajinan", "icon": "craft", "parent": None, "depth": 1},
        {"id": food.pk, "name": "Makanan", "slug": "makanan", "icon": "food", "parent": None, "depth": 1},
        {"id": snack.pk, "name": "Camilan", "slug": "camilan", "icon": "snack", "parent": "makanan", "depth": 2},
        {"id": chips.pk, "name": "Keripik", "slug": "keripik", "icon": "snack", "parent": "camilan", "depth": 3},
        {"id": sambal.pk, "name": "Sambal", "slug": "sambal", "icon": "chili", "parent": "makanan", "depth": 2},
    ]


# --- Products -----------------------------------------------------------------------------------------------


def make_showcase_product() -> Product:
    shop = verified_shop(name="Warung Bu Made", slug="warung-bu-made")
    category = CategoryFactory(name="Camilan", slug="camilan")
    product = ProductFactory(
        shop=shop,
        category=category,
        title="Keripik Pisang Manis",
        slug="keripik-pisang-manis",
        description="Renyah.\nTanpa pengawet.",
        weight_grams=250,
        variant=None,
        created_at=datetime.datetime(2026, 5, 1, 9, 0, tzinfo=WITA),
    )
    ProductVariantFactory(product=product, name="500 g", sku="KP-500", price=28_000, stock=0)
    ProductVariantFactory(product=product, name="250 g", sku="KP-250", price=15_000, stock=7)
    ProductVariantFactory(product=product, name="1 kg", sku="KP-1000", price=50_000, stock=3, is_active=False)
    return product


def test_product_list_answers_the_public_card_of_each_product(client):
    product = make_showcase_product()
    main = ProductImageFactory(product=product, is_main=True, position=0)

    response = client.get("/api/v1/products/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "keripik-pisang-manis",
                "title": "Keripik Pisang Manis",
                "shop": {"slug": "warung-bu-made", "name": "Warung Bu Made", "closed_until": None},
                "category": {"slug": "camilan", "name": "Camilan"},
                "price_min": 15_000,
                "price_max": 28_000,
                "in_stock": True,
                "buyable": True,
                "image": absolute(main.original),
                "badges": ["halal", "nib"],
            }
        ],
    }


def test_product_card_image_is_the_card_rendition_once_made_and_null_without_a_main_photo(client):
    with_card = ProductFactory(created_at=datetime.datetime(2026, 5, 2, tzinfo=WITA))
    main = ProductImageFactory(product=with_card, is_main=True, position=0)
    main.card.save("card.webp", main.original.file, save=True)
    without_main = ProductFactory(created_at=datetime.datetime(2026, 5, 1, tzinfo=WITA))
    ProductImageFactory(product=without_main, is_main=False, position=0)

    results = client.get("/api/v1/products/").json()["results"]

    assert [(row["slug"], row["image"]) for row in results] == [
        (with_card.slug, absolute(main.card)),
        (without_main.slug, None),
    ]


def test_product_out_of_stock_in_every_active_variant_is_listed_as_not_in_stock(client):
    product = ProductFactory(variant=None)
    ProductVariantFactory(product=product, stock=0)
    ProductVariantFactory(product=product, stock=5, is_active=False)

    [row] = client.get("/api/v1/products/").json()["results"]

    assert row["in_stock"] is False


def test_product_detail_answers_description_weight_active_variants_and_photos_in_order(
    client, django_assert_num_queries
):
    product = make_showcase_product()
    second = ProductImageFactory(product=product, is_main=False, position=1)
    main = ProductImageFactory(product=product, is_main=True, position=0)
    for name in ("thumbnail", "card", "detail"):
        getattr(main, name).save(f"{name}.webp", main.original.file, save=False)
    main.save()
    variants = {variant.sku: variant.pk for variant in ProductVariant.objects.filter(product=product)}

    with django_assert_num_queries(4):
        response = client.get("/api/v1/products/keripik-pisang-manis/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "keripik-pisang-manis",
        "title": "Keripik Pisang Manis",
        "shop": {"slug": "warung-bu-made", "name": "Warung Bu Made", "closed_until": None},
        "category": {"slug": "camilan", "name": "Camilan"},
        "price_min": 15_000,
        "price_max": 28_000,
        "in_stock": True,
        "buyable": True,
        "image": absolute(main.card),
        "badges": ["halal", "nib"],
        "description": "Renyah.\nTanpa pengawet.",
        "weight_grams": 250,
        "variants": [
            {
                "id": variants["KP-250"],
                "name": "250 g",
                "sku": "KP-250",
                "price": 15_000,
                "stock": 7,
                "is_active": True,
            },
            {
                "id": variants["KP-500"],
                "name": "500 g",
                "sku": "KP-500",
                "price": 28_000,
                "stock": 0,
                "is_active": True,
            },
        ],
        "images": [
            {
                "id": main.pk,
                "is_main": True,
                "width": 64,
                "height": 48,
                "alt_text": "",
                "original": absolute(main.original),
                "thumbnail": absolute(main.thumbnail),
                "card": absolute(main.card),
                "detail": absolute(main.detail),
            },
            {
                "id": second.pk,
                "is_main": False,
                "width": 64,
                "height": 48,
                "alt_text": "",
                "original": absolute(second.original),
                "thumbnail": None,
                "card": None,
                "detail": None,
            },
        ],
    }


NON_PUBLIC_PRODUCTS = {
    "draft": {"status": Product.Status.DRAFT, "moderation": Product.Moderation.NONE},
    "archived": {"status": Product.Status.ARCHIVED},
    "waiting for moderation": {"moderation": Product.Moderation.PENDING},
    "rejected by moderation": {"moderation": Product.Moderation.REJECTED},
    "shop draft": {"shop__status": Shop.Status.DRAFT},
    "shop submitted": {"shop__status": Shop.Status.SUBMITTED},
    "shop rejected": {"shop__status": Shop.Status.REJECTED},
    "shop suspended": {"shop__status": Shop.Status.SUSPENDED},
    "no active variant": {"variant__is_active": False},
}


@pytest.mark.parametrize("state", NON_PUBLIC_PRODUCTS.values(), ids=NON_PUBLIC_PRODUCTS.keys())
def test_non_public_product_is_absent_from_the_list_and_its_page_answers_404(client, state):
    public = ProductFactory()
    hidden = ProductFactory(**state)

    assert list_slugs(client, "/api/v1/products/") == [public.slug]
    response = client.get(f"/api/v1/products/{hidden.slug}/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_unknown_product_answers_404(client):
    response = client.get("/api/v1/products/tidak-ada/")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_product_list_is_newest_first(client):
    older = ProductFactory(created_at=datetime.datetime(2026, 5, 1, tzinfo=WITA))
    newer = ProductFactory(created_at=datetime.datetime(2026, 5, 2, tzinfo=WITA))

    assert list_slugs(client, "/api/v1/products/") == [newer.slug, older.slug]


def test_category_filter_includes_the_categories_below_it(client):
    food = CategoryFactory(slug="makanan")
    snack = CategoryFactory(slug="camilan", parent=food)
    chips = CategoryFactory(slug="keripik", parent=snack)
    craft = CategoryFactory(slug="kerajinan")
    in_food = ProductFactory(category=food, created_at=datetime.datetime(2026, 5, 3, tzinfo=WITA))
    in_snack = ProductFactory(category=snack, created_at=datetime.datetime(2026, 5, 2, tzinfo=WITA))
    in_chips = ProductFactory(category=chips, created_at=datetime.datetime(2026, 5, 1, tzinfo=WITA))
    ProductFactory(category=craft)

    assert list_slugs(client, "/api/v1/products/", category="makanan") == [in_food.slug, in_snack.slug, in_chips.slug]
    assert list_slugs(client, "/api/v1/products/", category="camilan") == [in_snack.slug, in_chips.slug]
    assert list_slugs(client, "/api/v1/products/", category="keripik") == [in_chips.slug]


def test_shop_filter_answers_only_that_shops_products(client):
    shop = ApprovedShopFactory(slug="toko-kopi")
    mine = ProductFactory(shop=shop)
    ProductFactory()

    assert list_slugs(client, "/api/v1/products/", shop="toko-kopi") == [mine.slug]


def test_category_and_shop_filters_combine(client):
    shop = ApprovedShopFactory(slug="toko-kopi")
    coffee = CategoryFactory(slug="kopi")
    wanted = ProductFactory(shop=shop, category=coffee)
    ProductFactory(shop=shop)
    ProductFactory(category=coffee)

    assert list_slugs(client, "/api/v1/products/", category="kopi", shop="toko-kopi") == [wanted.slug]


@pytest.mark.parametrize("params", [{"category": "tidak-ada"}, {"shop": "tidak-ada"}])
def test_unknown_category_or_shop_filter_answers_an_empty_list(client, params):
    ProductFactory()

    response = client.get("/api/v1/products/", params)

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_shop_filter_on_a_suspended_shop_answers_an_empty_list(client):
    ProductFactory(shop__slug="toko-tutup", shop__status=Shop.Status.SUSPENDED)

    assert list_slugs(client, "/api/v1/products/", shop="toko-tutup") == []


def test_product_list_is_paginated(client):
    products = [ProductFactory(created_at=datetime.datetime(2026, 5, day, tzinfo=WITA)) for day in range(1, 6)]

    response = client.get("/api/v1/products/", {"page": 2, "page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (
        5,
        "http://testserver/api/v1/products/?page=3&page_size=2",
        "http://testserver/api/v1/products/?page_size=2",
    )
    assert [row["slug"] for row in body["results"]] == [products[2].slug, products[1].slug]


@pytest.mark.parametrize("count", [3, 12])
def test_product_list_costs_four_queries_whatever_its_length(client, django_assert_num_queries, count):
    category = CategoryFactory(slug="makanan")
    for _ in range(count):
        product = ProductFactory(shop=verified_shop(), category=CategoryFactory(parent=category))
        ProductVariantFactory(product=product, price=20_000)
        ProductImageFactory(product=product, is_main=True)

    with django_assert_num_queries(4):
        response = client.get("/api/v1/products/")
    # The category filter adds the one query that finds the category's place in the tree.
    with django_assert_num_queries(5):
        filtered = client.get("/api/v1/products/", {"category": "makanan"})

    assert len(response.json()["results"]) == count
    assert len(filtered.json()["results"]) == count


# --- Shops --------------------------------------------------------------------------------------------------


def test_shop_detail_answers_the_public_profile(client, django_assert_num_queries):
    shop = verified_shop(
        name="Warung Bu Made",
        slug="warung-bu-made",
        story="Sambal matah sejak 1998.",
        closed_until=timezone.localdate() + datetime.timedelta(days=10),
        created_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC),
    )
    shop.logo.save("logo.png", ContentFile(b"logo"), save=True)

    with django_assert_num_queries(1):
        response = client.get("/api/v1/shops/warung-bu-made/")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "warung-bu-made",
        "name": "Warung Bu Made",
        "story": "Sambal matah sejak 1998.",
        "district": "Kuta Utara",
        "regency": "Kabupaten Badung",
        "logo": absolute(shop.logo),
        "badges": ["halal", "nib"],
        # 23:30 UTC is the next morning in Bali (WITA).
        "member_since": "2025-04-01",
        "closed_until": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "is_open": False,
    }


def test_shop_without_logo_district_or_verified_legal_data_answers_nulls_and_no_badges(client):
    ApprovedShopFactory(slug="toko-baru", village=None, district=None, nib="1234567890123", closed_until=None)

    body = client.get("/api/v1/shops/toko-baru/").json()

    assert (body["logo"], body["district"], body["regency"], body["badges"], body["closed_until"], body["is_open"]) == (
        None,
        None,
        "Kabupaten Badung",
        [],
        None,
        True,
    )


def test_shop_list_answers_approved_shops_by_name_paginated(client):
    for name in ("Toko Cendana", "Toko Anggrek", "Toko Bambu"):
        ApprovedShopFactory(name=name)

    response = client.get("/api/v1/shops/", {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (
        3,
        "http://testserver/api/v1/shops/?page=2&page_size=2",
        None,
    )
    assert [row["name"] for row in body["results"]] == ["Toko Anggrek", "Toko Bambu"]


@pytest.mark.parametrize(
    "status", [Shop.Status.DRAFT, Shop.Status.SUBMITTED, Shop.Status.REJECTED, Shop.Status.SUSPENDED]
)
def test_non_approved_shop_is_absent_from_the_list_and_its_page_answers_404(client, status):
    public = ApprovedShopFactory()
    hidden = ShopFactory(status=status)

    assert list_slugs(client, "/api/v1/shops/") == [public.slug]
    response = client.get(f"/api/v1/shops/{hidden.slug}/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_unknown_shop_answers_404(client):
    response = client.get("/api/v1/shops/tidak-ada/")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("count", [3, 10])
def test_shop_list_costs_two_queries_whatever_its_length(client, django_assert_num_queries, count):
    for _ in range(count):
        shop = verified_shop()
        shop.logo.save("logo.png", ContentFile(b"logo"), save=True)

    with django_assert_num_queries(2):
        response = client.get("/api/v1/shops/")

    assert len(response.json()["results"]) == count


def test_catalogue_ignores_a_session_cookie_and_token(client, django_assert_num_queries):
    ProductFactory()

    with django_assert_num_queries(4):
        response = client.get("/api/v1/products/", HTTP_X_SESSION_TOKEN="not-a-token", HTTP_COOKIE="sessionid=abc")

    assert response.status_code == 200


# --- Vacation mode ------------------------------------------------------------------------------------------

# 2026-03-10 17:00 UTC is already 2026-03-11 01:00 in Bali (WITA, the site's time zone).
BALI_MORNING_AS_UTC_EVENING = datetime.datetime(2026, 3, 10, 17, 0, tzinfo=datetime.UTC)


def vacation_fields(client, product: Product) -> dict:
    [row] = client.get("/api/v1/products/").json()["results"]
    detail = client.get(f"/api/v1/products/{product.slug}/").json()
    shop = client.get(f"/api/v1/shops/{product.shop.slug}/").json()
    [listed_shop] = client.get("/api/v1/shops/").json()["results"]
    assert listed_shop == shop
    assert (row["shop"], row["buyable"]) == (detail["shop"], detail["buyable"])
    return {
        "buyable": row["buyable"],
        "in_stock": row["in_stock"],
        "product_shop_closed_until": row["shop"]["closed_until"],
        "closed_until": shop["closed_until"],
        "is_open": shop["is_open"],
    }


def test_shop_on_vacation_is_closed_and_its_products_listed_but_not_buyable(client):
    with time_machine.travel(BALI_MORNING_AS_UTC_EVENING, tick=False):
        product = ProductFactory(shop__closed_until=datetime.date(2026, 3, 11))

        assert vacation_fields(client, product) == {
            "buyable": False,
            "in_stock": True,
            "product_shop_closed_until": "2026-03-11",
            "closed_until": "2026-03-11",
            "is_open": False,
        }


def test_shop_opens_the_day_after_closed_until_in_the_site_time_zone(client):
    # In UTC it is still 2026-03-10, the last closed day; in Bali it is already the 11th: open.
    with time_machine.travel(BALI_MORNING_AS_UTC_EVENING, tick=False):
        product = ProductFactory(shop__closed_until=datetime.date(2026, 3, 10))

        assert vacation_fields(client, product) == {
            "buyable": True,
            "in_stock": True,
            "product_shop_closed_until": "2026-03-10",
            "closed_until": "2026-03-10",
            "is_open": True,
        }


def test_open_shops_product_out_of_stock_is_not_buyable(client):
    product = ProductFactory(variant__stock=0)

    assert vacation_fields(client, product) == {
        "buyable": False,
        "in_stock": False,
        "product_shop_closed_until": None,
        "closed_until": None,
        "is_open": True,
    }


def test_vacation_fields_cost_no_extra_query(client, django_assert_num_queries):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for closed_until in (None, tomorrow, None, tomorrow):
        ProductFactory(shop=verified_shop(closed_until=closed_until))

    with django_assert_num_queries(4):
        products = client.get("/api/v1/products/").json()["results"]
    with django_assert_num_queries(2):
        shops = client.get("/api/v1/shops/").json()["results"]

    assert sorted(row["buyable"] for row in products) == [False, False, True, True]
    assert sorted(row["is_open"] for row in shops) == [False, False, True, True]
