"""What Stripe's webhook events do (DESIGN §4: verify, store under the unique id, answer fast, process in a task).

`payment_event_record` stores a verified event (the webhook view); the unique constraint on (provider,
event_id) makes a replay a no-op, and only a newly stored event is queued. `payment_event_process` (the task
`payments.tasks.process_payment_event`, and the sweep for whatever the fast path missed) runs the handler of
the event's type with the event row locked, and marks it processed in the same transaction: an event is
processed once, however often it is delivered or queued.

Every handler moves only from the states it expects, so a repeated, late or out-of-order event changes
nothing: an `expired` or `failed` event after the payment succeeded is ignored (`payment_mark_failed` leaves
a non-pending payment alone); a `completed` event after a `failed` one still succeeds (a declined card tried
again in the same session). Money that cannot be accepted as is — another amount or currency than the
payment's, a payment that was cancelled meanwhile (the shopper switched to bank transfer), an order that
expired or was cancelled — flags the payment for an operator (`payment_flag`), who refunds it; nothing else
changes.

An event may arrive before what it names exists here (the webhook overtakes our own commit): the handler
raises `EventNotReady`, the attempt is counted with its reason, and the task retries later (then the sweep).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.core.money import format_rupiah, from_stripe_amount
from orders.errors import OrderStateError
from orders.models import PaymentMethod

from ..errors import PaymentStateError
from ..models import Payment, PaymentEvent, PayoutAccount, Refund
from .payments import payment_flag, payment_mark_failed, payment_mark_succeeded

logger = logging.getLogger(__name__)

PROVIDER = PaymentMethod.STRIPE
CURRENCY = "idr"


class EventNotReady(Exception):
    """The event names a payment, refund or account we do not have (yet): try again later."""


# --- Storing -------------------------------------------------------------------------------------------------


def payment_event_record(*, event: dict) -> tuple[PaymentEvent, bool]:
    """Store a verified Stripe event under its id; returns (row, created). A replay finds the stored row and
    stores nothing (the unique constraint decides, not a check-then-insert). A new event is queued for
    processing after the commit; if the broker is down the sweep picks it up."""
    from marketplace.core.queueing import enqueue_on_commit

    from ..tasks import process_payment_event

    event_id, kind = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(kind, str) or not kind:
        raise ValueError("A Stripe event has an id and a type.")
    try:
        with transaction.atomic():
            stored = PaymentEvent.objects.create(provider=PROVIDER, event_id=event_id, kind=kind[:100], payload=event)
            enqueue_on_commit(process_payment_event, stored.pk)
    except IntegrityError:
        return PaymentEvent.objects.get(provider=PROVIDER, event_id=event_id), False
    return stored, True


# --- Processing ----------------------------------------------------------------------------------------------


def payment_event_process(*, event: PaymentEvent) -> None:
    """Run the handler of the event's type once. The event row is locked for the duration, so a task and the
    sweep never process it at the same time; a processed event is left alone. Unknown types are marked
    processed and ignored. Raises EventNotReady (after counting the attempt and its reason) when what the event
    names is not here yet; any other error is counted the same way and raised."""
    try:
        with transaction.atomic():
            locked = PaymentEvent.objects.select_for_update().filter(pk=event.pk, processed_at__isnull=True).first()
            if locked is None:
                return
            handler = HANDLERS.get(locked.kind)
            if handler is not None:
                handler(locked.payload.get("data", {}).get("object", {}), locked.payload)
            PaymentEvent.objects.filter(pk=locked.pk).update(
                processed_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
    except Exception as error:
        PaymentEvent.objects.filter(pk=event.pk).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise


# --- Finding our rows ----------------------------------------------------------------------------------------


def _metadata_id(obj: dict, key: str) -> int | None:
    value = (obj.get("metadata") or {}).get(key)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _payment_for(obj: dict, *, session_id: str = "", intent_id: str = "") -> Payment:
    """Our card payment the object names: metadata `payment_id` (what we send), else the session id
    (`provider_reference`), else the PaymentIntent id. EventNotReady when none matches."""
    payments = Payment.objects.filter(provider=PROVIDER).select_related("order")
    payment_id = _metadata_id(obj, "payment_id")
    if payment_id is not None:
        payment = payments.filter(pk=payment_id).first()
    elif session_id:
        payment = payments.filter(provider_reference=session_id).first()
    else:
        payment = payments.filter(provider_payment_id=intent_id).first() if intent_id else None
    if payment is None:
        raise EventNotReady(
            f"No card payment for payment_id={payment_id} session={session_id or '-'} intent={intent_id or '-'}"
        )
    return payment


# --- Payments ------------------------------------------------------------------------------------------------


def _rupiah(stripe_amount) -> int | None:
    """Stripe's amount in rupiah; None for what is not a whole rupiah amount (it cannot match anything)."""
    try:
        return from_stripe_amount(stripe_amount)
    except ValueError:
        return None


