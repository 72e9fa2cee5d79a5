"""A seller describes what a photo shows (its alt text) on the photos page or through the seller API; shoppers
who cannot see the photo hear that description on the product page and on cards, or the product's title when
the seller wrote none."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.test import APIClient

from shops.models import ProductImage, ShopMember
from shops.services import product_image_describe
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ShopMemberFactory,
)

pytestmark = pytest.mark.django_db

DESCRIPTION = "Sebungkus keripik singkong balado 250 gram di atas daun pisang"


@pytest.fixture
def product():
    product = ProductFactory(
        shop=ApprovedShopFactory(), category=CategoryFactory(slug="kripik"), title="Kripik Singkong", slug="kripik"
    )
    ProductImageFactory(product=product, is_main=True, position=0)
    ProductImageFactory(product=product, is_main=False, position=1)
    return product


@pytest.fixture
def owner(product):
    return product.shop.members.get(role=ShopMember.Role.OWNER).user


def photos(product) -> list[ProductImage]:
    return list(product.images.order_by("position"))


def test_owner_and_staff_describe_a_photo_with_whitespace_tidied(product, owner):
    staff = ShopMemberFactory(shop=product.shop, role=ShopMember.Role.STAFF).user
    main, second = photos(product)

    product_image_describe(image=main, actor=owner, alt_text=f"  {DESCRIPTION}\n ")
    product_image_describe(image=second, actor=staff, alt_text="Kemasan   tampak belakang")

    assert [image.alt_text for image in photos(product)] == [DESCRIPTION, "Kemasan tampak belakang"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("x" * 201, "too_long"),
        ("Keripik\x00balado", "invalid_characters"),
        ("Keripik\u200bbalado", "invalid_characters"),
    ],
)
def test_a_bad_description_is_refused_with_a_field_error_and_changes_nothing(product, owner, text, code):
    main = photos(product)[0]
    product_image_describe(image=main, actor=owner, alt_text="Sebelumnya")

    with pytest.raises(ValidationError) as refused:
        product_image_describe(image=main, actor=owner, alt_text=text)

    assert [error.code for error in refused.value.error_dict["alt_text"]] == [code]
    assert photos(product)[0].alt_text == "Sebelumnya"


def test_someone_outside_the_shop_cannot_describe_its_photos(product):
    stranger = ApprovedShopFactory().members.get(role=ShopMember.Role.OWNER).user

    with pytest.raises(PermissionDenied):
        product_image_describe(image=photos(product)[0], actor=stranger, alt_text="Dibajak")

    assert photos(product)[0].alt_text == ""


def test_seller_page_saves_the_description_and_the_storefront_reads_it_out(product, owner):
    seller = Client()
    seller.force_login(owner)
    main = photos(product)[0]
    page = seller.get(f"/penjual/produk/{product.pk}/foto/").content.decode()
    assert f'action="/penjual/produk/{product.pk}/foto/{main.pk}/keterangan/"' in page
    assert '<label for="alt-' in page

    response = seller.post(f"/penjual/produk/{product.pk}/foto/{main.pk}/keterangan/", {"alt_text": DESCRIPTION})

    assert response.status_code == 302
    assert response["Location"] == f"/penjual/produk/{product.pk}/foto/#photo-{main.pk}"
    assert "Keterangan foto disimpan." in seller.get(response["Location"]).content.decode()
    shopper = Client()
    product_page = shopper.get("/produk/kripik/").content.decode()
    assert f'alt="{DESCRIPTION}"' in product_page
    assert 'alt="Kripik Singkong, foto 2 dari 2"' in product_page  # the second photo has no description
    assert f'<meta property="og:image:alt" content="{DESCRIPTION}">' in product_page
    assert f'alt="{DESCRIPTION}"' in shopper.get("/kategori/kripik/").content.decode()


def test_seller_page_shows_the_error_of_a_too_long_description_and_keeps_the_old_one(product, owner):
    seller = Client()
    seller.force_login(owner)
    main = photos(product)[0]

    response = seller.post(
        f"/penjual/produk/{product.pk}/foto/{main.pk}/keterangan/", {"alt_text": "x" * 250}, follow=True
    )

    assert "Jelaskan foto dalam paling banyak 200 karakter (ini 250)." in response.content.decode()
    assert photos(product)[0].alt_text == ""


def test_seller_page_of_another_shops_photo_answers_404(product):
    seller = Client()
    seller.force_login(ApprovedShopFactory().members.get(role=ShopMember.Role.OWNER).user)
    main = photos(product)[0]

    response = seller.post(f"/penjual/produk/{product.pk}/foto/{main.pk}/keterangan/", {"alt_text": "Dibajak"})

    assert response.status_code == 404
    assert photos(product)[0].alt_text == ""


def test_without_a_description_the_title_is_the_alt_text(client, product):
    product_page = client.get("/produk/kripik/").content.decode()

    assert 'alt="Kripik Singkong"' in product_page
    assert 'alt="Kripik Singkong"' in client.get("/kategori/kripik/").content.decode()


def test_seller_api_describes_a_photo_and_both_apis_return_it(product, owner):
    api = APIClient()
    api.force_authenticate(owner)
    main = photos(product)[0]
    url = f"/api/v1/seller/products/{product.pk}/images/{main.pk}/"

    response = api.patch(url, {"alt_text": DESCRIPTION}, format="json")

    assert response.status_code == 200
    assert response.json()["alt_text"] == DESCRIPTION
    public = APIClient().get(f"/api/v1/products/{product.slug}/").json()
    assert [image["alt_text"] for image in public["images"]] == [DESCRIPTION, ""]


def test_seller_api_refuses_a_bad_description_and_another_shops_photo(product, owner):
    api = APIClient()
    api.force_authenticate(owner)
    main = photos(product)[0]

    too_long = api.patch(
        f"/api/v1/seller/products/{product.pk}/images/{main.pk}/", {"alt_text": "x" * 201}, format="json"
    )
    other = ProductFactory(shop=ApprovedShopFactory())
    other_photo = ProductImageFactory(product=other, is_main=True)
    foreign = api.patch(
        f"/api/v1/seller/products/{other.pk}/images/{other_photo.pk}/", {"alt_text": "Dibajak"}, format="json"
    )

    assert too_long.status_code == 400
    assert too_long.json()["alt_text"] == ["Jelaskan foto dalam paling banyak 200 karakter (ini 201)."]
    assert foreign.status_code == 404
    assert photos(product)[0].alt_text == ""
    assert ProductImage.objects.get(pk=other_photo.pk).alt_text == ""
