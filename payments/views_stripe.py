"""The shopper's card payment pages (namespace `payments`), for the order's buyer or a guest with its link (`?t=`).

- `payments:pay` (`/pembayaran/<number>/bayar/`): the ways the order can be paid now (card, bank transfer).
  Posting one starts it: the open card payment is reused while its Stripe page is still open, otherwise the
  attempt is restarted (`payment_restart`: a new payment, hence a new checkout session and idempotency key);
  then the shopper goes to Stripe's hosted page, or to the bank-transfer page. It is also the checkout
  session's `cancel_url`.
- `payments:return` (`/pembayaran/<number>/selesai/`): the checkout session's `success_url`. It shows the
  payment's real state from our database and never trusts the redirect: paid; still processing (the page
  refreshes itself every 5 seconds); failed or expired, with the reason and the ways to try again. While our
  payment is pending it asks Stripe for the session once per visit, and if Stripe says it is paid it runs the
  webhook's own path (`stripe_payment_accept`, amount and currency checked), so the shopper does not wait for
  a late webhook.

Anyone else, or an unknown number, gets 404 and nothing changes.
"""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from orders.models import Order, PaymentMethod, ShopOrder

from . import stripe_gateway
from .errors import PaymentStateError, ProviderError
from .models import Payment
from .providers import available_payment_methods, get_provider
from .providers.stripe import SESSION_CLOSED
from .services import RESTARTABLE_METHODS, payment_mark_failed, payment_restart
from .services.stripe_events import stripe_payment_accept
from .views import _order_page_url, order_for_request

logger = logging.getLogger(__name__)


def _with_token(url: str, token: str) -> str:
    return f"{url}?{urlencode({'t': token})}" if token else url


def _latest_payment(order: Order) -> Payment | None:
    return order.payments.order_by("-created_at", "-pk").first()


def _awaiting_shop_orders(order: Order) -> list[ShopOrder]:
    return list(order.shop_orders.select_related("shop").filter(status=ShopOrder.Status.AWAITING_PAYMENT))


def _methods_now(order: Order, awaiting: list[ShopOrder]) -> list[tuple[str, str]]:
    """(code, label) of the methods the order can be paid with now: none once it no longer awaits payment."""
    if not awaiting:
        return []
    codes = available_payment_methods(shops=[shop_order.shop for shop_order in awaiting])
    return [(code, PaymentMethod(code).label) for code in RESTARTABLE_METHODS if code in codes]


@require_http_methods(["GET", "HEAD", "POST"])
def payment_pay(request: HttpRequest, number: str) -> HttpResponse:
    """`payments:pay`: choose how to pay (again), and go pay."""
    order, token = order_for_request(request, number)
    here = _with_token(reverse("payments:pay", args=[order.number]), token)
    awaiting = _awaiting_shop_orders(order)
    methods = _methods_now(order, awaiting)
    payment = _latest_payment(order)
    if request.method == "POST":
        method = request.POST.get("payment_method", "")
        if method not in dict(methods):
            messages.error(request, _("This payment method is not available for this order."))
            return redirect(here)
        try:
            payment = _payment_to_use(order, payment, method)
            if method == PaymentMethod.BANK_TRANSFER:
                return redirect(_with_token(reverse("payments:proof", args=[order.number]), token))
            action = _initiate_card(order, payment)
        except (PaymentStateError, ProviderError) as error:
            messages.error(request, error.message)
            return redirect(here)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        return redirect(action.data["url"])
    context = {
        "order": order,
        "payment": payment,
        "guest_token": token,
        "methods": methods,
        "form_action": here,
        "order_url": _order_page_url(order, token),
    }
    return TemplateResponse(request, "payments/pay.html", context)


def _payment_to_use(order: Order, payment: Payment | None, method: str) -> Payment:
    """The open card payment when the shopper goes on with the card, else a restarted attempt."""
    if (
        method == PaymentMethod.STRIPE
        and payment is not None
        and payment.provider == PaymentMethod.STRIPE
        and payment.status == Payment.Status.PENDING
    ):
        return payment
    return payment_restart(order=order, method=method)


def _initiate_card(order: Order, payment: Payment):
    """Stripe's hosted page for the card payment; a payment whose page closed (expired) fails, and a new attempt
    starts with a new session."""
    provider = get_provider(PaymentMethod.STRIPE)
    try:
        return provider.initiate(payment=payment)
    except ProviderError as error:
        if error.code != SESSION_CLOSED:
            raise
    payment_mark_failed(payment=payment, message=_("The payment page expired before the payment was made."))
    return provider.initiate(payment=payment_restart(order=order, method=PaymentMethod.STRIPE))


@require_safe
def payment_return(request: HttpRequest, number: str) -> HttpResponse:
    """`payments:return`: where Stripe sends the shopper back; the state from our database."""
    order, token = order_for_request(request, number)
    payment = _latest_payment(order)
    if payment is not None and payment.provider == PaymentMethod.STRIPE and payment.status == Payment.Status.PENDING:
        payment = _ask_stripe(payment)
    awaiting = _awaiting_shop_orders(order)
    if payment is None:
        state = "none"
    elif payment.status == Payment.Status.SUCCEEDED:
        state = "paid"
    elif payment.status == Payment.Status.PENDING:
        state = "processing"
    elif payment.status == Payment.Status.FAILED and awaiting:
        state = "failed"
    else:
        state = "closed"
    context = {
        "order": order,
        "payment": payment,
        "state": state,
        "guest_token": token,
        "methods": _methods_now(order, awaiting) if state == "failed" else [],
        "pay_action": _with_token(reverse("payments:pay", args=[order.number]), token),
        "order_url": _order_page_url(order, token),
    }
    return TemplateResponse(request, "payments/return.html", context)


def _ask_stripe(payment: Payment) -> Payment:
    """The checkout session as Stripe sees it: paid → the webhook's own path (amounts checked); expired → the
    attempt failed. Stripe unreachable: the page says "processing" and the webhook decides."""
    if not payment.provider_reference:
        return payment
    try:
        session = stripe_gateway.checkout_session_retrieve(payment.provider_reference)
    except ProviderError:
        return payment
    if session.get("payment_status") in ("paid", "no_payment_required") and session.get("status") == "complete":
        stripe_payment_accept(
            payment=payment,
            amount=session.get("amount_total"),
            currency=session.get("currency"),
            intent_id=session.get("payment_intent"),
        )
    elif session.get("status") == "expired":
        payment_mark_failed(payment=payment, message=_("The payment page expired before the payment was made."))
    return Payment.objects.get(pk=payment.pk)