def _store_intent(payment: Payment, intent_id: str | None) -> None:
    """Remember the PaymentIntent (what refunds are made against), whatever happens to the payment."""
    if intent_id and not payment.provider_payment_id:
        Payment.objects.filter(pk=payment.pk, provider_payment_id="").update(
            provider_payment_id=intent_id, updated_at=timezone.now()
        )
        payment.provider_payment_id = intent_id


def stripe_payment_accept(
    *, payment: Payment, amount: int | None, currency: str | None, intent_id: str | None
) -> Payment:
    """Stripe says `payment` was paid `amount` (Stripe units) in `currency`: the payment succeeds and the order is
    paid, if everything matches; otherwise the payment is flagged for an operator and nothing else changes.
    Used by the webhook handlers and by the return page when it reads the session itself. Idempotent: an
    already succeeded payment is left as is."""
    _store_intent(payment, intent_id)
    payment = Payment.objects.select_related("order").get(pk=payment.pk)
    if payment.status == Payment.Status.SUCCEEDED:
        return payment
    if (currency or "").lower() != CURRENCY:
        return payment_flag(
            payment=payment,
            reason=_(
                "Stripe took the payment in %(currency)s instead of IDR; refund it and ask the shopper to pay again."
            )
            % {"currency": (currency or "?").upper()},
        )
    paid = _rupiah(amount)
    if paid != payment.amount:
        return payment_flag(
            payment=payment,
            reason=_(
                "Stripe took %(paid)s (%(raw)s in Stripe's units) but the payment asks for %(expected)s; check it."
            )
            % {
                "paid": format_rupiah(paid) if paid is not None else "?",
                "raw": amount,
                "expected": format_rupiah(payment.amount),
            },
        )
    if payment.status == Payment.Status.CANCELLED:
        return payment_flag(
            payment=payment,
            reason=_(
                "The shopper paid by card after this payment was cancelled (another payment method was chosen or "
                "the order ended): refund it."
            ),
        )
    try:
        return payment_mark_succeeded(payment=payment, allow_failed=True)
    except OrderStateError:
        return payment_flag(
            payment=payment,
            reason=_("The card payment arrived after the order was cancelled or expired: refund it."),
        )
    except PaymentStateError:
        payment.refresh_from_db()
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        return payment_flag(
            payment=payment,
            reason=_("The card payment arrived for a payment that is %(status)s: check it and refund it.")
            % {"status": payment.status},
        )


def _fail(payment: Payment, message: str) -> None:
    payment_mark_failed(payment=payment, message=message)


def _on_session_paid(session: dict, event: dict) -> None:
    payment = _payment_for(session, session_id=session.get("id", ""))
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        # An asynchronous method (a bank debit...): the money is not there yet; `async_payment_*` follows.
        _store_intent(payment, session.get("payment_intent"))
        return
    stripe_payment_accept(
        payment=payment,
        amount=session.get("amount_total"),
        currency=session.get("currency"),
        intent_id=session.get("payment_intent"),
    )


def _on_session_failed(session: dict, event: dict) -> None:
    payment = _payment_for(session, session_id=session.get("id", ""))
    with translation.override(payment.order.language):
        _fail(payment, _("The payment did not go through."))


def _on_session_expired(session: dict, event: dict) -> None:
    payment = _payment_for(session, session_id=session.get("id", ""))
    with translation.override(payment.order.language):
        _fail(payment, _("The payment page expired before the payment was made."))


def _intent_payment(intent: dict) -> Payment | None:
    """Our payment of a PaymentIntent; None for an intent that is not ours (no metadata, unknown id)."""
    if _metadata_id(intent, "payment_id") is None:
        return Payment.objects.filter(provider=PROVIDER, provider_payment_id=intent.get("id") or "-").first()
    return _payment_for(intent, intent_id=intent.get("id", ""))


def _on_intent_succeeded(intent: dict, event: dict) -> None:
    payment = _intent_payment(intent)
    if payment is None:
        return
    amount = intent.get("amount_received")
    stripe_payment_accept(
        payment=payment,
        amount=amount if amount is not None else intent.get("amount"),
        currency=intent.get("currency"),
        intent_id=intent.get("id"),
    )


def _on_intent_failed(intent: dict, event: dict) -> None:
    payment = _intent_payment(intent)
    if payment is None:
        return
    _store_intent(payment, intent.get("id"))
    error = intent.get("last_payment_error") or {}
    with translation.override(payment.order.language):
        message = error.get("message") or _("The payment did not go through.")
    _fail(payment, message)


# --- Refunds -------------------------------------------------------------------------------------------------


