"""Celery tasks of the shops app. Tasks take ids, reload their rows and do nothing when the work is done."""

import logging
from datetime import timedelta
from uuid import uuid4

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.core import pagecache
from marketplace.core.queueing import enqueue_on_commit

from .images import make_renditions
from .models import ProductImage
from .services.legal import halal_expiry_warnings_send

logger = logging.getLogger(__name__)

# A photo whose renditions are still missing this long after its upload was missed by the fast path.
RENDITION_SWEEP_AGE = timedelta(minutes=5)
RENDITION_SWEEP_BATCH = 200


@shared_task(name="shops.tasks.make_product_image_renditions")
def make_product_image_renditions(product_image_id: int) -> None:
    """Make the thumbnail, card and detail WebP renditions of one product photo and store them.

    Idempotent: a photo that is gone or already has all three renditions is left alone. The files are written
    first, then recorded with a conditional update (only while the renditions are still missing); when that
    update finds nothing (a rival run won, or the photo was removed meanwhile) the new files are deleted again.
    """
    image = ProductImage.objects.filter(pk=product_image_id).first()
    if image is None or image.renditions_ready:
        return
    with image.original.open("rb") as original:
        content = original.read()
    renditions = make_renditions(content)

    stem = uuid4().hex
    storage = image.thumbnail.storage
    stored: dict[str, str] = {}
    for name in ProductImage.RENDITION_FIELDS:
        rendition = renditions[name]
        field = ProductImage._meta.get_field(name)
        path = field.generate_filename(image, f"{stem}-{name}.{rendition.extension}")
        stored[name] = storage.save(path, ContentFile(rendition.content))

    updated = ProductImage.objects.filter(pk=image.pk, thumbnail="").update(**stored)
    if updated:
        pagecache.invalidate()  # cards switch from the original to the rendition
    else:
        for path in stored.values():
            storage.delete(path)


@shared_task(name="shops.tasks.sweep_product_image_renditions")
def sweep_product_image_renditions() -> int:
    """Queue the rendition task for photos still without renditions a while after upload (the broker was down,
    a worker died). Meant for beat, every few minutes. Returns how many were queued."""
    cutoff = timezone.now() - RENDITION_SWEEP_AGE
    image_ids = list(
        ProductImage.objects.filter(thumbnail="", created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:RENDITION_SWEEP_BATCH]
    )
    for image_id in image_ids:
        enqueue_on_commit(make_product_image_renditions, image_id)
    return len(image_ids)


@shared_task(name="shops.tasks.warn_expiring_halal_certificates")
def warn_expiring_halal_certificates() -> int:
    """Mail each owner whose verified halal certificate expires within 30 days, once per expiry date
    (`shops.services.legal.halal_expiry_warnings_send`). Meant for beat, daily. Returns how many were warned."""
    return halal_expiry_warnings_send()
