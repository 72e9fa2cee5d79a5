"""Payouts to sellers (DESIGN §6): money leaves a shop's *available* balance (`payments.selectors`).

Two ways, one state machine `pending → processing → paid | failed`:
- **Stripe transfers** for shops whose connected account can receive payouts: a scheduled task
  (`payments.tasks.run_stripe_payouts`) creates one payout per completed shop order not yet transferred (its
  `transfer_group` is the order number), never more than the shop's available balance, then sends each with an
  idempotency key derived from the payout.
- **Payout batches** for everyone else: an operator creates a batch of the shops' available balances, exports
  it as CSV for the bank (pending → processing) and marks each payout paid or failed.

A payout is booked in the ledger (`PAYOUT`, negative) when it is created, so the money cannot be paid out twice;
a failed payout books it back (`PAYOUT_REVERSAL`). Creating payouts locks the shops' `PayoutAccount` rows and
reads the balance again under the lock: two runs at the same time (two operators, two workers) create them once.
"""

import csv
import io
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import PaymentMethod, ShopOrder
from shops.selectors import shop_member_role

from ..errors import PaymentStateError, ProviderError
from ..models import LedgerEntry, Payout, PayoutAccount, PayoutBatch, Refund
from ..selectors import payable_balances, shop_balance
from .ledger import ledger_book_payout

Status = Payout.Status
# A Stripe payout left `processing` this long (the worker died mid-request) is sent again, same idempotency key.
RESEND_AFTER = timedelta(minutes=10)
MAX_TEXT = 500
CSV_COLUMNS = (
    "batch",
    "payout_id",
    "shop",
    "bank",
    "account_number",
    "account_holder",
    "amount",
    "reference",
    "status",
)


# --- Bank accounts ------------------------------------------------------------------------------------------


