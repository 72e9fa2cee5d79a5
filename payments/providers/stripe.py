"""Card payments (and the other methods Stripe offers for IDR) through a Stripe Checkout Session (DESIGN §6).

Why a hosted Checkout Session rather than a PaymentIntent with Stripe.js in our page: Stripe's page handles
cards, 3-D Secure and the IDR methods, no card data and no third-party script touch our pages (no CDN), and the
browser test drives a local stand-in's hosted page. The shopper is redirected there after placing the order
(or from the pay page, `payments:pay`) and comes back to `payments:return`, which shows the state from our
database. The money is accepted only from a signed webhook event (`payments.services.stripe_events`) or from
the return page reading the session from Stripe itself, with the amount and currency checked both times.

One session per payment: `initiate` reuses the payment's session while it is open (`provider_reference`),
and the idempotency key is the payment's, so a retried initiation never creates a second session. Trying
again after a failure creates a new payment (`payment_restart`) and so a new session.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..errors import ProviderError
from .base import NextAction, PaymentProvider, RefundResult


def order_return_urls(order) -> tuple[str, str]:
    """(success_url, cancel_url) of `order`'s checkout session: the return page and the pay page, absolute, in
    the order's language, with the guest link token when the order has no buyer."""
    from orders.selectors.orders import order_access_token

    query = "" if order.buyer_id else "?" + urlencode({"t": order_access_token(order)})
    with translation.override(order.language or settings.LANGUAGE_CODE):
        success = reverse("payments:return", args=[order.number])
        cancel = reverse("payments:pay", args=[order.number])
    return f"{settings.SITE_URL}{success}{query}", f"{settings.SITE_URL}{cancel}{query}"


SESSION_CLOSED = "session_closed"


class StripeProvider(PaymentProvider):
    code = "stripe"
    refunds_by_hand = False

    def is_configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def accepts(self, *, shop) -> bool:
        return True  # the money goes to the platform's Stripe account, whatever the shop

    def initial_status(self) -> str:
        return "awaiting_payment"

    def initiate(self, *, payment) -> NextAction:
        """The URL of the payment's checkout session: its session (stored as the payment's
        `provider_reference`), created on the first call. Calls Stripe; raises ProviderError, with code
        `SESSION_CLOSED` when the session can no longer be paid (expired, or completed). Never called inside a
        transaction holding order or stock locks."""
        from payments import stripe_gateway
        from payments.models import Payment

        if payment.provider_reference:
            session = stripe_gateway.checkout_session_retrieve(payment.provider_reference)
        else:
            success_url, cancel_url = order_return_urls(payment.order)
            session = stripe_gateway.checkout_session_create(
                payment=payment, success_url=success_url, cancel_url=cancel_url
            )
            with transaction.atomic():
                Payment.objects.filter(pk=payment.pk).update(
                    provider_reference=session["id"], updated_at=timezone.now()
                )
            payment.provider_reference = session["id"]
        if session.get("status") != "open" or not session.get("url"):
            # Expired (or paid, and its event is on its way): this payment cannot be paid again; the pay page
            # starts a new payment, with a new session.
            raise ProviderError(
                _("This payment page is closed; start the payment again."), retryable=False, code=SESSION_CLOSED
            )
        return NextAction("redirect", {"url": session["url"], "session_id": session["id"]})

    def handle_confirmation(self, *, payment, user=None, data=None):
        from payments.services import payment_mark_succeeded

        return payment_mark_succeeded(payment=payment, user=user, allow_failed=True)

    def refund(self, *, refund) -> RefundResult:
        from payments import stripe_gateway

        refund_id, status = stripe_gateway.refund_create(refund=refund)
        return RefundResult(amount=refund.amount, manual=False, reference=refund_id, pending=status != "succeeded")