def _refund_for(stripe_refund: dict) -> Refund | None:
    """Our refund of a Stripe refund: by its id, else by metadata `refund_id` (EventNotReady when that row is
    missing). None for a refund made outside the platform."""
    refund = Refund.objects.filter(provider_reference=stripe_refund.get("id") or "-").first()
    if refund is not None:
        return refund
    refund_id = _metadata_id(stripe_refund, "refund_id")
    if refund_id is None:
        return None
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is None:
        raise EventNotReady(f"No refund {refund_id}")
    return refund


def _apply_refund(stripe_refund: dict) -> Refund | None:
    from .refunds import refund_mark_failed, refund_mark_succeeded

    refund = _refund_for(stripe_refund)
    if refund is None or refund.status != Refund.Status.PENDING:
        return refund
    status = stripe_refund.get("status")
    if status == "succeeded":
        return refund_mark_succeeded(refund=refund, reference=stripe_refund.get("id", ""))
    if status in ("failed", "canceled"):
        reason = stripe_refund.get("failure_reason") or status
        return refund_mark_failed(
            refund=refund, message=_("Stripe could not refund it (%(reason)s).") % {"reason": reason}
        )
    return refund


def _flag_outside_refund(payment: Payment, refunded_minor: int | None) -> None:
    """A refund seen at Stripe that none of ours explains (made in Stripe's dashboard): an operator records it."""
    ours = (
        payment.refunds.filter(method=Refund.Method.PROVIDER)
        .filter(~Q(status=Refund.Status.FAILED))
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    refunded = _rupiah(refunded_minor or 0)
    if refunded is None or refunded > ours:
        payment_flag(
            payment=payment,
            reason=_("Refunded outside the platform: Stripe shows %(refunded)s refunded, our refunds total %(ours)s.")
            % {"refunded": format_rupiah(refunded) if refunded is not None else "?", "ours": format_rupiah(ours)},
        )


def _on_charge_refunded(charge: dict, event: dict) -> None:
    intent_id = charge.get("payment_intent") or ""
    payment = Payment.objects.filter(provider=PROVIDER, provider_payment_id=intent_id).first() if intent_id else None
    if payment is None and _metadata_id(charge, "payment_id") is not None:
        payment = _payment_for(charge, intent_id=intent_id)
    for stripe_refund in (charge.get("refunds") or {}).get("data") or []:
        _apply_refund(stripe_refund)
    if payment is None:
        raise EventNotReady(f"No card payment for intent {intent_id or '-'}")
    _flag_outside_refund(payment, charge.get("amount_refunded"))


def _on_refund_updated(stripe_refund: dict, event: dict) -> None:
    refund = _apply_refund(stripe_refund)
    if refund is None and stripe_refund.get("status") == "succeeded":
        intent_id = stripe_refund.get("payment_intent") or ""
        payment = (
            Payment.objects.filter(provider=PROVIDER, provider_payment_id=intent_id).first() if intent_id else None
        )
        if payment is not None:
            payment_flag(
                payment=payment,
                reason=_("Refunded outside the platform: Stripe refund %(id)s of %(amount)s (Stripe units).")
                % {"id": stripe_refund.get("id", "?"), "amount": stripe_refund.get("amount")},
            )


# --- Connect -------------------------------------------------------------------------------------------------


def _on_account_updated(account: dict, event: dict) -> None:
    """Keep the shop's connected account state; an event older than the state we hold changes nothing."""
    created = event.get("created")
    happened = datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) else timezone.now()
    payout_account = (
        PayoutAccount.objects.select_for_update().filter(stripe_account_id=account.get("id") or "-").first()
    )
    if payout_account is None:
        raise EventNotReady(f"No payout account for {account.get('id')}")
    if payout_account.stripe_updated_at is not None and happened < payout_account.stripe_updated_at:
        return
    requirements = (account.get("requirements") or {}).get("currently_due") or []
    payout_account.stripe_details_submitted = bool(account.get("details_submitted"))
    payout_account.stripe_charges_enabled = bool(account.get("charges_enabled"))
    payout_account.stripe_payouts_enabled = bool(account.get("payouts_enabled"))
    payout_account.stripe_requirements = [str(item) for item in requirements]
    payout_account.stripe_updated_at = happened
    payout_account.save(
        update_fields=[
            "stripe_details_submitted",
            "stripe_charges_enabled",
            "stripe_payouts_enabled",
            "stripe_requirements",
            "stripe_updated_at",
            "updated_at",
        ]
    )


HANDLERS = {
    "checkout.session.completed": _on_session_paid,
    "checkout.session.async_payment_succeeded": _on_session_paid,
    "checkout.session.async_payment_failed": _on_session_failed,
    "checkout.session.expired": _on_session_expired,
    "payment_intent.succeeded": _on_intent_succeeded,
    "payment_intent.payment_failed": _on_intent_failed,
    "charge.refunded": _on_charge_refunded,
    "refund.created": _on_refund_updated,
    "refund.updated": _on_refund_updated,
    "charge.refund.updated": _on_refund_updated,
    "account.updated": _on_account_updated,
}
