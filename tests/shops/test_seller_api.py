"""The seller API under /api/v1/seller/: the shop profile and its submission, products, variants and photos.

Happy paths for every endpoint, field errors for bad input with nothing changed, and one journey through the
allauth headless API with `X-Session-Token`. Who may call what is in `test_seller_api_matrix.py`; upload
attacks in `test_upload_attacks_api.py`.
"""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image
from rest_framework.test import APIClient

from shops.models import Product, ProductImage, ProductVariant, Shop, ShopMember
from shops.models.product import MAX_PRICE
from shops.photo_coach import ADVICE_MESSAGES
from shops.seller_api import NO_SHOP_MESSAGE, NO_SUCH_CATEGORY_MESSAGE, NO_VARIANTS_MESSAGE, OWNER_ONLY_MESSAGE
from shops.services.products import DUPLICATE_SKU_MESSAGE
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
    ShopMemberFactory,
    SubmittedShopFactory,
)

pytestmark = pytest.mark.django_db

SHOP_URL = "/api/v1/seller/shop/"
SUBMIT_URL = "/api/v1/seller/shop/submit/"
PRODUCTS_URL = "/api/v1/seller/products/"


# --- helpers (also used by the matrix and upload attack tests) -------------------------------------------------


def indonesian(message, **params) -> str:
    """A msgid as the API answers it by default (Indonesian), with its placeholders filled."""
    with translation.override("id"):
        text = translation.gettext(message) if isinstance(message, str) else str(message)
    return text % params if params else text


def snapshot(*shops: Shop) -> dict:
    """Every row a seller or operator endpoint could change, for the given shops; with no shop given, of all
    shops plus the number of mails sent. Compare before and after a refused request."""
    shop_filter = {"pk__in": [shop.pk for shop in shops]} if shops else {}
    scope = {"shop__in": [shop.pk for shop in shops]} if shops else {}
    image_scope = {"product__shop__in": [shop.pk for shop in shops]} if shops else {}
    return {
        "shops": list(Shop.objects.filter(**shop_filter).order_by("pk").values()),
        "members": list(ShopMember.objects.filter(**scope).order_by("pk").values()),
        "products": list(Product.objects.filter(**scope).order_by("pk").values()),
        "variants": list(ProductVariant.objects.filter(**scope).order_by("pk").values()),
        "images": list(ProductImage.objects.filter(**image_scope).order_by("pk").values()),
        "mails": None if shops else len(mail.outbox),
    }


def stored_files() -> set[str]:
    """Every file name in the default storage (in memory under the test settings)."""
    found: set[str] = set()

    def walk(path: str) -> None:
        try:
            directories, files = default_storage.listdir(path)
        except FileNotFoundError:
            return
        found.update(f"{path}/{name}" if path else name for name in files)
        for directory in directories:
            walk(f"{path}/{directory}" if path else directory)

    walk("")
    return found


