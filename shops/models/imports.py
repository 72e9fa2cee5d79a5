"""A bulk product import (impor produk): one uploaded CSV or XLSX file and the Celery job that checks and
applies it (issue 3, DESIGN §4 "CSV imports report each bad row… and import the good ones only when the seller
confirms").

Life of a job: `uploaded → validating → validated | invalid | failed`; the seller confirms a validated job
(`importing`), which ends `done` (or `failed`); `cancelled` before the import starts. Only
`shops.imports.services` changes a job; the rules, the file format and the crash recovery (`claimed_until`, as
the email outbox) are described there and in `shops.imports.parsing`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .shop import Shop


class ProductImport(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Ready to import")
        INVALID = "invalid", _("Cannot be imported")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # A worker owns the job while it runs these statuses; the others wait for the seller or are final.
    WORKING_STATUSES = (Status.UPLOADED, Status.VALIDATING, Status.IMPORTING)
    FINAL_STATUSES = (Status.INVALID, Status.DONE, Status.FAILED, Status.CANCELLED)

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="product_imports", verbose_name=_("shop"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    file = models.FileField(_("file"), upload_to="imports/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    valid_rows = models.PositiveIntegerField(_("rows without errors"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The first `MAX_STORED_ERRORS` of {row, column, code, message}; `error_count` counts them all.
    errors = models.JSONField(_("error list"), default=list, blank=True)
    # {"rows": [first rows with their action], "new_products", "updated_products", "new_variants", ...}
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    created_count = models.PositiveIntegerField(_("variants added"), default=0)
    updated_count = models.PositiveIntegerField(_("variants updated"), default=0)
    products_created = models.PositiveIntegerField(_("products added"), default=0)
    products_updated = models.PositiveIntegerField(_("products updated"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        indexes = [
            models.Index(fields=["shop", "-created_at"], name="shops_import_shop_created"),
            models.Index(fields=["status", "claimed_until"], name="shops_import_status_claim"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "uploaded",
                        "validating",
                        "validated",
                        "invalid",
                        "importing",
                        "done",
                        "failed",
                        "cancelled",
                    ]
                ),
                name="shops_import_status_valid",
            ),
            models.CheckConstraint(condition=Q(format__in=["csv", "xlsx"]), name="shops_import_format_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        """How far the current phase is, 0-100 (checking, then importing); 100 once finished."""
        if self.status in (self.Status.VALIDATED, self.Status.INVALID, self.Status.DONE):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING_STATUSES
