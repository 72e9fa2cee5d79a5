"""Celery tasks of the bulk import (discovered by `marketplace.celery`). Each takes a job id, claims the job and
does nothing when the work is done or another worker holds it (see `shops.imports.services`)."""

from celery import shared_task

from . import services


@shared_task(name="shops.imports.tasks.validate_product_import")
def validate_product_import(import_id: int) -> None:
    """Read and check every row of an uploaded import; ends `validated` or `invalid`. Idempotent."""
    services.product_import_validate(product_import_id=import_id)


@shared_task(name="shops.imports.tasks.apply_product_import")
def apply_product_import(import_id: int) -> None:
    """Import the good rows of a confirmed import, batch by batch, resuming after a crash. Idempotent."""
    services.product_import_apply(product_import_id=import_id)


@shared_task(name="shops.imports.tasks.sweep_product_imports")
def sweep_product_imports() -> int:
    """Queue again imports whose worker was lost or whose task never ran (beat, every 5 minutes)."""
    return services.product_import_sweep()
