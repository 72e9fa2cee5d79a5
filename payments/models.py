"""Payments of orders (DESIGN §3, §6).

- **Payment**: how one order is paid, through one provider (`payments.providers`): the amount asked (for a
  bank transfer the order total plus a small unique code, so an operator can match the transfer on the
  bank statement), its status, the provider's references and the shopper's proof of transfer.
  `idempotency_key` is unique: a retried initiation finds the same payment.
- **PaymentEvent**: one event received from a provider (a webhook), stored under the provider's unique event
  id; the constraint is what makes replays no-ops (used by card payments).
- **Refund**: money given back for one shop order, through the provider that took it (a Stripe refund) or by
  hand (a bank transfer back, cash for cash on delivery), with who paid it back and how.
- **LedgerEntry**: one signed money movement of a shop (sale, shipping, commission, refund, payout...). A shop's
  balance is the sum of its entries, never a stored counter; an entry of a shop order is *available* once the
  shop order is completed (the shopper confirmed receipt or the auto-complete timer passed), else *pending*.
- **PayoutAccount**: where a shop is paid: a connected Stripe account (state from `account.updated`) and/or a
  bank account for the operators' payout batches.
- **Payout** and **PayoutBatch**: money sent to a shop from its available balance, `pending → processing →
  paid | failed`; a failed payout's money returns to the balance through a ledger entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order, PaymentMethod, ShopOrder
from shops.models import Shop

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
    # A card payment: the provider's payment id (Stripe PaymentIntent), what refunds are made against.
    provider_payment_id = models.CharField(_("provider payment id"), max_length=255, blank=True)
    failure_message = models.CharField(_("why the payment failed"), max_length=500, blank=True)
    # Money arrived that does not match (amount or currency): an operator decides, nothing is accepted.
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)
    flag_reason = models.TextField(_("why it is flagged"), blank=True)
    # An operator looked into the flag and says what was done (refunded in Stripe's dashboard, accepted...).
    flag_resolved_at = models.DateTimeField(_("flag resolved at"), null=True, blank=True)
    flag_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flag resolved by"),
    )
    flag_resolution = models.TextField(_("what was done"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [
            ("confirm_bank_transfer", _("Can confirm bank transfers")),
            ("manage_payouts", _("Can refund, pay out to sellers and see the reconciliation")),
        ]
        indexes = [
            models.Index(fields=["provider", "status", "-created_at"], name="payments_payment_pending"),
            models.Index(fields=["provider_reference"], name="payments_payment_reference"),
            models.Index(fields=["provider_payment_id"], name="payments_payment_provider_id"),
        ]
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
    # Tries so far and the last reason it could not be processed (the payment row does not exist yet...).
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(
                fields=["received_at"], condition=Q(processed_at__isnull=True), name="payments_event_unprocessed"
            )
        ]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_unique_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class Refund(models.Model):
    """Money given back for one shop order. The amounts of a shop order's refunds that did not fail never exceed
    what was paid for it (`payments.services.refunds`, under the payment's row lock)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In progress")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    class Method(models.TextChoices):
        PROVIDER = "provider", _("Through the payment provider")
        MANUAL = "manual", _("By hand")

    class PaidBackBy(models.TextChoices):
        PLATFORM = "platform", _("The platform")
        SELLER = "seller", _("The seller")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    shop_order = models.ForeignKey(
        ShopOrder, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("shop order")
    )
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    paid_back_by = models.CharField(_("paid back by"), max_length=10, choices=PaidBackBy.choices)
    reason = models.TextField(_("reason"))
    # A manual refund: how the money went back (bank, account, transfer reference; "cash at the shop").
    manual_note = models.TextField(_("how it was paid back"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    actor = models.CharField(_("by"), max_length=10)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    failure_message = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        indexes = [models.Index(fields=["provider_reference"], name="payments_refund_reference")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]), name="payments_refund_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_order_id} {self.amount} {self.status}"


class PayoutAccount(models.Model):
    """Where a shop's money goes: a connected Stripe account (Express, onboarded through an account link; its
    state is kept from `account.updated` events), else a bank account for the operators' payout batches."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="payout_account", verbose_name=_("shop"))
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    account_number = models.CharField(_("account number"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    stripe_account_id = models.CharField(_("Stripe account"), max_length=255, null=True, blank=True, unique=True)
    stripe_details_submitted = models.BooleanField(_("details submitted to Stripe"), default=False)
    stripe_charges_enabled = models.BooleanField(_("Stripe charges enabled"), default=False)
    stripe_payouts_enabled = models.BooleanField(_("Stripe payouts enabled"), default=False)
    stripe_requirements = models.JSONField(_("what Stripe still needs"), default=list, blank=True)
    stripe_updated_at = models.DateTimeField(_("Stripe state updated at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payout account")
        verbose_name_plural = _("payout accounts")

    def __str__(self) -> str:
        return str(self.shop_id)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_name and self.account_number and self.account_holder)

    @property
    def pays_through_stripe(self) -> bool:
        return bool(self.stripe_account_id and self.stripe_payouts_enabled)


class PayoutBatch(models.Model):
    """Bank payouts an operator created together, exported as one CSV for the bank."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")

    def __str__(self) -> str:
        return self.number


class Payout(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSING = "processing", _("Processing")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Stripe transfer")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("shop"))
    amount = models.PositiveBigIntegerField(_("amount (rupiah)"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    batch = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payouts", verbose_name=_("batch")
    )
    # A Stripe transfer pays one shop order (its `transfer_group` is the order number).
    shop_order = models.ForeignKey(
        ShopOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="payouts", verbose_name=_("shop order")
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    provider_reference = models.CharField(_("reference"), max_length=255, blank=True)
    # The bank account when the payout was created (the shop may change it later).
    bank_name = models.CharField(_("bank"), max_length=80, blank=True)
    account_number = models.CharField(_("account number"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    failure_message = models.CharField(_("why it failed"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    processing_at = models.DateTimeField(_("processing since"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "processing", "paid", "failed"]), name="payments_payout_status_valid"
            ),
            # A shop order is transferred once (a failed transfer may be tried again).
            models.UniqueConstraint(
                fields=["shop_order"],
                condition=Q(shop_order__isnull=False) & ~Q(status="failed"),
                name="payments_payout_once_per_shop_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.amount} {self.status}"


class LedgerEntry(models.Model):
    """One signed money movement of a shop; positive is owed to the seller, negative is owed by the seller or
    already sent to them."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        SHIPPING = "shipping", _("Shipping paid by the shopper")
        COMMISSION = "commission", _("Platform commission")
        COD_COMMISSION = "cod_commission", _("Commission owed on cash on delivery")
        REFUND = "refund", _("Refund to the shopper")
        COMMISSION_REFUND = "commission_refund", _("Commission returned with a refund")
        PAYOUT = "payout", _("Payout")
        PAYOUT_REVERSAL = "payout_reversal", _("Failed payout returned")

    # Kinds booked at most once per shop order, per refund, per payout (the constraints below).
    SHOP_ORDER_KINDS = (Kind.SALE, Kind.SHIPPING, Kind.COMMISSION, Kind.COD_COMMISSION)
    REFUND_KINDS = (Kind.REFUND, Kind.COMMISSION_REFUND)
    PAYOUT_KINDS = (Kind.PAYOUT, Kind.PAYOUT_REVERSAL)
    COMMISSION_KINDS = (Kind.COMMISSION, Kind.COD_COMMISSION, Kind.COMMISSION_REFUND)

    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("shop"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount (rupiah)"))
    shop_order = models.ForeignKey(
        ShopOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("order"),
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries", verbose_name=_("refund")
    )
    payout = models.ForeignKey(
        Payout, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries", verbose_name=_("payout")
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["shop", "-created_at"], name="payments_ledger_shop_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["shop_order", "kind"],
                condition=Q(kind__in=["sale", "shipping", "commission", "cod_commission"]),
                name="payments_ledger_once_per_shop_order",
            ),
            models.UniqueConstraint(
                fields=["refund", "kind"], condition=Q(refund__isnull=False), name="payments_ledger_once_per_refund"
            ),
            models.UniqueConstraint(
                fields=["payout", "kind"], condition=Q(payout__isnull=False), name="payments_ledger_once_per_payout"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.kind} {self.amount}"

    SUMMARIES = {
        Kind.SALE: _("Sale %(number)s"),
        Kind.SHIPPING: _("Shipping %(number)s"),
        Kind.COMMISSION: _("Commission on %(number)s"),
        Kind.COD_COMMISSION: _("Commission owed on cash on delivery %(number)s"),
        Kind.REFUND: _("Refund to the shopper, %(number)s"),
        Kind.COMMISSION_REFUND: _("Commission returned with the refund, %(number)s"),
        Kind.PAYOUT: _("Payout %(number)s"),
        Kind.PAYOUT_REVERSAL: _("Payout %(number)s failed, amount returned"),
    }

    @property
    def summary(self) -> str:
        """The entry in words, in the reader's language (rendered when read, not when booked), with its free
        `description` (a note) after it. Uses `shop_order` and `payout` (load them with the entry)."""
        if self.shop_order_id:
            number = self.shop_order.number
        elif self.payout_id:
            number = f"#{self.payout_id}"
        else:
            number = ""
        text = str(self.SUMMARIES[self.kind] % {"number": number}).strip() if self.kind in self.SUMMARIES else ""
        return f"{text} · {self.description}" if self.description else text
