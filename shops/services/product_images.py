"""Writes of product photos: add, reorder, choose the main one, describe (alt text), remove (DESIGN §3, §4).

Same rules as `shops.services.products`: the actor must be an owner or staff of the product's shop
(PermissionDenied), the product row is locked, field errors come as ValidationError and change nothing.
Side effects: a new photo queues `shops.tasks.make_product_image_renditions` after commit; a removed photo's
files are deleted after commit.
"""

import unicodedata
from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.core import pagecache
from marketplace.core.queueing import enqueue_on_commit

from ..images import normalise_photo, validate_product_photo
from ..locks import product_qs_select_for_update
from ..models import Product, ProductImage
from ..models.product import ALT_TEXT_MAX_LENGTH, MAX_IMAGES_PER_PRODUCT
from ..photo_coach import coach_photo
from .products import require_catalogue_member

__all__ = ["product_image_add", "product_image_remove", "product_image_reorder", "product_image_set_main"]

# --- Photos -----------------------------------------------------------------------------------------------

TOO_MANY_IMAGES_MESSAGE = _("A product has at most %(max)d photos; remove one first.")


def _too_many_images() -> ValidationError:
    return ValidationError(
        {
            "image": ValidationError(
                TOO_MANY_IMAGES_MESSAGE, code="too_many_images", params={"max": MAX_IMAGES_PER_PRODUCT}
            )
        }
    )


@transaction.atomic
def product_image_add(*, product: Product, actor: User, uploaded_file) -> ProductImage:
    """Add a photo: validate it (`shops.images.validate_product_photo`: real JPEG/PNG/WebP, size, pixels),
    record the photo coach's advice codes (warnings only), store the normalised WebP original, and queue
    `shops.tasks.make_product_image_renditions` after commit. The first photo becomes the main photo; a new
    photo goes last.

    Only the shop's owner or staff (PermissionDenied). At most `MAX_IMAGES_PER_PRODUCT` photos
    (ValidationError on "image", code "too_many_images"); a refused upload: ValidationError on "image" with
    the code from `shops.images`. The heavy work runs before the product row is locked; the count is checked
    again under the lock. A file stored by a transaction that then rolls back stays in storage unreferenced.
    """
    product = Product.objects.select_related("shop").get(pk=product.pk)
    require_catalogue_member(shop=product.shop, actor=actor)
    if product.images.count() >= MAX_IMAGES_PER_PRODUCT:
        raise _too_many_images()
    try:
        validated = validate_product_photo(uploaded_file)
    except ValidationError as error:
        raise ValidationError({"image": error.error_list}) from error
    try:
        advice = coach_photo(validated.image, original_size=(validated.width, validated.height))
        encoded = normalise_photo(validated.image)
    finally:
        validated.image.close()

    product = product_qs_select_for_update().get(pk=product.pk)
    existing = product.images.aggregate(last=Max("position"))
    count = product.images.count()
    if count >= MAX_IMAGES_PER_PRODUCT:
        raise _too_many_images()
    image = ProductImage(
        product=product,
        position=0 if existing["last"] is None else existing["last"] + 1,
        is_main=count == 0,
        width=encoded.width,
        height=encoded.height,
        coach_advice=[item.code for item in advice],
    )
    image.original.save(f"{uuid4().hex}.{encoded.extension}", ContentFile(encoded.content), save=False)
    image.save()
    from ..tasks import make_product_image_renditions  # the tasks module imports the models, not the services

    enqueue_on_commit(make_product_image_renditions, image.pk)
    return image