def jpeg_bytes(size=(1000, 800), color=(200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def jpeg_upload(name="foto.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


# --- fixtures -------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _restore_language():
    """Requests activate the language they ask for; later tests start from the default again."""
    with translation.override("id"):
        yield


@pytest.fixture
def owner():
    return VerifiedUserFactory()


@pytest.fixture
def shop(owner):
    return ShopFactory(owner=owner)


@pytest.fixture
def api(owner, shop):
    return client_for(owner)


@pytest.fixture
def category():
    return CategoryFactory(name="Camilan", slug="camilan")


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, status=Product.Status.DRAFT, moderation=Product.Moderation.NONE)


def new_product(category_obj, **overrides) -> dict:
    return {
        "title": "Sambal Matah Bu Made",
        "category": category_obj.slug,
        "description": "Pedas segar.\nTanpa pengawet.",
        "weight_grams": 200,
        "variants": [{"name": "Botol 150 ml", "sku": "SMB-150", "price": 25_000, "stock": 12}],
        **overrides,
    }


# --- The shop profile -----------------------------------------------------------------------------------------


def test_owner_reads_the_shop_profile(api, shop):
    response = api.get(SHOP_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == shop.pk
    assert body["slug"] == shop.slug
    assert body["name"] == shop.name
    assert body["whatsapp"] == "+6281234567890"
    assert body["village"] == {"code": "51.03.06.2005", "name": "Canggu"}
    assert body["province"] == {"code": "51", "name": "Bali"}
    assert (body["status"], body["role"], body["closed_until"], body["logo"]) == ("draft", "owner", None, None)
    assert (body["nib_verified"], body["halal_verified"], body["pirt_verified"]) == (False, False, False)


def test_staff_reads_the_shop_profile_with_their_role(shop):
    staff = ShopMemberFactory(shop=shop).user

    response = client_for(staff).get(SHOP_URL)

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["role"]) == (shop.pk, "staff")


def test_user_without_a_shop_gets_404_saying_so():
    response = client_for(VerifiedUserFactory()).get(SHOP_URL)

    assert response.status_code == 404
    assert response.json() == {"detail": indonesian(NO_SHOP_MESSAGE)}


def test_anonymous_gets_401_naming_the_session_token():
    response = APIClient().get(SHOP_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-Session-Token"


def test_owner_changes_the_profile_and_the_whatsapp_number_is_normalised(api, shop):
    response = api.patch(
        SHOP_URL, {"name": "  Warung Bu Made Canggu ", "story": "Sambal sejak 1998.", "whatsapp": "0812 9999 8888"}
    )

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.name, shop.story, str(shop.whatsapp)) == (
        "Warung Bu Made Canggu",
        "Sambal sejak 1998.",
        "+6281299998888",
    )
    assert response.json()["name"] == "Warung Bu Made Canggu"
    assert response.json()["whatsapp"] == "+6281299998888"


def test_owner_sets_the_address_by_region_codes(api, shop):
    shop = Shop.objects.get(pk=shop.pk)
    Shop.objects.filter(pk=shop.pk).update(province=None, regency=None, district=None, village=None)

    response = api.patch(
        SHOP_URL,
        {"province": "51", "regency": "51.03", "district": "51.03.06", "village": "51.03.06.2005"},
        format="json",
    )

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.province_id, shop.regency_id, shop.district_id, shop.village_id) == (
        "51",
        "51.03",
        "51.03.06",
        "51.03.06.2005",
    )
    assert response.json()["district"] == {"code": "51.03.06", "name": "Kuta Utara"}


def test_owner_uploads_a_logo_stored_as_webp_and_clears_it_again(api, shop):
    response = api.patch(SHOP_URL, {"logo": jpeg_upload(size=(400, 400))}, format="multipart")

    assert response.status_code == 200
    shop.refresh_from_db()
    assert shop.logo.name.startswith("shops/logos/logo-")
    assert shop.logo.name.endswith(".webp")
    with default_storage.open(shop.logo.name) as stored:
        assert Image.open(stored).format == "WEBP"
    assert response.json()["logo"] == f"http://testserver{shop.logo.url}"

    response = api.patch(SHOP_URL, {"logo": None}, format="json")

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.logo.name, response.json()["logo"]) == ("", None)


def test_status_slug_and_verification_cannot_be_set_through_the_profile(api, shop):
    response = api.patch(
        SHOP_URL,
        {"name": "Nama Baru", "status": "approved", "slug": "toko-lain", "nib_verified": True},
        format="json",
    )

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.name, shop.status, shop.slug, shop.nib_verified_at) == ("Nama Baru", "draft", shop.slug, None)
    assert shop.slug != "toko-lain"


def test_a_logo_that_is_not_a_photo_is_refused_and_nothing_changes(api, shop):
    before = snapshot()
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")

    response = api.patch(SHOP_URL, {"logo": fake, "name": "Nama Baru"}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"logo": [indonesian("This file is not a JPEG, PNG or WebP photo.")]}
    assert snapshot() == before


def test_owner_sets_and_ends_the_vacation(api, shop):
    reopens = timezone.localdate() + datetime.timedelta(days=7)

    response = api.patch(SHOP_URL, {"closed_until": reopens.isoformat()}, format="json")

    assert response.status_code == 200
    assert response.json()["closed_until"] == reopens.isoformat()
    shop.refresh_from_db()
    assert shop.closed_until == reopens

    response = api.patch(SHOP_URL, {"closed_until": None}, format="json")

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.closed_until, response.json()["closed_until"]) == (None, None)


