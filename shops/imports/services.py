"""Writes of the bulk import: upload, check, confirm, apply, cancel, and the crash-recovery sweep.

A job's life (`ProductImport.Status`): the seller uploads (`product_import_create`: `uploaded`, the file checked
for size and kind, `validate_product_import` queued after commit); the task claims it (`validating`), reads and
checks every row (`shops.imports.parsing`, `shops.imports.validation`) and ends `validated` (at least one
product can be imported; errors may remain, their rows are skipped) or `invalid` (nothing can be). The seller
looks at the errors and the preview and confirms (`product_import_confirm`: `importing`, `apply_product_import`
queued), or cancels. The apply task checks the file again against the catalogue as it is then, and writes it
in batches (`shops.imports.writing`), each in one transaction that also records the progress, so a crash
loses at most one batch, and the next run resumes after the last committed one.

Claims (`shops.imports.claims`, as the email outbox): a worker owns a job while `claimed_until` lies in the
future, and every write it makes is conditional on still holding it, so two workers never work on one job, and
a task queued twice does nothing the second time. A worker that dies leaves a claim that runs out;
`product_import_sweep` (beat, every 5 minutes) queues such jobs again, and after `MAX_ATTEMPTS` claims the job
is `failed`. Who: the shop's owner or staff (PermissionDenied), checked at upload and at confirmation, and
again for the confirming user when the import runs.
"""

import logging
from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.core.queueing import enqueue_on_commit

from ..models import ProductImport, Shop
from ..services.products import (
    products_need_review,
    require_catalogue_member,
)
from .claims import LostClaim, claim_job
from .errors import ProductImportStateError
from .parsing import MAX_FILE_BYTES, ImportFileError, detect_format, parse
from .validation import Validation, stored_errors, validate
from .writing import apply_batch_with_retry, batches

logger = logging.getLogger(__name__)

SWEEP_BATCH = 100
CANCELLABLE = (ProductImport.Status.UPLOADED, ProductImport.Status.VALIDATING, ProductImport.Status.VALIDATED)


def _tasks():
    from . import tasks  # tasks import this module

    return tasks


# --- Upload -------------------------------------------------------------------------------------------------


def product_import_create(*, shop: Shop, actor: User, uploaded_file) -> ProductImport:
    """Store an uploaded CSV or XLSX file as a new job of `shop` and queue its check after commit.

    Only the shop's owner or staff (PermissionDenied). The file is judged by its bytes (`detect_format`),
    at most `MAX_FILE_BYTES`; otherwise ValidationError on "file" and nothing is stored. The stored name is
    random (the seller's name is kept in `original_name`). Rows are read by the task, not here.
    """
    require_catalogue_member(shop=shop, actor=actor)
    if uploaded_file is None:
        raise ValidationError({"file": ValidationError(_("Choose a CSV or XLSX file."), code="required")})
    if uploaded_file.size > MAX_FILE_BYTES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file is larger than %(max)s MB. Split it into smaller files."),
                    code="too_large",
                    params={"max": MAX_FILE_BYTES // (1024 * 1024)},
                )
            }
        )
    content = b"".join(uploaded_file.chunks())
    try:
        file_format = detect_format(content)
    except ImportFileError as error:
        raise ValidationError(
            {"file": [ValidationError(item["message"], code=item["code"]) for item in error.errors]}
        ) from None
    original_name = (getattr(uploaded_file, "name", "") or "")[:255] or f"impor.{file_format}"
    with transaction.atomic():
        product_import = ProductImport(shop=shop, created_by=actor, original_name=original_name, format=file_format)
        product_import.file.save(f"{uuid4().hex}.{file_format}", ContentFile(content), save=False)
        product_import.save()
        enqueue_on_commit(_tasks().validate_product_import, product_import.pk)
    return product_import


# --- Check --------------------------------------------------------------------------------------------------


def _read(product_import: ProductImport) -> bytes:
    with product_import.file.open("rb") as stored:
        return stored.read()


