"""Writes of the payments app (DESIGN §6). Orders are moved only through `orders.services` functions."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, PaymentMethod
from orders.services.fulfilment import order_change_payment_method, order_mark_paid

from ..errors import PaymentStateError
from ..locks import payment_qs_select_for_update
from ..models import MAX_UNIQUE_CODE, Payment
from ..proofs import proof_extension
from ..providers import available_payment_methods, get_provider
from .ledger import ledger_book_cash_on_delivery, ledger_book_payment

UNIQUE_CODE_ATTEMPTS = 30
MAX_PROOF_BYTES = 5 * 1024 * 1024
PROOF_CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


def payment_create_for_order(*, order: Order, attempt: int = 1, amount: int | None = None) -> Payment:
    """The order's payment, pending, for its payment method. Runs inside `order_place`'s transaction (or
    `payment_restart`'s, `payment_reprice_for_order`'s: a later `attempt`, for `amount` rather than the total).

    A bank transfer asks for the total plus a unique code (1-999) that no other pending bank transfer uses: the
    partial unique constraint on pending bank-transfer amounts is the guard, and a clash (two checkouts drawing
    the same code) is retried with another code in a savepoint. Raises `PaymentStateError` if no free code is
    found (practically: a thousand pending transfers of the same total).
    """
    key = f"order:{order.pk}" if attempt == 1 else f"order:{order.pk}:{attempt}"
    amount = order.total if amount is None else amount
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        return Payment.objects.create(order=order, provider=order.payment_method, amount=amount, idempotency_key=key)
    payment = Payment(order=order, provider=PaymentMethod.BANK_TRANSFER, idempotency_key=key)
    _save_with_unique_code(payment, amount)
    return payment


def _save_with_unique_code(payment: Payment, amount: int) -> None:
    """Save the bank transfer asking `amount` plus a unique code no other pending transfer uses."""
    for _attempt in range(UNIQUE_CODE_ATTEMPTS):
        code = secrets.randbelow(MAX_UNIQUE_CODE) + 1
        payment.amount, payment.unique_code = amount + code, code
        try:
            with transaction.atomic():
                payment.save()
                return
        except IntegrityError:
            continue
    raise PaymentStateError(_("Bank transfer is busy right now. Please try again in a minute."))


def payment_reprice_for_order(*, order: Order) -> Payment | None:
    """Part of an unpaid order was cancelled: the shopper now owes only the shop orders still awaiting payment.
    Inside the cancellation's transaction. A pending bank transfer asks the new amount (with a new unique code:
    the partial unique constraint must hold for the new amount too); a pending or failed card attempt is
    cancelled and a new one created for the new amount, so the next checkout session charges it (an old
    session paid anyway finds a cancelled payment and is flagged). Returns the payment to pay, or None."""
    due = sum(order.shop_orders.filter(status="awaiting_payment").values_list("total", flat=True))
    payments = list(payment_qs_select_for_update().filter(order=order))
    open_payment = next(
        (p for p in reversed(payments) if p.status in (Payment.Status.PENDING, Payment.Status.FAILED)), None
    )
    if not due or open_payment is None:
        return None
    if open_payment.provider == PaymentMethod.BANK_TRANSFER and open_payment.status == Payment.Status.PENDING:
        if open_payment.amount - open_payment.unique_code != due:
            _save_with_unique_code(open_payment, due)
        return open_payment
    if open_payment.amount == due:
        return open_payment
    Payment.objects.filter(pk=open_payment.pk).update(status=Payment.Status.CANCELLED, updated_at=timezone.now())
    order.payment_method = open_payment.provider
    return payment_create_for_order(order=order, attempt=len(payments) + 1, amount=due)


def payment_mark_succeeded(*, payment: Payment, user=None, allow_failed: bool = False) -> Payment:
    """Pending → succeeded, and the order's unpaid shop orders → paid (through `orders.services`).

    Locks the payment row; a payment that is not pending (or `failed`, when `allow_failed`: a card payment
    that failed once and then went through in the same Stripe session) raises `PaymentStateError`, so confirming
    twice (two operators, a double click, a replayed event) moves money once. The order refuses when it was
    cancelled meanwhile (`orders.errors.OrderStateError`), and nothing changes. Books the sale, shipping and
    commission of each shop order in the seller ledger, in the same transaction.
    """
    allowed = (Payment.Status.PENDING, Payment.Status.FAILED) if allow_failed else (Payment.Status.PENDING,)
    with transaction.atomic():
        payment = payment_qs_select_for_update().get(pk=payment.pk)
        if payment.status not in allowed:
            raise PaymentStateError(_("This payment was already handled."), status=payment.status)
        shop_orders = order_mark_paid(order=payment.order, user=user, actor="operator" if user else "system")
        ledger_book_payment(shop_orders=shop_orders)
        payment.status = Payment.Status.SUCCEEDED
        payment.confirmed_by = user
        payment.confirmed_at = timezone.now()
        payment.failure_message = ""
        payment.save(update_fields=["status", "confirmed_by", "confirmed_at", "failure_message", "updated_at"])
    return payment


def payment_mark_failed(*, payment: Payment, message: str) -> Payment:
    """The provider says this attempt failed (a declined card, an expired checkout session): pending → failed.
    The order still waits for payment until its deadline; the shopper may try again with the same or another
    method (`payment_restart`). Any other status is left alone (an out-of-order event) and returned as is."""
    with transaction.atomic():
        payment = payment_qs_select_for_update().get(pk=payment.pk)
        if payment.status != Payment.Status.PENDING:
            return payment
        payment.status = Payment.Status.FAILED
        payment.failure_message = message[:500]
        payment.save(update_fields=["status", "failure_message", "updated_at"])
    return payment


def payment_flag(*, payment: Payment, reason: str) -> Payment:
    """Money arrived that cannot be accepted as is (a different amount or currency, a payment for an order
    that was cancelled meanwhile): the payment is flagged for an operator, and nothing else changes. Flagging
    again keeps the first time and adds the reason."""
    with transaction.atomic():
        payment = payment_qs_select_for_update().get(pk=payment.pk)
        if reason in payment.flag_reason:
            return payment
        payment.flagged_at = payment.flagged_at or timezone.now()
        payment.flag_reason = f"{payment.flag_reason}\n{reason}".strip()
        payment.save(update_fields=["flagged_at", "flag_reason", "updated_at"])
    return payment


def payment_flag_resolve(*, payment: Payment, operator, resolution: str) -> Payment:
    """An operator handled a flagged payment (refunded it in the provider's dashboard, contacted the shopper...)
    and says what was done; it leaves the list of flagged payments. Needs `payments.manage_payouts`. Raises
    PermissionDenied, ValidationError ("resolution"), PaymentStateError (not flagged, or already resolved)."""
    if operator is None or not operator.has_perm("payments.manage_payouts"):
        raise PermissionDenied
    resolution = (resolution or "").strip()
    if not resolution or len(resolution) > 500:
        raise ValidationError({"resolution": _("Say what was done (at most 500 characters).")})
    with transaction.atomic():
        payment = payment_qs_select_for_update().get(pk=payment.pk)
        if payment.flagged_at is None or payment.flag_resolved_at is not None:
            raise PaymentStateError(_("This payment is not waiting for an operator."), status=payment.status)
        payment.flag_resolved_at = timezone.now()
        payment.flag_resolved_by = operator
        payment.flag_resolution = resolution
        payment.save(update_fields=["flag_resolved_at", "flag_resolved_by", "flag_resolution", "updated_at"])
    return payment


# Methods a shopper may switch to after a failed attempt: those paid before the order moves on.
RESTARTABLE_METHODS = (PaymentMethod.STRIPE, PaymentMethod.BANK_TRANSFER)


def payment_restart(*, order: Order, method: str) -> Payment:
    """Try again to pay an order that still waits for payment, with the same or another method: the open attempt
    (pending or failed) is cancelled and a new pending payment is created; the caller then asks the provider
    what to do next (`get_provider(method).initiate`). Authorization is the caller's (the buyer or the guest
    link).

    Refuses (PaymentStateError) when the order no longer waits for payment, its deadline passed, or it is
    already paid; refuses (ValidationError on "payment_method") a method that is not offered for every shop of
    the order. A checkout session still open at the provider is left to expire by itself; should the shopper
    pay it anyway, its event finds a cancelled payment and flags it for a refund instead of accepting it.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        shop_orders = list(order.shop_orders.select_related("shop").filter(status="awaiting_payment"))
        if not shop_orders:
            raise PaymentStateError(_("This order no longer waits for payment."))
        if order.pay_before is not None and order.pay_before <= timezone.now():
            raise PaymentStateError(_("The time to pay this order has passed."))
        if method not in RESTARTABLE_METHODS or method not in available_payment_methods(
            shops=[shop_order.shop for shop_order in shop_orders]
        ):
            raise ValidationError({"payment_method": _("This payment method is not available for this order.")})
        payments = list(payment_qs_select_for_update().filter(order=order))
        if any(payment.status == Payment.Status.SUCCEEDED for payment in payments):
            raise PaymentStateError(_("This order is already paid."))
        open_payments = [p.pk for p in payments if p.status in (Payment.Status.PENDING, Payment.Status.FAILED)]
        Payment.objects.filter(pk__in=open_payments).update(status=Payment.Status.CANCELLED, updated_at=timezone.now())
        order_change_payment_method(order=order, method=method)
        order.payment_method = method
        due = sum(shop_order.total for shop_order in shop_orders)
        return payment_create_for_order(order=order, attempt=len(payments) + 1, amount=due)