def test_vacation_can_be_set_while_the_shop_waits_for_review_but_the_profile_cannot_change(owner):
    shop = SubmittedShopFactory(owner=owner)
    api = client_for(owner)
    reopens = timezone.localdate() + datetime.timedelta(days=3)

    assert api.patch(SHOP_URL, {"closed_until": reopens.isoformat()}, format="json").status_code == 200
    shop.refresh_from_db()
    assert (shop.status, shop.closed_until) == (Shop.Status.SUBMITTED, reopens)
    before = snapshot()
    response = api.patch(SHOP_URL, {"story": "Cerita baru"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": indonesian("The shop cannot be edited while it is waiting for review or suspended.")
    }
    assert snapshot() == before


def test_every_profile_and_vacation_error_comes_back_at_once_and_nothing_changes(api, shop):
    before = snapshot()

    response = api.patch(
        SHOP_URL,
        {
            "name": "Nama Baru",
            "whatsapp": "12345",
            "postal_code": "8036",
            "closed_until": timezone.localdate().isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"whatsapp", "postal_code", "closed_until"}
    assert body["closed_until"] == [indonesian("Choose a date after today.")]
    assert body["postal_code"] == [indonesian("The postal code has exactly 5 digits.")]
    assert snapshot() == before


def test_region_code_that_does_not_exist_is_a_field_error(api, shop):
    before = snapshot()

    response = api.patch(SHOP_URL, {"village": "99.99.99.9999"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["village"]
    assert snapshot() == before


def test_staff_cannot_change_the_profile_and_is_told_why(shop):
    staff = ShopMemberFactory(shop=shop).user
    before = snapshot()

    response = client_for(staff).patch(SHOP_URL, {"name": "Diambil alih"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": indonesian(OWNER_ONLY_MESSAGE)}
    assert snapshot() == before


def test_english_is_answered_when_asked_for(api, shop):
    response = api.patch(SHOP_URL, {"postal_code": "1"}, format="json", headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json() == {"postal_code": ["The postal code has exactly 5 digits."]}


# --- Submitting the shop --------------------------------------------------------------------------------------


def test_owner_submits_a_complete_draft_and_the_operators_are_mailed(api, shop):
    VerifiedUserFactory(is_superuser=True, email="admin@contoh.id")

    response = api.post(SUBMIT_URL)

    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    shop.refresh_from_db()
    assert shop.status == Shop.Status.SUBMITTED
    assert [message.to for message in mail.outbox] == [["admin@contoh.id"]]


def test_submitting_an_incomplete_shop_lists_each_missing_field_and_changes_nothing(owner):
    shop = ShopFactory(owner=owner, story="", whatsapp="")
    before = snapshot()

    response = client_for(owner).post(SUBMIT_URL)

    assert response.status_code == 400
    required = indonesian("This is needed before the shop can be submitted.")
    assert response.json() == {"story": [required], "whatsapp": [required]}
    assert snapshot() == before
    shop.refresh_from_db()
    assert shop.status == Shop.Status.DRAFT


def test_submitting_a_shop_under_review_is_a_conflict(owner):
    shop = SubmittedShopFactory(owner=owner)
    before = snapshot()

    response = client_for(owner).post(SUBMIT_URL)

    assert response.status_code == 409
    assert response.json() == {"detail": indonesian("Only a draft or rejected shop can be submitted for review.")}
    assert snapshot() == before
    shop.refresh_from_db()
    assert shop.status == Shop.Status.SUBMITTED


# --- Product list ---------------------------------------------------------------------------------------------


def test_product_list_shows_every_status_of_the_own_shop_only_newest_change_first(api, shop, product):
    active = ProductFactory(shop=shop, title="Kopi Kintamani")
    ProductImageFactory(product=active, is_main=True, position=0)
    ProductFactory()  # another shop's

    response = api.get(PRODUCTS_URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [row["id"] for row in body["results"]] == [active.pk, product.pk]
    first = body["results"][0]
    assert (first["title"], first["status"], first["moderation"]) == ("Kopi Kintamani", "active", "approved")
    assert first["image"].startswith("http://testserver/media/")
    variant = active.variants.get()
    assert first["variants"] == [
        {
            "id": variant.pk,
            "name": "250 g",
            "sku": variant.sku,
            "price": 15_000,
            "stock": 10,
            "is_active": True,
        }
    ]
    assert body["results"][1]["image"] is None


def test_product_list_filters_by_title_and_status(api, shop, product):
    ProductFactory(shop=shop, title="Kopi Kintamani")
    ProductFactory(shop=shop, title="Kopi Gayo", status=Product.Status.ARCHIVED)

    def titles(**params):
        response = api.get(PRODUCTS_URL, params)
        assert response.status_code == 200
        return sorted(row["title"] for row in response.json()["results"])

    assert titles(q="kopi") == ["Kopi Gayo", "Kopi Kintamani"]
    assert titles(status="archived") == ["Kopi Gayo"]
    assert titles(q="kopi", status="active") == ["Kopi Kintamani"]
    assert titles(status="draft") == [product.title]


def test_product_list_refuses_an_unknown_status(api):
    response = api.get(PRODUCTS_URL, {"status": "deleted"})

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


@pytest.mark.parametrize("count", [1, 12])
def test_product_list_costs_the_same_queries_for_one_or_many_products(api, shop, count, django_assert_num_queries):
    for _number in range(count):
        product = ProductFactory(shop=shop)
        ProductVariantFactory(product=product, name="500 g")
        ProductImageFactory(product=product, is_main=True, position=0)

    # Session, user, membership, count, page, variants, main photos.
    with django_assert_num_queries(7):
        response = api.get(PRODUCTS_URL)

    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    assert all(len(row["variants"]) == 2 for row in response.json()["results"])


def test_product_list_is_paginated(api, shop):
    for _number in range(3):
        ProductFactory(shop=shop)

    response = api.get(PRODUCTS_URL, {"page_size": 2})

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2
    assert response.json()["next"] == "http://testserver/api/v1/seller/products/?page=2&page_size=2"


# --- Creating a product ---------------------------------------------------------------------------------------


def test_owner_creates_a_draft_product_with_its_variants(api, shop, category):
    payload = new_product(
        category,
        variants=[
            {"name": "Botol 150 ml", "sku": "SMB-150", "price": 25_000, "stock": 12},
            {"name": "Botol 300 ml", "price": 45_000},
        ],
    )

    response = api.post(PRODUCTS_URL, payload, format="json")

    assert response.status_code == 201
    product = Product.objects.get()
    body = response.json()
    assert body["id"] == product.pk
    assert (product.shop, product.title, product.category, product.weight_grams) == (
        shop,
        "Sambal Matah Bu Made",
        category,
        200,
    )
    assert (product.status, product.moderation) == (Product.Status.DRAFT, Product.Moderation.NONE)
    assert list(product.variants.order_by("pk").values_list("name", "sku", "price", "stock")) == [
        ("Botol 150 ml", "SMB-150", 25_000, 12),
        ("Botol 300 ml", f"P{product.pk}", 45_000, 0),
    ]
    assert body["category"] == {"id": category.pk, "slug": "camilan", "name": "Camilan"}
    assert [variant["sku"] for variant in body["variants"]] == ["SMB-150", f"P{product.pk}"]
    assert (body["status"], body["images"]) == ("draft", [])


def test_staff_creates_a_product_with_the_category_given_by_id(shop, category):
    staff = ShopMemberFactory(shop=shop).user

    response = client_for(staff).post(PRODUCTS_URL, new_product(category, category=category.pk), format="json")

    assert response.status_code == 201
    assert Product.objects.get().category == category


def refuses(api, payload) -> dict:
    before = snapshot()
    response = api.post(PRODUCTS_URL, payload, format="json")
    assert response.status_code == 400
    assert snapshot() == before
    return response.json()


def test_missing_title_weight_and_category_are_reported_together(api, category):
    body = refuses(api, {"variants": [{"price": 10_000}]})

    assert body == {
        "title": [indonesian("Enter the product title.")],
        "category": [indonesian("Choose a category.")],
        "weight_grams": [indonesian("Enter the weight as a whole number of grams.")],
    }


@pytest.mark.parametrize(
    ("variant", "field", "message", "params"),
    [
        ({"price": -5_000}, "price", "The price is at least Rp 1.", {}),
        ({"price": 0}, "price", "The price is at least Rp 1.", {}),
        ({"price": MAX_PRICE + 1}, "price", "The price is at most Rp %(max)s.", {"max": "100.000.000"}),
        ({"price": "dua puluh ribu"}, "price", "Enter the price as a whole number of rupiah.", {}),
        ({"price": 15_000.5}, "price", "Enter the price as a whole number of rupiah.", {}),
        ({"price": True}, "price", "Enter the price as a whole number of rupiah.", {}),
        ({}, "price", "Enter the price as a whole number of rupiah.", {}),
        ({"price": 15_000, "stock": -1}, "stock", "Stock cannot be negative.", {}),
        ({"price": 15_000, "stock": "banyak"}, "stock", "Enter the stock as a whole number.", {}),
        ({"price": 15_000, "sku": "SKU DENGAN SPASI"}, "sku", None, {}),
    ],
)
def test_bad_variant_values_are_field_errors_of_the_variant_and_nothing_is_created(
    api, category, variant, field, message, params
):
    body = refuses(api, new_product(category, variants=[variant]))

    assert list(body) == ["variants"]
    assert list(body["variants"]) == ["0"]
    assert list(body["variants"]["0"]) == [field]
    if message is not None:
        assert body["variants"]["0"][field] == [indonesian(message, **params)]


def test_a_sku_already_used_in_the_shop_is_refused(api, shop, category):
    ProductVariantFactory(product=ProductFactory(shop=shop), sku="SMB-150")

    body = refuses(api, new_product(category))

    assert body == {"variants": {"0": {"sku": [indonesian(DUPLICATE_SKU_MESSAGE)]}}}


def test_a_sku_used_by_a_later_variant_undoes_the_whole_product(api, shop, category):
    ProductVariantFactory(product=ProductFactory(shop=shop), sku="SMB-300")
    variants = [
        {"name": "150 ml", "sku": "SMB-150", "price": 25_000},
        {"name": "300 ml", "sku": "SMB-300", "price": 45_000},
        {"name": "500 ml", "price": 0},
    ]

    body = refuses(api, new_product(category, variants=variants))

    assert body == {
        "variants": {
            "1": {"sku": [indonesian(DUPLICATE_SKU_MESSAGE)]},
            "2": {"price": [indonesian("The price is at least Rp 1.")]},
        }
    }


def test_two_new_variants_with_one_sku_are_refused(api, category):
    variants = [{"sku": "SMB", "price": 25_000}, {"sku": "SMB", "price": 45_000}]

    body = refuses(api, new_product(category, variants=variants))

    assert body == {"variants": {"1": {"sku": [indonesian(DUPLICATE_SKU_MESSAGE)]}}}


def test_a_sku_of_another_shop_may_be_used_again(api, category):
    ProductVariantFactory(sku="SMB-150")

    assert api.post(PRODUCTS_URL, new_product(category), format="json").status_code == 201


def test_a_product_needs_a_variant_and_a_known_category(api, category):
    assert refuses(api, new_product(category, variants=[])) == {"variants": [indonesian(NO_VARIANTS_MESSAGE)]}
    payload = new_product(category)
    del payload["variants"]
    assert refuses(api, payload) == {"variants": [indonesian(NO_VARIANTS_MESSAGE)]}
    assert refuses(api, new_product(category, category="tidak-ada")) == {
        "category": [indonesian(NO_SUCH_CATEGORY_MESSAGE)]
    }
    assert refuses(api, new_product(category, category=987654)) == {"category": [indonesian(NO_SUCH_CATEGORY_MESSAGE)]}


def test_price_over_the_maximum_in_english(api, category):
    response = api.post(
        PRODUCTS_URL,
        new_product(category, variants=[{"price": MAX_PRICE + 1}]),
        format="json",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 400
    assert response.json() == {"variants": {"0": {"price": ["The price is at most Rp 100.000.000."]}}}


# --- One product ----------------------------------------------------------------------------------------------


def test_owner_reads_a_product_with_its_variants_and_photos_in_order(api, product):
    second = ProductImageFactory(product=product, position=1)
    first = ProductImageFactory(product=product, position=0, is_main=True, coach_advice=["dark", "small"])

    response = api.get(f"{PRODUCTS_URL}{product.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["title"], body["status"], body["weight_grams"]) == (
        product.pk,
        product.title,
        "draft",
        250,
    )
    assert [image["id"] for image in body["images"]] == [first.pk, second.pk]
    assert body["images"][0]["advice"] == [
        {"code": "dark", "message": indonesian(ADVICE_MESSAGES["dark"])},
        {"code": "small", "message": indonesian(ADVICE_MESSAGES["small"])},
    ]
    assert body["images"][0]["thumbnail"] is None  # renditions not made yet


def test_a_product_of_another_shop_is_not_found(api):
    other = ProductFactory()
    before = snapshot()

    assert api.get(f"{PRODUCTS_URL}{other.pk}/").status_code == 404
    assert api.patch(f"{PRODUCTS_URL}{other.pk}/", {"title": "Milik saya"}, format="json").status_code == 404
    assert snapshot() == before


def test_ids_beyond_any_key_are_not_found_rather_than_an_error(api, product, category):
    huge = "9" * 25

    assert api.get(f"{PRODUCTS_URL}{huge}/").status_code == 404
    assert api.patch(f"{PRODUCTS_URL}{product.pk}/variants/{huge}/", {"price": 1}, format="json").status_code == 404
    assert refuses(api, new_product(category, category=int(huge))) == {
        "category": [indonesian(NO_SUCH_CATEGORY_MESSAGE)]
    }


def test_owner_changes_a_product(api, product):
    category = CategoryFactory()

    response = api.patch(
        f"{PRODUCTS_URL}{product.pk}/",
        {"title": "Keripik Pisang Cokelat", "weight_grams": 300, "category": category.slug},
        format="json",
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.title, product.weight_grams, product.category) == ("Keripik Pisang Cokelat", 300, category)
    assert response.json()["title"] == "Keripik Pisang Cokelat"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter the product title."),
        ({"weight_grams": 0}, "weight_grams", "The weight is at least 1 gram."),
        ({"weight_grams": "berat"}, "weight_grams", "Enter the weight as a whole number of grams."),
    ],
)
def test_bad_product_changes_are_refused_and_nothing_changes(api, product, payload, field, message):
    before = snapshot()

    response = api.patch(f"{PRODUCTS_URL}{product.pk}/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [indonesian(message)]}
    assert snapshot() == before


def test_delete_archives_the_product_and_a_second_delete_is_a_conflict(api, product):
    response = api.delete(f"{PRODUCTS_URL}{product.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    product.refresh_from_db()
    assert product.status == Product.Status.ARCHIVED
    before = snapshot()

    response = api.delete(f"{PRODUCTS_URL}{product.pk}/")

    assert response.status_code == 409
    assert response.json() == {"detail": indonesian("The product is already archived.")}
    assert snapshot() == before


def test_owner_publishes_a_draft_and_publishing_again_is_a_conflict(api, product):
    response = api.post(f"{PRODUCTS_URL}{product.pk}/publish/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["moderation"]) == ("active", "approved")
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE
    before = snapshot()

    response = api.post(f"{PRODUCTS_URL}{product.pk}/publish/")

    assert response.status_code == 409
    assert response.json() == {"detail": indonesian("The product is already published.")}
    assert snapshot() == before


def test_publishing_without_an_active_variant_is_a_non_field_error(api, product):
    product.variants.update(is_active=False)
    before = snapshot()

    response = api.post(f"{PRODUCTS_URL}{product.pk}/publish/")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [indonesian("Add at least one active variant before publishing.")]}
    assert snapshot() == before


# --- Variants -------------------------------------------------------------------------------------------------


def test_owner_adds_changes_and_removes_a_variant(api, product):
    response = api.post(
        f"{PRODUCTS_URL}{product.pk}/variants/", {"name": "500 g", "price": 28_000, "stock": 4}, format="json"
    )

    assert response.status_code == 201
    variant = product.variants.get(name="500 g")
    assert response.json() == {
        "id": variant.pk,
        "name": "500 g",
        "sku": variant.sku,
        "price": 28_000,
        "stock": 4,
        "is_active": True,
    }

    response = api.patch(
        f"{PRODUCTS_URL}{product.pk}/variants/{variant.pk}/",
        {"price": 27_500, "stock": 9, "is_active": False},
        format="json",
    )

    assert response.status_code == 200
    variant.refresh_from_db()
    assert (variant.price, variant.stock, variant.is_active) == (27_500, 9, False)
    assert response.json()["price"] == 27_500

    response = api.delete(f"{PRODUCTS_URL}{product.pk}/variants/{variant.pk}/")

    assert response.status_code == 204
    assert not ProductVariant.objects.filter(pk=variant.pk).exists()


@pytest.mark.parametrize(
    ("payload", "field", "message", "params"),
    [
        ({"price": -1}, "price", "The price is at least Rp 1.", {}),
        ({"price": MAX_PRICE + 1}, "price", "The price is at most Rp %(max)s.", {"max": "100.000.000"}),
        ({"price": "10rb"}, "price", "Enter the price as a whole number of rupiah.", {}),
        ({"stock": -3}, "stock", "Stock cannot be negative.", {}),
        ({"sku": ""}, "sku", "Enter the SKU.", {}),
    ],
)
def test_bad_variant_changes_are_refused_and_nothing_changes(api, product, payload, field, message, params):
    variant = product.variants.get()
    before = snapshot()

    response = api.patch(f"{PRODUCTS_URL}{product.pk}/variants/{variant.pk}/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {field: [indonesian(message, **params)]}
    assert snapshot() == before


def test_a_variant_cannot_take_a_sku_used_in_the_shop(api, shop, product):
    ProductVariantFactory(product=ProductFactory(shop=shop), sku="DIPAKAI")
    before = snapshot()

    added = api.post(f"{PRODUCTS_URL}{product.pk}/variants/", {"sku": "DIPAKAI", "price": 5_000}, format="json")
    changed = api.patch(
        f"{PRODUCTS_URL}{product.pk}/variants/{product.variants.get().pk}/", {"sku": "DIPAKAI"}, format="json"
    )

    assert (added.status_code, changed.status_code) == (400, 400)
    assert added.json() == changed.json() == {"sku": [indonesian(DUPLICATE_SKU_MESSAGE)]}
    assert snapshot() == before


def test_the_last_variant_cannot_be_removed(api, product):
    variant = product.variants.get()
    before = snapshot()

    response = api.delete(f"{PRODUCTS_URL}{product.pk}/variants/{variant.pk}/")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [indonesian("A product needs at least one variant; add another before removing this one.")]
    }
    assert snapshot() == before


def test_a_variant_of_another_product_is_not_found(api, shop, product):
    other = ProductFactory(shop=shop).variants.get()
    before = snapshot()

    response = api.patch(f"{PRODUCTS_URL}{product.pk}/variants/{other.pk}/", {"price": 1}, format="json")

    assert response.status_code == 404
    assert snapshot() == before


# --- Photos ---------------------------------------------------------------------------------------------------


def test_owner_uploads_a_photo_and_gets_the_coachs_advice(api, product):
    response = api.post(
        f"{PRODUCTS_URL}{product.pk}/images/",
        {"image": jpeg_upload(size=(400, 300), color=(10, 10, 10))},
        format="multipart",
    )

    assert response.status_code == 201
    image = ProductImage.objects.get()
    body = response.json()
    assert (body["id"], body["position"], body["is_main"], body["width"], body["height"]) == (
        image.pk,
        0,
        True,
        400,
        300,
    )
    assert body["original"] == f"http://testserver{image.original.url}"
    assert [item["code"] for item in body["advice"]] == ["dark", "blurred", "small"]
    assert body["advice"][0]["message"] == indonesian(ADVICE_MESSAGES["dark"])
    assert image.coach_advice == ["dark", "blurred", "small"]


def test_photo_advice_follows_the_request_language(api, product):
    response = api.post(
        f"{PRODUCTS_URL}{product.pk}/images/",
        {"image": jpeg_upload(size=(400, 300), color=(10, 10, 10))},
        format="multipart",
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 201
    assert response.json()["advice"][0] == {"code": "dark", "message": "The photo is too dark — try near a window."}


def test_a_ninth_photo_is_refused(api, product):
    for position in range(8):
        ProductImageFactory(product=product, position=position, is_main=position == 0)
    before, files = snapshot(), stored_files()

    response = api.post(f"{PRODUCTS_URL}{product.pk}/images/", {"image": jpeg_upload()}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"image": [indonesian("A product has at most %(max)d photos; remove one first.", max=8)]}
    assert (snapshot(), stored_files()) == (before, files)


def test_upload_without_a_file_is_a_field_error(api, product):
    before = snapshot()

    response = api.post(f"{PRODUCTS_URL}{product.pk}/images/", {}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()) == ["image"]
    assert snapshot() == before


def test_owner_chooses_the_main_photo_reorders_and_removes_one(api, product):
    images = [ProductImageFactory(product=product, position=position, is_main=position == 0) for position in range(3)]
    url = f"{PRODUCTS_URL}{product.pk}/images/"

    response = api.post(f"{url}{images[2].pk}/main/")

    assert response.status_code == 200
    assert [(image["id"], image["is_main"]) for image in response.json()["images"]] == [
        (images[0].pk, False),
        (images[1].pk, False),
        (images[2].pk, True),
    ]

    response = api.post(f"{url}order/", {"ids": [images[2].pk, images[0].pk, images[1].pk]}, format="json")

    assert response.status_code == 200
    assert [image["id"] for image in response.json()["images"]] == [images[2].pk, images[0].pk, images[1].pk]
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [
        images[2].pk,
        images[0].pk,
        images[1].pk,
    ]

    response = api.delete(f"{url}{images[2].pk}/")

    assert response.status_code == 204
    assert list(product.images.order_by("position").values_list("pk", "position", "is_main")) == [
        (images[0].pk, 0, True),
        (images[1].pk, 1, False),
    ]


@pytest.mark.parametrize("which", ["missing_one", "duplicate", "foreign", "not_numbers"])
def test_photo_order_must_list_every_photo_once(api, product, which):
    images = [ProductImageFactory(product=product, position=position, is_main=position == 0) for position in range(2)]
    other = ProductImageFactory()
    ids = {
        "missing_one": [images[1].pk],
        "duplicate": [images[1].pk, images[1].pk],
        "foreign": [images[1].pk, other.pk],
        "not_numbers": ["satu", "dua"],
    }[which]
    before = snapshot()

    response = api.post(f"{PRODUCTS_URL}{product.pk}/images/order/", {"ids": ids}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["ids"]
    if which != "not_numbers":
        assert response.json() == {"ids": [indonesian("List every photo of the product exactly once.")]}
    assert snapshot() == before


def test_a_photo_of_another_product_is_not_found(api, shop, product):
    other = ProductImageFactory(product=ProductFactory(shop=shop), is_main=True)
    before = snapshot()

    assert api.post(f"{PRODUCTS_URL}{product.pk}/images/{other.pk}/main/").status_code == 404
    assert api.delete(f"{PRODUCTS_URL}{product.pk}/images/{other.pk}/").status_code == 404
    assert snapshot() == before


# --- The app's path: allauth headless login, then X-Session-Token ---------------------------------------------


def test_app_logs_in_headlessly_and_manages_its_catalogue_with_the_session_token(category):
    owner = VerifiedUserFactory(email="made@contoh.id")
    shop = ApprovedShopFactory(owner=owner)
    app = APIClient()
    login = app.post(
        "/_allauth/app/v1/auth/login", {"email": "made@contoh.id", "password": DEFAULT_PASSWORD}, format="json"
    )
    assert login.status_code == 200
    headers = {"X-Session-Token": login.json()["meta"]["session_token"]}
    assert "sessionid" not in app.cookies or not app.cookies["sessionid"].value

    created = app.post(PRODUCTS_URL, new_product(category), format="json", headers=headers)
    assert created.status_code == 201
    product_id = created.json()["id"]
    photo = app.post(
        f"{PRODUCTS_URL}{product_id}/images/", {"image": jpeg_upload()}, format="multipart", headers=headers
    )
    assert photo.status_code == 201
    published = app.post(f"{PRODUCTS_URL}{product_id}/publish/", headers=headers)
    assert published.status_code == 200
    listed = app.get(PRODUCTS_URL, headers=headers)

    assert [row["id"] for row in listed.json()["results"]] == [product_id]
    product = Product.objects.get(pk=product_id)
    assert (product.shop, product.status, product.images.count()) == (shop, Product.Status.ACTIVE, 1)
    # Without the token the same client is anonymous.
    assert app.get(PRODUCTS_URL).status_code == 401