def _validate_file(product_import: ProductImport) -> Validation:
    parsed = parse(_read(product_import))
    return validate(shop=product_import.shop, parsed=parsed)


def product_import_validate(*, product_import_id: int) -> ProductImport | None:
    """Check every row of an uploaded job (the task `validate_product_import`); idempotent.

    Claims the job (uploaded, or validating with a claim that ran out); does nothing when it cannot. Reads the
    file, checks it, and ends `validated` (at least one row can be imported) or `invalid`, storing the errors
    (the first `MAX_STORED_ERRORS`, all counted), the preview and the counts. Messages are in the site's
    default language. A file that cannot be read at all is `invalid` with that one error.
    """
    claim = claim_job(
        product_import_id=product_import_id,
        statuses=(ProductImport.Status.UPLOADED, ProductImport.Status.VALIDATING),
        status=ProductImport.Status.VALIDATING,
    )
    if claim is None:
        return None
    claim.renew(processed_rows=0, error_count=0, errors=[], preview={}, valid_rows=0)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            content = _read(claim.product_import)
            parsed = parse(content)
        except ImportFileError as error:
            claim.finish(
                status=ProductImport.Status.INVALID,
                errors=[{**item, "message": str(item["message"])} for item in error.errors],
                error_count=len(error.errors),
                validated_at=timezone.now(),
            )
            return ProductImport.objects.get(pk=product_import_id)
        claim.renew(total_rows=len(parsed.rows))

        def progress(rows_done: int) -> None:
            if not claim.renew(processed_rows=rows_done):
                raise LostClaim

        try:
            result = validate(shop=claim.product_import.shop, parsed=parsed, progress=progress)
        except LostClaim:
            return None  # cancelled (or taken over) while checking
    status = ProductImport.Status.VALIDATED if result.valid_rows else ProductImport.Status.INVALID
    claim.finish(
        status=status,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        valid_rows=result.valid_rows,
        error_count=len(result.errors),
        errors=stored_errors(result.errors),
        preview=result.preview(),
        validated_at=timezone.now(),
    )
    return ProductImport.objects.get(pk=product_import_id)


# --- The seller's decisions ---------------------------------------------------------------------------------


@transaction.atomic
def product_import_confirm(*, product_import: ProductImport, actor: User) -> ProductImport:
    """The seller confirms a checked job: it becomes `importing` and `apply_product_import` is queued after commit.

    Only the shop's owner or staff (PermissionDenied). Locks the job row. Only a `validated` job with rows to
    import (else ProductImportStateError, nothing changes). Rows with errors are skipped: that is what the
    seller confirms.
    """
    product_import = ProductImport.objects.select_for_update().select_related("shop").get(pk=product_import.pk)
    require_catalogue_member(shop=product_import.shop, actor=actor)
    if product_import.status != ProductImport.Status.VALIDATED or not product_import.valid_rows:
        raise ProductImportStateError(_("This import cannot be started now."), status=product_import.status)
    product_import.status = ProductImport.Status.IMPORTING
    product_import.confirmed_by = actor
    product_import.confirmed_at = timezone.now()
    product_import.processed_rows = 0
    product_import.attempts = 0
    product_import.claimed_until = None
    product_import.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "processed_rows",
            "attempts",
            "claimed_until",
            "updated_at",
        ]
    )
    enqueue_on_commit(_tasks().apply_product_import, product_import.pk)
    return product_import


@transaction.atomic
def product_import_cancel(*, product_import: ProductImport, actor: User) -> ProductImport:
    """Cancel a job that has not started importing (uploaded, being checked, or checked); a check still running
    stops writing when it next reports progress. Only the shop's owner or staff (PermissionDenied). Locks the
    job row. Any other status: ProductImportStateError, nothing changes."""
    product_import = ProductImport.objects.select_for_update().select_related("shop").get(pk=product_import.pk)
    require_catalogue_member(shop=product_import.shop, actor=actor)
    if product_import.status not in CANCELLABLE:
        raise ProductImportStateError(_("This import can no longer be cancelled."), status=product_import.status)
    product_import.status = ProductImport.Status.CANCELLED
    product_import.claimed_until = None
    product_import.finished_at = timezone.now()
    product_import.save(update_fields=["status", "claimed_until", "finished_at", "updated_at"])
    return product_import