def bank_transfer_confirm(*, payment: Payment, operator) -> Payment:
    """An operator saw the transfer on the bank statement. Only users with `payments.confirm_bank_transfer`.

    Every awaiting shop order of the order becomes `paid` and the sellers are told (mails through the outbox,
    in the same transaction). Raises PermissionDenied, PaymentStateError, OrderStateError.
    """
    if not operator.has_perm("payments.confirm_bank_transfer"):
        raise PermissionDenied
    if payment.provider != PaymentMethod.BANK_TRANSFER:
        raise PaymentStateError(_("Only bank transfers are confirmed by hand."))
    return get_provider(PaymentMethod.BANK_TRANSFER).handle_confirmation(payment=payment, user=operator)


def bank_transfer_upload_proof(*, payment: Payment, user, file) -> Payment:
    """The shopper's proof of transfer (a photo or PDF of the receipt), shown to operators while matching.

    Only while the payment is pending and the order's payment deadline has not passed; replaces an earlier
    proof. The file must be what it says it is: its declared content type one of JPEG, PNG, WebP or PDF, and
    its content that very format (images are opened with Pillow through the product photo checks — complete,
    at most 40 megapixels, so decompression bombs are refused; a PDF starts with `%PDF-`). Refuses files above
    5 MB, of another type or whose content differs (ValidationError on "proof"), and a payment that no longer
    waits (PaymentStateError). The stored name carries a random token, so its media URL cannot be guessed.
    Authorization is the caller's (the order's buyer or a guest with its link).
    """
    if file.size > MAX_PROOF_BYTES:
        raise ValidationError({"proof": _("The file is larger than 5 MB.")})
    extension = proof_extension(file, allowed=PROOF_CONTENT_TYPES)
    with transaction.atomic():
        payment = payment_qs_select_for_update().get(pk=payment.pk)
        if payment.status != Payment.Status.PENDING or payment.provider != PaymentMethod.BANK_TRANSFER:
            raise PaymentStateError(_("This payment no longer waits for a transfer."), status=payment.status)
        if payment.order.pay_before is not None and payment.order.pay_before <= timezone.now():
            raise PaymentStateError(_("The time to pay this order has passed."), status=payment.status)
        file.seek(0)
        payment.proof.save(f"{payment.order.number}-{secrets.token_hex(8)}.{extension}", file, save=False)
        payment.proof_uploaded_at = timezone.now()
        payment.save(update_fields=["proof", "proof_uploaded_at", "updated_at"])
    return payment


def payment_cancel_for_order(*, order: Order) -> None:
    """The order was cancelled or expired before it was paid: its pending payments are cancelled (which frees
    a bank transfer's unique amount). Runs inside the caller's transaction."""
    Payment.objects.filter(order=order, status=Payment.Status.PENDING).update(
        status=Payment.Status.CANCELLED, updated_at=timezone.now()
    )


def payment_cod_collected(*, order: Order, shop_order) -> None:
    """Cash on delivery: the seller of `shop_order` collected the cash, and owes the commission (ledger). Once
    every shop order that was not cancelled has been paid in cash, the order's payment is succeeded. Runs inside
    the caller's transaction (`shop_order_mark_delivered`)."""
    ledger_book_cash_on_delivery(shop_order=shop_order)
    if order.shop_orders.exclude(status__in=["cancelled", "refunded"]).filter(paid_at__isnull=True).exists():
        return
    Payment.objects.filter(order=order, provider=PaymentMethod.COD, status=Payment.Status.PENDING).update(
        status=Payment.Status.SUCCEEDED, confirmed_at=timezone.now(), updated_at=timezone.now()
    )
