"""Upload attacks through the seller API, `POST /api/v1/seller/products/{id}/images/`: each is refused with a
400 and the photo pipeline's plain message (`shops.images`), and leaves no `ProductImage` row and no stored file.

The attack files are generated here, the way `test_images.py` makes them for the pipeline itself.
"""

import io

import pytest
from django.utils import translation
from PIL import Image

from shops.images import ERROR_MESSAGES, MAX_UPLOAD_BYTES
from shops.models import Product, ProductImage
from tests.factories.shops import ProductFactory
from tests.shops.test_seller_api import client_for, indonesian, snapshot, stored_files

pytestmark = pytest.mark.django_db

MESSAGE_PARAMS = {"too_large": {"limit_mb": 10}, "too_many_pixels": {"limit_megapixels": 40}}


@pytest.fixture(autouse=True)
def _restore_language():
    with translation.override("id"):
        yield


@pytest.fixture
def product():
    return ProductFactory(status=Product.Status.DRAFT, moderation=Product.Moderation.NONE)


@pytest.fixture
def api(product):
    return client_for(product.shop.members.get().user)


def encode(picture: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def busy_jpeg() -> bytes:
    return encode(Image.effect_noise((800, 600), 60).convert("RGB"), "JPEG", quality=90)


def upload_file(name: str, content: bytes) -> io.BytesIO:
    uploaded = io.BytesIO(content)
    uploaded.name = name
    return uploaded


def attempt(api, product, name: str, content: bytes):
    before, files = snapshot(), stored_files()
    response = api.post(
        f"/api/v1/seller/products/{product.pk}/images/", {"image": upload_file(name, content)}, format="multipart"
    )
    assert ProductImage.objects.count() == 0
    assert snapshot() == before
    assert stored_files() == files
    return response


def pipeline_message(code: str) -> str:
    return indonesian(ERROR_MESSAGES[code], **MESSAGE_PARAMS.get(code, {}))


@pytest.mark.parametrize("size", [(7000, 6000), (9500, 9500)])
def test_decompression_bomb_is_refused(api, product, size):
    # 42 MP (over our 40 MP limit) and 90 MP (where Pillow itself starts to warn): both tiny 1-bit PNGs.
    content = encode(Image.new("1", size), "PNG", optimize=True)
    assert len(content) < 200_000

    response = attempt(api, product, "foto.png", content)

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("too_many_pixels")]}


@pytest.mark.parametrize("name", ["foto.jpg", "logo.svg"])
def test_svg_with_a_script_is_refused(api, product, name):
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<script>fetch("/api/v1/me/").then(r => r.text()).then(alert)</script><rect width="100" height="100"/></svg>'
    )

    response = attempt(api, product, name, svg)

    assert response.status_code == 400
    code = "unsupported_format" if name.endswith(".jpg") else "invalid_extension"
    assert response.json() == {"image": [pipeline_message(code)]}


def test_html_renamed_to_jpg_is_refused(api, product):
    html = b"<!DOCTYPE html><html><body><script>document.location='https://evil.example/'</script></body></html>"

    response = attempt(api, product, "foto.jpg", html)

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("unsupported_format")]}


def test_html_behind_a_jpeg_magic_number_is_refused(api, product):
    response = attempt(api, product, "foto.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>")

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("corrupt")]}


def test_truncated_jpeg_is_refused(api, product):
    content = busy_jpeg()

    response = attempt(api, product, "foto.jpg", content[: len(content) * 2 // 3])

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("corrupt")]}


def test_fifty_megabyte_file_is_refused(api, product):
    content = b"\xff\xd8\xff\xe0" + bytes(50 * 1024 * 1024 - 4)

    response = attempt(api, product, "foto.jpg", content)

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("too_large")]}


def test_a_file_one_byte_over_the_limit_is_refused_by_the_pipeline(api, product):
    # Small enough for the request to be read: the pipeline itself measures the file.
    content = b"\xff\xd8\xff\xe0" + bytes(MAX_UPLOAD_BYTES + 1 - 4)

    response = attempt(api, product, "foto.jpg", content)

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("too_large")]}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("foto.jpg.php", "invalid_extension"),
        ("foto.php.jpg", "double_extension"),
        ("foto.html.png", "double_extension"),
    ],
)
def test_double_extension_is_refused_even_with_a_real_photo_inside(api, product, name, code):
    response = attempt(api, product, name, busy_jpeg())

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message(code)]}


def test_empty_file_is_refused(api, product):
    response = attempt(api, product, "foto.jpg", b"")

    assert response.status_code == 400
    assert response.json() == {"image": [pipeline_message("empty")]}


def test_the_same_real_photo_under_an_honest_name_is_stored(api, product):
    files = stored_files()

    response = api.post(
        f"/api/v1/seller/products/{product.pk}/images/",
        {"image": upload_file("foto.jpg", busy_jpeg())},
        format="multipart",
    )

    assert response.status_code == 201
    image = ProductImage.objects.get()
    assert stored_files() - files == {image.original.name}
