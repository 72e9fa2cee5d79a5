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


@shared_task(name="shops.tasks.flush_product_views")
def flush_product_views() -> int:
    """Move the product page views counted in the cache (`shops.views_counter`) into `ProductViewDay`. Meant
    for beat, every 5 minutes. Returns how many views were moved.

    For each of the days a counter is kept, reads the day's index and the counters, adds each count to the
    product's row of that day (an upsert: `views + n`), and after the commit subtracts exactly what it moved
    with `cache.decr`, so views counted meanwhile stay for the next run; a second run right after moves
    nothing. Counts of ids that are no (longer a) product are dropped. One run at a time (a cache lock).
    """
    from contextlib import suppress
    from datetime import timedelta

    from django.core.cache import cache
    from django.db import IntegrityError, transaction
    from django.db.models import F

    from . import views_counter as counter
    from .models import Product, ProductViewDay

    lock = "product-views:flush-lock"
    if not cache.add(lock, 1, 240):
        return 0
    moved = 0
    try:
        today = counter.today_wita()
        for offset in range(counter.DAYS_KEPT):
            day = today - timedelta(days=offset)
            slots = int(cache.get(counter.index_count_key(day)) or 0)
            if not slots:
                continue
            slot_values = cache.get_many([counter.index_slot_key(day, slot) for slot in range(1, slots + 1)])
            keys = {counter.counter_key(day, int(value)): int(value) for value in slot_values.values() if value}
            counts = {keys[key]: int(value) for key, value in cache.get_many(list(keys)).items() if int(value) > 0}
            if not counts:
                continue
            existing = set(Product.objects.filter(pk__in=list(counts)).values_list("pk", flat=True))
            with transaction.atomic():
                for product_id, views in counts.items():
                    if product_id not in existing:
                        continue
                    rows = ProductViewDay.objects.filter(product_id=product_id, day=day)
                    if rows.update(views=F("views") + views):
                        continue
                    try:
                        with transaction.atomic():
                            ProductViewDay.objects.create(product_id=product_id, day=day, views=views)
                    except IntegrityError:  # created meanwhile by another writer
                        rows.update(views=F("views") + views)
            for product_id, views in counts.items():
                with suppress(ValueError):  # expired meanwhile: nothing left to subtract from
                    cache.decr(counter.counter_key(day, product_id), views)
                if product_id in existing:
                    moved += views
    finally:
        cache.delete(lock)
    return moved