# --- Apply --------------------------------------------------------------------------------------------------


def product_import_apply(*, product_import_id: int) -> ProductImport | None:
    """Import the good rows of a confirmed job (the task `apply_product_import`); idempotent and resumable.

    Claims the job (importing, claim empty or run out); does nothing when it cannot. The confirming user must
    still be the shop's owner or staff, else the job fails. The file is checked again against the catalogue as
    it is now (errors and counts replaced), then written product by product in batches of about `BATCH_ROWS`
    rows: existing SKUs update their variant (name, price, stock) and product (title and the columns the file
    fills; `active` publishes as `product_publish` does), new SKUs add variants, new product names add products
    (unique slugs as `product_create`, moderation by `products_need_review`). Each batch is one transaction
    with the products locked (pk order) before their variants, and records its progress, so after a crash the
    next run skips the batches already committed (`processed_rows`). A SKU taken by a concurrent request
    between the check and the write makes that batch's products errors, not a crash.
    """
    claim = claim_job(
        product_import_id=product_import_id,
        statuses=(ProductImport.Status.IMPORTING,),
        status=ProductImport.Status.IMPORTING,
    )
    if claim is None:
        return None
    product_import = claim.product_import
    shop = Shop.objects.get(pk=product_import.shop_id)
    actor = product_import.confirmed_by
    with translation.override(settings.LANGUAGE_CODE):
        try:
            if actor is None:
                raise PermissionDenied
            require_catalogue_member(shop=shop, actor=actor)
        except PermissionDenied:
            claim.finish(
                status=ProductImport.Status.FAILED,
                failure=str(_("The person who confirmed the import is no longer a member of the shop.")),
                finished_at=timezone.now(),
            )
            return ProductImport.objects.get(pk=product_import_id)
        try:
            result = _validate_file(product_import)
        except ImportFileError as error:
            claim.finish(
                status=ProductImport.Status.FAILED,
                failure="; ".join(str(item["message"]) for item in error.errors),
                finished_at=timezone.now(),
            )
            return ProductImport.objects.get(pk=product_import_id)
        errors = list(result.errors)
        claim.renew(
            total_rows=result.total_rows,
            valid_rows=result.valid_rows,
            error_count=len(errors),
            errors=stored_errors(errors),
        )
        review = products_need_review(shop=shop)
        try:
            for batch, covered in batches(result.products, start_after=product_import.processed_rows):
                errors = apply_batch_with_retry(
                    shop=shop, batch=batch, covered=covered, review=review, claim=claim, errors=errors
                )
        except LostClaim:
            logger.warning("Product import %s: claim lost while importing; another run continues.", product_import.pk)
            return None
    claim.finish(status=ProductImport.Status.DONE, processed_rows=result.total_rows, finished_at=timezone.now())
    return ProductImport.objects.get(pk=product_import_id)


# --- Crash recovery -----------------------------------------------------------------------------------------


def product_import_sweep() -> int:
    """Queue again the jobs a worker should be running but nobody is: uploaded, being checked or importing, with
    an empty claim or one that ran out, and untouched for a minute (the fast path had its chance). Queuing a job
    twice is harmless: the tasks claim first. At most SWEEP_BATCH per run; returns how many were queued."""
    now = timezone.now()
    stale = (
        ProductImport.objects.filter(
            status__in=ProductImport.WORKING_STATUSES, updated_at__lte=now - timedelta(minutes=1)
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("updated_at", "pk")
        .values_list("pk", "status")[:SWEEP_BATCH]
    )
    tasks = _tasks()
    count = 0
    for pk, status in stale:
        task = tasks.apply_product_import if status == ProductImport.Status.IMPORTING else tasks.validate_product_import
        enqueue_on_commit(task, pk)
        count += 1
    return count