def payout_account_update_bank(
    *, shop, user, bank_name: str, account_number: str, account_holder: str
) -> PayoutAccount:
    """The shop owner's bank account for payouts. The account number keeps digits only (spaces and dashes are
    dropped) and has 5 to 20 of them. Raises PermissionDenied (not the owner), ValidationError."""
    if user is None or not user.is_authenticated or shop_member_role(user=user, shop=shop) != "owner":
        raise PermissionDenied
    bank_name = (bank_name or "").strip()
    account_holder = (account_holder or "").strip()
    digits = "".join(ch for ch in (account_number or "") if ch not in " -.")
    errors = {}
    if not 2 <= len(bank_name) <= 80:
        errors["bank_name"] = _("Enter the bank's name.")
    if not (digits.isascii() and digits.isdigit() and 5 <= len(digits) <= 20):
        errors["account_number"] = _("Enter the account number: 5 to 20 digits.")
    if not 2 <= len(account_holder) <= 150:
        errors["account_holder"] = _("Enter the name on the account, as the bank knows it.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        account, _created = PayoutAccount.objects.select_for_update().get_or_create(shop=shop)
        account.bank_name, account.account_number, account.account_holder = bank_name, digits, account_holder
        account.save(update_fields=["bank_name", "account_number", "account_holder", "updated_at"])
    return account


# --- Batches (bank) -----------------------------------------------------------------------------------------


def payout_batch_create(*, operator, shop_ids=None) -> PayoutBatch:
    """A batch paying every shop (or those of `shop_ids`) with a bank account and at least `PAYOUT_MINIMUM`
    payable: its available balance less the refunds in progress. Raises PermissionDenied, ValidationError
    ("shops": nothing to pay)."""
    _require_operator(operator)
    with transaction.atomic():
        candidates = [row.shop.pk for row in payable_balances(minimum=settings.PAYOUT_MINIMUM, shop_ids=shop_ids)]
        # Lock, then read the balances again: a concurrent batch may have paid some of them meanwhile.
        list(PayoutAccount.objects.select_for_update().filter(shop_id__in=candidates).order_by("pk"))
        rows = [
            row
            for row in payable_balances(minimum=settings.PAYOUT_MINIMUM, shop_ids=candidates)
            if row.account is not None and row.account.has_bank_account
        ]
        if not rows:
            raise ValidationError({"shops": _("No shop with a bank account has money to pay out.")})
        batch = PayoutBatch.objects.create(number=_batch_number(), created_by=operator)
        for row in rows:
            payout = Payout.objects.create(
                shop=row.shop,
                amount=row.payable,
                method=Payout.Method.BANK_TRANSFER,
                batch=batch,
                idempotency_key=f"payout:batch:{batch.number}:shop:{row.shop.pk}",
                bank_name=row.account.bank_name,
                account_number=row.account.account_number,
                account_holder=row.account.account_holder,
                created_by=operator,
            )
            ledger_book_payout(payout=payout)
    return batch


def payout_batch_export(*, batch: PayoutBatch, operator) -> str:
    """The batch as CSV for the bank's bulk transfer. Exporting sends the pending payouts to `processing` (the
    bank has them now); exporting again gives the same rows. Cells that a spreadsheet would run as a formula
    are prefixed with an apostrophe."""
    _require_operator(operator)
    now = timezone.now()
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        batch.payouts.filter(status=Status.PENDING).update(status=Status.PROCESSING, processing_at=now)
        if batch.exported_at is None:
            batch.exported_at = now
            batch.save(update_fields=["exported_at"])
        payouts = list(batch.payouts.exclude(status=Status.FAILED).select_related("shop").order_by("pk"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for payout in payouts:
        writer.writerow(
            [
                _cell(value)
                for value in (
                    batch.number,
                    payout.pk,
                    payout.shop.name,
                    payout.bank_name,
                    payout.account_number,
                    payout.account_holder,
                    payout.amount,
                    payout_reference(payout),
                    payout.status,
                )
            ]
        )
    return out.getvalue()


def payout_reference(payout: Payout) -> str:
    """What the bank transfer's description carries, so the seller recognises it."""
    return f"{payout.batch.number}-{payout.pk}" if payout.batch_id else f"PO-{payout.pk}"


def payout_mark_paid(*, payout: Payout, operator, reference: str = "") -> Payout:
    """The bank confirmed the transfer: processing → paid (an exported payout only). Raises PermissionDenied,
    PaymentStateError."""
    _require_operator(operator)
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status != Status.PROCESSING:
            raise PaymentStateError(
                _("Only a payout sent to the bank (exported) can be marked paid."), status=payout.status
            )
        payout.status = Status.PAID
        payout.paid_at = timezone.now()
        payout.provider_reference = (reference or "").strip()[:255]
        payout.save(update_fields=["status", "paid_at", "provider_reference"])
    return payout


def payout_mark_failed(*, payout: Payout, operator, reason: str) -> Payout:
    """The transfer did not go through (a closed account, a wrong number): pending or processing → failed, and
    the amount returns to the shop's balance. Raises PermissionDenied, ValidationError, PaymentStateError."""
    _require_operator(operator)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("Say why the payout failed (at most 500 characters).")})
    return _fail(payout, reason)


# --- Stripe transfers -----------------------------------------------------------------------------------------


def payouts_stripe_create() -> list[Payout]:
    """One payout per completed, paid (not cash) shop order of every shop paid through Stripe that was not
    transferred yet: the shop order's net, capped by what the shop may still be paid (its available balance
    less refunds in progress, so a debt or an earlier bank payout is respected)."""
    created = []
    accounts = PayoutAccount.objects.filter(stripe_account_id__isnull=False, stripe_payouts_enabled=True)
    for account_id in accounts.values_list("pk", flat=True):
        created.extend(_stripe_create_for(account_id))
    return created


def _stripe_create_for(account_id: int) -> list[Payout]:
    created = []
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().select_related("shop").get(pk=account_id)
        if not account.pays_through_stripe:
            return []
        shop = account.shop
        remaining = shop_balance(shop=shop).available - _refunds_in_progress(shop)
        shop_orders = (
            ShopOrder.objects.filter(shop=shop, completed_at__isnull=False, paid_at__isnull=False)
            .exclude(order__payment_method=PaymentMethod.COD)
            .exclude(payouts__status__in=(Status.PENDING, Status.PROCESSING, Status.PAID))
            .annotate(net=Sum("ledger_entries__amount", filter=~Q(ledger_entries__kind__in=LedgerEntry.PAYOUT_KINDS)))
            .order_by("completed_at", "pk")
        )
        for shop_order in shop_orders:
            amount = min(shop_order.net or 0, remaining)
            if amount <= 0:
                continue
            attempt = Payout.objects.filter(shop_order=shop_order).count() + 1
            try:
                with transaction.atomic():
                    payout = Payout.objects.create(
                        shop=shop,
                        amount=amount,
                        method=Payout.Method.STRIPE,
                        shop_order=shop_order,
                        idempotency_key=f"payout:stripe:{shop_order.number}:{attempt}",
                    )
                    ledger_book_payout(payout=payout)
            except IntegrityError:
                continue  # transferred by a concurrent run
            remaining -= amount
            created.append(payout)
    return created


def payout_stripe_send(*, payout: Payout) -> Payout:
    """Send one Stripe payout. Moves pending → processing in its own transaction (only one run wins), then
    asks Stripe outside any lock; paid on success, failed (money back to the balance) on a refusal, left
    processing on an outage (resent after `RESEND_AFTER` with the same idempotency key, so Stripe makes one
    transfer whatever the retries)."""
    from .. import stripe_gateway

    now = timezone.now()
    with transaction.atomic():
        payout = (
            Payout.objects.select_for_update(of=("self",))
            .select_related("shop__payout_account", "shop_order__order")
            .get(pk=payout.pk)
        )
        stale = (
            payout.status == Status.PROCESSING and payout.processing_at and payout.processing_at < now - RESEND_AFTER
        )
        if payout.method != Payout.Method.STRIPE or not (payout.status == Status.PENDING or stale):
            return payout
        payout.status = Status.PROCESSING
        payout.processing_at = now
        payout.save(update_fields=["status", "processing_at"])
    account = payout.shop.payout_account
    try:
        transfer_id = stripe_gateway.transfer_create(
            payout=payout, destination=account.stripe_account_id, transfer_group=payout.shop_order.order.number
        )
    except ProviderError as error:
        if error.retryable:
            return payout
        return _fail(payout, error.message)
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status == Status.PROCESSING:
            payout.status = Status.PAID
            payout.paid_at = timezone.now()
            payout.provider_reference = transfer_id
            payout.save(update_fields=["status", "paid_at", "provider_reference"])
    return payout


def payouts_stripe_run() -> int:
    """The scheduled run: create what is due, then send every pending (and stale processing) Stripe payout.
    Returns how many were paid in this run."""
    payouts_stripe_create()
    due = Payout.objects.filter(method=Payout.Method.STRIPE).filter(
        Q(status=Status.PENDING) | Q(status=Status.PROCESSING, processing_at__lt=timezone.now() - RESEND_AFTER)
    )
    paid = 0
    for payout in due.order_by("pk"):
        if payout_stripe_send(payout=payout).status == Status.PAID:
            paid += 1
    return paid


# --- Helpers ------------------------------------------------------------------------------------------------


def _fail(payout: Payout, reason: str) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status not in (Status.PENDING, Status.PROCESSING):
            raise PaymentStateError(_("This payout was already settled."), status=payout.status)
        payout.status = Status.FAILED
        payout.failed_at = timezone.now()
        payout.failure_message = reason[:MAX_TEXT]
        payout.save(update_fields=["status", "failed_at", "failure_message"])
        ledger_book_payout(payout=payout, reversal=True)
    return payout


def _refunds_in_progress(shop) -> int:
    return (
        Refund.objects.filter(
            shop_order__shop=shop, status=Refund.Status.PENDING, paid_back_by=Refund.PaidBackBy.PLATFORM
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def _require_operator(user) -> None:
    if user is None or not user.has_perm("payments.manage_payouts"):
        raise PermissionDenied


def _batch_number() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"PB-{timezone.localdate():%y%m%d}-" + "".join(secrets.choice(alphabet) for _ in range(5))


def _cell(value):
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value
