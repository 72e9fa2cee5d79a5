"""Payments of orders (DESIGN §3, §6).

- **Payment**: how one order is paid, through one provider (`payments.providers`): the amount asked (for a
  bank transfer the order total plus a small unique code, so an operator can match the transfer on the
  bank statement), its status, the provider's references and the shopper's proof of transfer.
  `idempotency_key` is unique: a retried initiation finds the same payment.
- **PaymentEvent**: one event received from a provider (a webhook), stored under the provider's unique event
  id; the constraint is what makes replays no-ops (used by card payments).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order, PaymentMethod

MAX_UNIQUE_CODE = 999


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order"))
    provider = models.CharField(_("provider"), max_length=20, choices=PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # What the shopper pays: the order total, plus `unique_code` for a bank transfer.
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    unique_code = models.PositiveSmallIntegerField(_("unique code"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    proof = models.FileField(_("proof of transfer"), upload_to="payments/proofs/%Y/%m/", blank=True)
    proof_uploaded_at = models.DateTimeField(_("proof uploaded at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("confirm_bank_transfer", _("Can confirm bank transfers"))]
        indexes = [models.Index(fields=["provider", "status", "-created_at"], name="payments_payment_pending")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed", "cancelled"]),
                name="payments_payment_status_valid",
            ),
            # Two pending bank transfers never ask for the same amount: the amount is how they are matched.
            models.UniqueConstraint(
                fields=["amount"],
                condition=Q(provider="bank_transfer", status="pending"),
                name="payments_bank_transfer_pending_amount_unique",
            ),
            models.CheckConstraint(condition=Q(unique_code__lte=MAX_UNIQUE_CODE), name="payments_unique_code_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.order_id} {self.status}"


class PaymentEvent(models.Model):
    provider = models.CharField(_("provider"), max_length=20, choices=PaymentMethod.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    kind = models.CharField(_("event type"), max_length=100)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_unique_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"
