"""Product photos: upload, renditions made by the task after commit, at most 8, one main photo, order, removal."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from PIL import Image

from marketplace.core import pagecache
from shops.models import ProductImage
from shops.services import (
    product_image_add,
    product_image_remove,
    product_image_reorder,
    product_image_set_main,
)
from shops.tasks import make_product_image_renditions, sweep_product_image_renditions
from tests.factories.shops import ProductFactory, ProductImageFactory


def jpeg_upload(size=(1000, 800), color=(200, 120, 40), name="foto.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def image_state(product):
    return list(product.images.order_by("pk").values_list("pk", "position", "is_main", "original"))


@pytest.fixture
def product():
    return ProductFactory()


@pytest.fixture
def owner(product):
    return product.shop.members.get().user


def open_stored(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


@pytest.mark.django_db
def test_adding_a_photo_stores_a_webp_original_and_the_task_makes_three_renditions_after_commit(
    product, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image = product_image_add(product=product, actor=owner, uploaded_file=jpeg_upload(size=(1000, 800)))

    # The rendition task, queued once after commit (the others refresh the storefront's page cache).
    assert len([callback for callback in callbacks if callback is not pagecache._bump_generation]) == 1
    image.refresh_from_db()
    assert (image.position, image.is_main, image.width, image.height) == (0, True, 1000, 800)
    assert image.original.name.startswith("products/originals/")
    original = open_stored(image.original.name)
    assert (original.format, original.size) == ("WEBP", (1000, 800))
    sizes = {name: open_stored(getattr(image, name).name).size for name in ("thumbnail", "card", "detail")}
    assert sizes == {"thumbnail": (160, 160), "card": (480, 384), "detail": (1000, 800)}
    assert all(open_stored(getattr(image, name).name).format == "WEBP" for name in ("thumbnail", "card", "detail"))


@pytest.mark.django_db
def test_photo_coach_advice_is_recorded_without_refusing_the_photo(product, owner):
    image = product_image_add(
        product=product, actor=owner, uploaded_file=jpeg_upload(size=(400, 300), color=(10, 10, 10))
    )

    image.refresh_from_db()
    assert image.coach_advice == ["dark", "blurred", "small"]


@pytest.mark.django_db
def test_rendition_task_is_idempotent(product, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(product=product, actor=owner, uploaded_file=jpeg_upload())
    image.refresh_from_db()
    stored = (image.thumbnail.name, image.card.name, image.detail.name)

    make_product_image_renditions(image.pk)

    image.refresh_from_db()
    assert (image.thumbnail.name, image.card.name, image.detail.name) == stored


@pytest.mark.django_db
def test_rendition_task_does_nothing_for_a_removed_photo():
    make_product_image_renditions(987654)

    assert ProductImage.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_a_photo_is_refused_with_a_field_error_and_nothing_stored(product, owner):
    upload = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")

    with pytest.raises(ValidationError) as refused:
        product_image_add(product=product, actor=owner, uploaded_file=upload)

    assert list(refused.value.error_dict) == ["image"]
    assert [error.code for error in refused.value.error_dict["image"]] == ["unsupported_format"]
    assert ProductImage.objects.count() == 0


@pytest.mark.django_db
def test_new_photos_go_last_and_only_the_first_is_main(product, owner):
    first = product_image_add(product=product, actor=owner, uploaded_file=jpeg_upload())
    second = product_image_add(product=product, actor=owner, uploaded_file=jpeg_upload())

    assert list(product.images.order_by("position").values_list("pk", "position", "is_main")) == [
        (first.pk, 0, True),
        (second.pk, 1, False),
    ]


@pytest.mark.django_db
def test_a_ninth_photo_is_refused(product, owner):
    for position in range(8):
        ProductImageFactory(product=product, position=position, is_main=position == 0)
    before = image_state(product)

    with pytest.raises(ValidationError) as refused:
        product_image_add(product=product, actor=owner, uploaded_file=jpeg_upload())

    assert refused.value.message_dict == {"image": ["Satu produk paling banyak 8 foto; hapus satu dulu."]}
    assert image_state(product) == before


@pytest.mark.django_db
def test_setting_the_main_photo_moves_the_mark(product, owner):
    first = ProductImageFactory(product=product, position=0, is_main=True)
    second = ProductImageFactory(product=product, position=1)

    product_image_set_main(image=second, actor=owner)

    assert list(product.images.order_by("pk").values_list("pk", "is_main")) == [(first.pk, False), (second.pk, True)]


@pytest.mark.django_db
def test_database_refuses_two_main_photos(product):
    ProductImageFactory(product=product, position=0, is_main=True)

    with pytest.raises(IntegrityError):
        ProductImageFactory(product=product, position=1, is_main=True)


@pytest.mark.django_db
def test_reorder_puts_the_photos_in_the_given_order(product, owner):
    images = [ProductImageFactory(product=product, position=position, is_main=position == 0) for position in range(3)]

    product_image_reorder(product=product, actor=owner, image_ids=[images[2].pk, images[0].pk, images[1].pk])

    assert list(product.images.order_by("position").values_list("pk", "position", "is_main")) == [
        (images[2].pk, 0, False),
        (images[0].pk, 1, True),
        (images[1].pk, 2, False),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["missing_one", "duplicate", "foreign"])
def test_reorder_must_list_every_photo_exactly_once(product, owner, which):
    images = [ProductImageFactory(product=product, position=position, is_main=position == 0) for position in range(2)]
    other = ProductImageFactory()
    image_ids = {
        "missing_one": [images[1].pk],
        "duplicate": [images[1].pk, images[1].pk],
        "foreign": [images[1].pk, other.pk],
    }[which]
    before = image_state(product)

    with pytest.raises(ValidationError) as refused:
        product_image_reorder(product=product, actor=owner, image_ids=image_ids)

    assert refused.value.message_dict == {"images": ["Sebutkan setiap foto produk tepat satu kali."]}
    assert image_state(product) == before


@pytest.mark.django_db
def test_removing_the_main_photo_makes_the_next_one_main_and_deletes_its_file_after_commit(
    product, owner, django_capture_on_commit_callbacks
):
    images = [ProductImageFactory(product=product, position=position, is_main=position == 0) for position in range(3)]
    removed_file = images[0].original.name
    assert default_storage.exists(removed_file)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_remove(image=images[0], actor=owner)

    assert list(product.images.order_by("position").values_list("pk", "position", "is_main")) == [
        (images[1].pk, 0, True),
        (images[2].pk, 1, False),
    ]
    assert default_storage.exists(removed_file) is False


@pytest.mark.django_db
def test_sweep_queues_renditions_only_for_photos_the_fast_path_missed(django_capture_on_commit_callbacks):
    missed = ProductImageFactory(created_at=timezone.now() - timedelta(minutes=6))
    fresh = ProductImageFactory(created_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        queued = sweep_product_image_renditions()

    missed.refresh_from_db()
    fresh.refresh_from_db()
    assert (queued, missed.renditions_ready, fresh.renditions_ready) == (1, True, False)
