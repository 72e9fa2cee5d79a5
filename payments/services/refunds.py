"""Refunds per shop order (DESIGN §6): full or partial, by the seller within the rules or by an operator, through
the provider that took the money.

- **Card (Stripe)**: the refund is created `pending`, committed, then sent to Stripe by a task
  (`payments.tasks.process_refund`) outside any lock; it succeeds when Stripe says so (its answer, or a
  `charge.refunded` event). A refused refund fails and changes nothing else; a rate limit or an outage is
  retried with the same idempotency key, and a sweep resends refunds that were never sent.
- **Bank transfer**: the platform holds the money, so an operator transfers it back by hand and records how;
  a seller's refund waits `pending` in the operators' list until then.
- **Cash on delivery**: the seller holds the cash and pays it back; they record how, and it succeeds at once.

**Never more than was paid**: the shop order row and then the order's payment row are locked, and the amount
is checked against what was paid minus every refund that did not fail (in progress included), so two concurrent
refunds cannot together exceed it. The ledger is booked when a refund succeeds (`ledger.ledger_book_refund`).
The lock order (shop order, then payment) is the cancellation's too; confirming a payment locks the payment and
then only shop orders still awaiting payment, which have nothing to refund.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.money import format_rupiah
from marketplace.core.queueing import enqueue_on_commit
from orders.locks import shop_order_qs_select_for_update
from orders.models import PaymentMethod, ShopOrder
from orders.services.fulfilment import shop_order_record_refund
from shops.selectors import shop_member_role

from ..errors import PaymentStateError, ProviderError
from ..locks import payment_qs_select_for_update
from ..models import Payment, Refund
from ..providers import get_provider
from ..selectors import shop_order_money
from .ledger import ledger_book_refund

Status = ShopOrder.Status
MAX_TEXT = 500
SELLER, OPERATOR, SYSTEM = "seller", "operator", "system"
# Before the parcel leaves, a full refund is a cancellation (which refunds by itself and puts the stock back).
NOT_SENT = (Status.PAID, Status.PROCESSING)
REFUNDABLE = (*NOT_SENT, Status.SHIPPED, Status.DELIVERED, Status.COMPLETED, Status.CANCELLED)
# A card refund never sent (the broker was down) is sent again by the sweep after this long.
RESEND_AFTER = timedelta(minutes=5)


def refund_create(*, shop_order: ShopOrder, amount, reason: str, user, actor: str, manual_note: str = "") -> Refund:
    """Refund `amount` rupiah of `shop_order` to the shopper.

    Who: the shop's members (`actor="seller"`) while the order is paid, processing, shipped, delivered,
    cancelled after payment, or completed less than `REFUND_SELLER_WINDOW_DAYS` ago; operators with
    `payments.manage_payouts` (`actor="operator"`) at any time after payment. Before the parcel is sent only a
    part may be refunded (a full refund is a cancellation). `manual_note` says how the money went back and is
    required when it goes back by hand and is recorded now (cash on delivery; an operator's bank transfer).

    Raises ValidationError (fields amount, reason, manual_note), PermissionDenied, PaymentStateError; nothing
    changes then. Returns the refund: `succeeded` (recorded by hand), or `pending` (card: being sent; bank
    transfer asked by a seller: waiting for an operator).
    """
    amount = _clean_amount(amount)
    reason = _clean_text(reason, "reason", required_message=_("Tell the shopper why the money goes back."))
    manual_note = _clean_text(manual_note, "manual_note")
    _require_actor(shop_order, user, actor)
    with transaction.atomic():
        shop_order = shop_order_qs_select_for_update().select_related("order", "shop").get(pk=shop_order.pk)
        payment = _paying_payment(shop_order)
        _require_refundable(shop_order, actor)
        money = shop_order_money(shop_order=shop_order)
        if amount > money.refundable:
            raise ValidationError(
                {"amount": _("At most %(amount)s can be refunded.") % {"amount": format_rupiah(money.refundable)}}
            )
        if shop_order.status in NOT_SENT and amount == money.paid - money.refunded - money.refunds_in_progress:
            raise ValidationError(
                {"amount": _("To give everything back before shipping, cancel the order: it is refunded in full.")}
            )
        refund = _create(shop_order, payment, amount=amount, reason=reason, user=user, actor=actor)
        if refund.method == Refund.Method.MANUAL and (
            refund.paid_back_by == Refund.PaidBackBy.SELLER or actor == OPERATOR
        ):
            if not manual_note:
                raise ValidationError({"manual_note": _("Say how the money was paid back (bank, account, reference).")})
            refund.manual_note = manual_note
            _succeed(refund, user=user, actor=actor)
    return refund


def refund_for_cancelled(*, shop_order: ShopOrder, user, actor: str) -> Refund | None:
    """A paid shop order was cancelled: everything paid for it goes back. Inside the cancellation's transaction,
    with the shop order locked. Card: a pending refund sent after the commit; bank transfer: a pending refund
    in the operators' list; cash on delivery was never collected before shipping, so there is nothing."""
    if shop_order.paid_at is None or shop_order.order.payment_method == PaymentMethod.COD:
        return None
    payment = _paying_payment(shop_order, required=False)
    if payment is None:
        return None
    money = shop_order_money(shop_order=shop_order)
    if money.refundable <= 0:
        return None
    return _create(
        shop_order,
        payment,
        amount=money.refundable,
        reason=_("Order cancelled"),
        user=user if user is not None and user.is_authenticated else None,
        actor=actor,
    )


def refund_record_paid_back(*, refund: Refund, operator, manual_note: str) -> Refund:
    """An operator paid a pending manual refund back (a bank transfer from the platform's account) and records
    how. Raises PermissionDenied, ValidationError (manual_note), PaymentStateError (not pending any more)."""
    if not operator.has_perm("payments.manage_payouts"):
        raise PermissionDenied
    manual_note = _clean_text(manual_note, "manual_note", required_message=_("Say how the money was paid back."))
    with transaction.atomic():
        refund = _lock(refund)
        if refund.status != Refund.Status.PENDING or refund.method != Refund.Method.MANUAL:
            raise PaymentStateError(_("This refund was already handled."), status=refund.status)
        refund.manual_note = manual_note
        _succeed(refund, user=operator, actor=OPERATOR)
    return refund


def refund_process(*, refund: Refund) -> Refund:
    """Send a pending card refund to the provider (the task's body). Idempotent: the idempotency key is the
    refund's, so a retry after a timeout finds the refund Stripe already made. Raises the retryable
    `ProviderError` for the task to retry; a refusal fails the refund."""
    refund = Refund.objects.select_related("payment", "shop_order").get(pk=refund.pk)
    if refund.status != Refund.Status.PENDING or refund.method != Refund.Method.PROVIDER or refund.provider_reference:
        return refund
    try:
        result = get_provider(refund.payment.provider).refund(refund=refund)
    except ProviderError as error:
        if error.retryable:
            raise
        return refund_mark_failed(refund=refund, message=error.message)
    if result.pending:
        Refund.objects.filter(pk=refund.pk, provider_reference="").update(provider_reference=result.reference)
        refund.provider_reference = result.reference
        return refund
    return refund_mark_succeeded(refund=refund, reference=result.reference)


def refund_mark_succeeded(*, refund: Refund, reference: str = "") -> Refund:
    """The provider refunded it (its answer or its event): pending → succeeded, booked in the ledger, the
    shopper told. Any other status is left as is (a repeated or late event)."""
    with transaction.atomic():
        refund = _lock(refund)
        if refund.status != Refund.Status.PENDING:
            return refund
        if reference:
            refund.provider_reference = reference
        _succeed(refund, user=None, actor=SYSTEM)
    return refund


def refund_mark_failed(*, refund: Refund, message: str) -> Refund:
    """The provider refused the refund: pending → failed; nothing was booked, so nothing is undone. Operators
    see it in the payments overview and can refund another way."""
    with transaction.atomic():
        refund = _lock(refund)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.status = Refund.Status.FAILED
        refund.failure_message = (message or "")[:MAX_TEXT]
        refund.completed_at = timezone.now()
        refund.save(update_fields=["status", "failure_message", "completed_at"])
    return refund


def refunds_to_resend():
    """Card refunds still pending and never accepted by the provider, older than `RESEND_AFTER`."""
    return Refund.objects.filter(
        status=Refund.Status.PENDING,
        method=Refund.Method.PROVIDER,
        provider_reference="",
        created_at__lt=timezone.now() - RESEND_AFTER,
    ).values_list("pk", flat=True)


# --- Helpers ------------------------------------------------------------------------------------------


def _create(shop_order: ShopOrder, payment: Payment, *, amount: int, reason: str, user, actor: str) -> Refund:
    provider = get_provider(payment.provider) if payment.provider != PaymentMethod.COD else None
    by_hand = provider is None or provider.refunds_by_hand
    sequence = Refund.objects.filter(shop_order=shop_order).count() + 1
    refund = Refund.objects.create(
        payment=payment,
        shop_order=shop_order,
        amount=amount,
        method=Refund.Method.MANUAL if by_hand else Refund.Method.PROVIDER,
        paid_back_by=Refund.PaidBackBy.SELLER if payment.provider == PaymentMethod.COD else Refund.PaidBackBy.PLATFORM,
        reason=reason,
        requested_by=user,
        actor=actor,
        idempotency_key=f"refund:{shop_order.number}:{sequence}",
    )
    if not by_hand:
        from ..tasks_money import process_refund

        enqueue_on_commit(process_refund, refund.pk)
    return refund


def _succeed(refund: Refund, *, user, actor: str) -> None:
    """Inside a transaction with the shop order and the payment locked."""
    refund.status = Refund.Status.SUCCEEDED
    refund.completed_at = timezone.now()
    refund.save(update_fields=["status", "completed_at", "manual_note", "provider_reference"])
    ledger_book_refund(refund=refund)
    shop_order = refund.shop_order
    money = shop_order_money(shop_order=shop_order)
    shop_order_record_refund(
        shop_order=shop_order,
        amount=refund.amount,
        fully=money.paid > 0 and money.refunded >= money.paid,
        reason=refund.reason,
        by_card=refund.method == Refund.Method.PROVIDER,
        how=refund.manual_note,
        actor=actor,
        user=user,
    )


def _lock(refund: Refund) -> Refund:
    """Lock the refund's shop order, then its payment (the order every refund path uses), and re-read it."""
    shop_order_qs_select_for_update().filter(pk=refund.shop_order_id).first()
    payment_qs_select_for_update().filter(pk=refund.payment_id).first()
    return Refund.objects.select_related("shop_order", "shop_order__order", "payment").get(pk=refund.pk)


def _paying_payment(shop_order: ShopOrder, *, required: bool = True) -> Payment | None:
    """The order's payment that took the money, locked. Cash on delivery: the order's cash payment (it succeeds
    only once every shop collected, but this shop's part is paid as soon as `paid_at` is set)."""
    payments = payment_qs_select_for_update().filter(order_id=shop_order.order_id)
    if shop_order.order.payment_method == PaymentMethod.COD:
        payment = payments.filter(provider=PaymentMethod.COD).first()
    else:
        payment = payments.filter(status=Payment.Status.SUCCEEDED).first()
    if shop_order.paid_at is None:
        payment = None
    if payment is None and required:
        raise PaymentStateError(_("Nothing has been paid for this order yet."), status=shop_order.status)
    return payment


def _require_actor(shop_order: ShopOrder, user, actor: str) -> None:
    if actor == SELLER:
        if user is None or not user.is_authenticated or shop_member_role(user=user, shop=shop_order.shop) is None:
            raise PermissionDenied
    elif actor == OPERATOR:
        if user is None or not user.has_perm("payments.manage_payouts"):
            raise PermissionDenied
    else:
        raise PermissionDenied


def _require_refundable(shop_order: ShopOrder, actor: str) -> None:
    if shop_order.status not in REFUNDABLE:
        raise PaymentStateError(
            _("This order cannot be refunded while it is %(status)s.") % {"status": shop_order.get_status_display()},
            status=shop_order.status,
        )
    if actor == SELLER and shop_order.completed_at is not None:
        window = timedelta(days=settings.REFUND_SELLER_WINDOW_DAYS)
        if shop_order.completed_at + window < timezone.now():
            raise PaymentStateError(
                _("This order was completed more than %(days)s days ago: ask our operators to refund it.")
                % {"days": settings.REFUND_SELLER_WINDOW_DAYS},
                status=shop_order.status,
            )


def _clean_amount(amount) -> int:
    try:
        value = int(str(amount).strip())
    except (TypeError, ValueError):
        value = 0
    if value <= 0:
        raise ValidationError({"amount": _("Enter an amount in whole rupiah, at least 1.")})
    return value


def _clean_text(value, field: str, *, required_message=None) -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise ValidationError({field: required_message})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most 500 characters.")})
    return value