@transaction.atomic
def product_image_reorder(*, product: Product, actor: User, image_ids: Sequence[int]) -> list[ProductImage]:
    """Put the product's photos in the order of `image_ids` (positions 0, 1, 2…); the main photo stays.

    Only the shop's owner or staff (PermissionDenied). Locks the product row. `image_ids` must list every photo
    of the product exactly once (ValidationError on "images", code "invalid_order"). Returns the photos in order.
    """
    product = product_qs_select_for_update().select_related("shop").get(pk=product.pk)
    require_catalogue_member(shop=product.shop, actor=actor)
    images = {image.pk: image for image in product.images.all()}
    if len(image_ids) != len(set(image_ids)) or set(image_ids) != set(images):
        raise ValidationError(
            {"images": ValidationError(_("List every photo of the product exactly once."), code="invalid_order")}
        )
    ordered = [images[image_id] for image_id in image_ids]
    for position, image in enumerate(ordered):
        image.position = position
    ProductImage.objects.bulk_update(ordered, ["position"])
    pagecache.invalidate()  # bulk_update sends no signal (cms.signals)
    return ordered


@transaction.atomic
def product_image_set_main(*, image: ProductImage, actor: User) -> ProductImage:
    """Make `image` the product's main photo (the one on cards); the previous main photo becomes an ordinary one.

    Only the shop's owner or staff (PermissionDenied). Locks the product row.
    """
    product = product_qs_select_for_update().select_related("shop").get(pk=image.product_id)
    require_catalogue_member(shop=product.shop, actor=actor)
    image = product.images.get(pk=image.pk)
    # Clear first: the database allows one main photo per product at any moment.
    product.images.filter(is_main=True).exclude(pk=image.pk).update(is_main=False)
    if not image.is_main:
        image.is_main = True
        image.save(update_fields=["is_main"])
    return image


def _clean_alt_text(alt_text: Any) -> str:
    """One line of plain text: whitespace (newlines too) collapsed, control characters refused with the rest."""
    text = " ".join(str(alt_text or "").split())
    if len(text) > ALT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "alt_text": ValidationError(
                    _("Describe the photo in at most %(limit)d characters (this has %(count)d)."),
                    code="too_long",
                    params={"limit": ALT_TEXT_MAX_LENGTH, "count": len(text)},
                )
            }
        )
    if any(unicodedata.category(character).startswith("C") for character in text):
        raise ValidationError(
            {"alt_text": ValidationError(_("Use letters, numbers and punctuation only."), code="invalid_characters")}
        )
    return text


@transaction.atomic
def product_image_describe(*, image: ProductImage, actor: User, alt_text: str) -> ProductImage:
    """Set what the photo shows, for shoppers who cannot see it (its `alt` text; empty: the product's title
    stands in). Only the shop's owner or staff (PermissionDenied); locks the product row. Too long or with control
    characters: ValidationError on "alt_text", nothing changed."""
    product = product_qs_select_for_update().select_related("shop").get(pk=image.product_id)
    require_catalogue_member(shop=product.shop, actor=actor)
    text = _clean_alt_text(alt_text)
    image = product.images.get(pk=image.pk)
    if image.alt_text != text:
        image.alt_text = text
        image.save(update_fields=["alt_text"])
    return image


@transaction.atomic
def product_image_remove(*, image: ProductImage, actor: User) -> None:
    """Delete a photo and, after commit, its files. When it was the main photo, the first remaining photo
    becomes the main one. Positions are renumbered 0, 1, 2….

    Only the shop's owner or staff (PermissionDenied). Locks the product row.
    """
    product = product_qs_select_for_update().select_related("shop").get(pk=image.product_id)
    require_catalogue_member(shop=product.shop, actor=actor)
    image = product.images.get(pk=image.pk)
    files = [field for field in (image.original, image.thumbnail, image.card, image.detail) if field]
    storage_and_names = [(field.storage, field.name) for field in files]
    image.delete()
    remaining = list(product.images.order_by("position", "pk"))
    for position, other in enumerate(remaining):
        other.position = position
    if remaining and not any(other.is_main for other in remaining):
        remaining[0].is_main = True
    ProductImage.objects.bulk_update(remaining, ["position", "is_main"])
    pagecache.invalidate()

    def delete_files() -> None:
        for storage, name in storage_and_names:
            storage.delete(name)

    transaction.on_commit(delete_files)
