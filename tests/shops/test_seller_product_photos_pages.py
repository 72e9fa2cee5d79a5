"""The product photos page /penjual/produk/<pk>/foto/: upload from the camera, order, main photo, removal, the
photo coach's advice, and upload attacks refused through this very page (and screen 1 of adding a product)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from PIL import Image, ImageDraw

from shops.images import ERROR_MESSAGES
from shops.models import Product, ProductImage, ShopMember
from shops.photo_coach import ADVICE_MESSAGES
from shops.services.product_images import TOO_MANY_IMAGES_MESSAGE
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, CategoryFactory, ProductFactory, ProductImageFactory


def indonesian(msgid, **params) -> str:
    with translation.override("id"):
        text = str(msgid)
    return text % params if params else text


def photos_url(product) -> str:
    return f"/penjual/produk/{product.pk}/foto/"


def action_url(image, action: str) -> str:
    return f"/penjual/produk/{image.product_id}/foto/{image.pk}/{action}/"


def jpeg_bytes(size=(900, 900), color=(236, 226, 208)) -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 30):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(180 + x % 60, 60, 40), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(content: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[str]:
    try:
        return sorted(default_storage.listdir("products/originals")[1])
    except FileNotFoundError:
        return []


def images_of(product) -> list[tuple[int, int, bool]]:
    return list(product.images.order_by("position", "pk").values_list("pk", "position", "is_main"))


@pytest.fixture
def shop(db):
    return ApprovedShopFactory()


@pytest.fixture(params=["owner", "staff"])
def member(request, shop, client):
    if request.param == "owner":
        user = shop.members.get(role=ShopMember.Role.OWNER).user
    else:
        user = VerifiedUserFactory()
        ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)
    client.force_login(user)
    return user


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, title="Kain Endek")


@pytest.fixture
def three_photos(product):
    return [ProductImageFactory(product=product, position=index, is_main=index == 0) for index in range(3)]


# --- Upload -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_offers_a_camera_upload(client, member, product):
    content = client.get(photos_url(product)).content.decode()

    assert 'type="file" name="image" accept="image/*" capture="environment"' in content
    assert 'enctype="multipart/form-data"' in content


@pytest.mark.django_db
def test_uploading_a_photo_adds_it_last_and_the_first_becomes_main(client, member, product):
    files_before = set(stored_files())
    first = client.post(photos_url(product), {"image": upload(jpeg_bytes())})
    second = client.post(photos_url(product), {"image": upload(jpeg_bytes(), "IMG_20260101_101010.jpg")})

    assert (first.status_code, first.url) == (302, photos_url(product))
    assert second.status_code == 302
    assert [(position, is_main) for _pk, position, is_main in images_of(product)] == [(0, True), (1, False)]
    assert sorted(set(stored_files()) - files_before) == sorted(
        image.original.name.rsplit("/", 1)[-1] for image in product.images.all()
    )


@pytest.mark.django_db
def test_coach_warnings_are_shown_for_each_photo_without_refusing_it(client, member, product):
    dark = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 10, 10)).save(dark, "JPEG")

    response = client.post(photos_url(product), {"image": upload(dark.getvalue(), "gelap.jpg")}, follow=True)

    content = response.content.decode()
    assert response.status_code == 200
    assert product.images.get().coach_advice == ["dark", "blurred", "small"]
    for code in ("dark", "blurred", "small"):
        assert escape(indonesian(ADVICE_MESSAGES[code])) in content


@pytest.mark.django_db
def test_a_ninth_photo_is_refused_and_the_form_is_hidden_at_eight(client, member, product):
    for index in range(8):
        ProductImageFactory(product=product, position=index, is_main=index == 0)
    before = images_of(product)

    page = client.get(photos_url(product)).content.decode()
    response = client.post(photos_url(product), {"image": upload(jpeg_bytes())})

    assert 'name="image"' not in page
    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [indonesian(TOO_MANY_IMAGES_MESSAGE, max=8)]
    assert images_of(product) == before


# --- Upload attacks: each refused with the pipeline's message, nothing stored -------------------------------


def bomb() -> tuple[bytes, str, str, str, dict]:
    buffer = io.BytesIO()
    Image.new("1", (9500, 9500)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue(), "foto.png", "image/png", "too_many_pixels", {"limit_megapixels": 40}


ATTACKS = {
    "decompression bomb": bomb,
    "svg with script": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
        "foto.svg",
        "image/svg+xml",
        "invalid_extension",
        {},
    ),
    "svg renamed .jpg": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "foto.jpg",
        "image/jpeg",
        "unsupported_format",
        {},
    ),
    "html renamed .jpg": lambda: (
        b"<!DOCTYPE html><html><script>document.location='https://evil.example/'</script></html>",
        "foto.jpg",
        "image/jpeg",
        "unsupported_format",
        {},
    ),
    "truncated jpeg": lambda: (jpeg_bytes()[:4000], "foto.jpg", "image/jpeg", "corrupt", {}),
    "50 MB file": lambda: (
        b"\xff\xd8\xff\xe0" + bytes(50 * 1024 * 1024),
        "foto.jpg",
        "image/jpeg",
        "too_large",
        {"limit_mb": 10},
    ),
    "double extension": lambda: (jpeg_bytes(), "foto.jpg.php", "image/jpeg", "invalid_extension", {}),
    "script hidden before .jpg": lambda: (jpeg_bytes(), "foto.php.jpg", "image/jpeg", "double_extension", {}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_upload_attack_on_the_photos_page_is_refused_with_its_message_and_nothing_stored(
    client, member, product, attack
):
    content, name, content_type, code, params = ATTACKS[attack]()
    existing = ProductImageFactory(product=product, position=0, is_main=True)
    before = (images_of(product), stored_files())

    response = client.post(photos_url(product), {"image": upload(content, name, content_type)})

    message = indonesian(ERROR_MESSAGES[code], **params)
    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [message]
    assert escape(message) in response.content.decode()
    assert (images_of(product), stored_files()) == before
    assert ProductImage.objects.get() == existing


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ["html renamed .jpg", "double extension", "decompression bomb"])
def test_upload_attack_on_screen_one_creates_no_product(client, member, attack):
    category = CategoryFactory()
    content, name, content_type, code, params = ATTACKS[attack]()
    files_before = stored_files()

    response = client.post(
        "/penjual/produk/tambah/",
        {
            "image": upload(content, name, content_type),
            "title": "Kain Endek",
            "category": category.pk,
            "price": "150000",
            "stock": "2",
            "weight_grams": "300",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [indonesian(ERROR_MESSAGES[code], **params)]
    assert (Product.objects.count(), ProductImage.objects.count(), stored_files()) == (0, 0, files_before)


# --- Order, main photo, removal ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_a_photo_up_and_down_without_javascript(client, member, product, three_photos):
    first, second, third = three_photos

    response = client.post(action_url(third, "naik"))

    assert response.status_code == 302
    assert response.url == f"{photos_url(product)}#photos"
    assert [pk for pk, _position, _main in images_of(product)] == [first.pk, third.pk, second.pk]
    client.post(action_url(first, "turun"))
    assert [pk for pk, _position, _main in images_of(product)] == [third.pk, first.pk, second.pk]
    assert [is_main for _pk, _position, is_main in images_of(product)] == [False, True, False]  # main stays


@pytest.mark.django_db
def test_moving_the_first_photo_up_changes_nothing(client, member, product, three_photos):
    before = images_of(product)

    response = client.post(action_url(three_photos[0], "naik"))

    assert response.status_code == 302
    assert images_of(product) == before


@pytest.mark.django_db
def test_choosing_the_main_photo(client, member, product, three_photos):
    client.post(action_url(three_photos[2], "utama"))

    assert [is_main for _pk, _position, is_main in images_of(product)] == [False, False, True]


@pytest.mark.django_db
def test_removing_the_main_photo_makes_the_next_one_main(
    client, member, product, three_photos, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(three_photos[0], "hapus"))

    assert response.status_code == 302
    assert images_of(product) == [(three_photos[1].pk, 0, True), (three_photos[2].pk, 1, False)]


@pytest.mark.django_db
def test_photo_actions_need_post(client, member, product, three_photos):
    before = images_of(product)

    assert client.get(action_url(three_photos[0], "hapus")).status_code == 405
    assert images_of(product) == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["naik", "turun", "utama", "hapus"])
def test_member_of_another_shop_gets_404_for_photo_actions_and_nothing_changes(client, product, three_photos, action):
    intruder = VerifiedUserFactory()
    ApprovedShopFactory(owner=intruder)
    client.force_login(intruder)
    before = images_of(product)

    response = client.post(action_url(three_photos[1], action))

    assert response.status_code == 404
    assert client.post(photos_url(product), {"image": upload(jpeg_bytes())}).status_code == 404
    assert images_of(product) == before


@pytest.mark.django_db
def test_a_photo_of_another_product_is_not_reachable_through_this_products_url(client, member, shop, product):
    other_photo = ProductImageFactory(product=ProductFactory(shop=shop), is_main=True)

    response = client.post(f"/penjual/produk/{product.pk}/foto/{other_photo.pk}/hapus/")

    assert response.status_code == 404
    assert ProductImage.objects.filter(pk=other_photo.pk).exists()
