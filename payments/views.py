"""The shopper's bank-transfer page at `/pembayaran/<order number>/bukti/` (namespace `payments`).

Transfer instructions (the amount with its unique code, the platform's accounts, the order number as the
reference, the deadline in WITA) and the proof upload form. For the order's buyer (signed in) or a guest
holding the order's signed link (`?t=<token>`, `orders.selectors.orders.order_access_token`); anyone else, an
unknown number, or an order not paid by bank transfer gets 404 and nothing changes. A plain form post
followed by a redirect; the file checks are the service's.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from orders.models import Order
from orders.selectors.orders import order_get_for_buyer, order_get_for_guest
from shops.forms import add_service_errors

from .errors import PaymentStateError
from .forms import ProofUploadForm
from .models import Payment
from .selectors import bank_transfer_for_order
from .services import bank_transfer_upload_proof

UPLOADED_MESSAGE = _("Thank you: your proof of transfer is uploaded. We confirm the payment as soon as we see it.")


def order_for_request(request: HttpRequest, number: str) -> tuple[Order, str]:
    """The order `number` when the signed-in user bought it or `?t=` is its guest link; 404 otherwise.
    Returns the order and the guest token ("" for the buyer)."""
    order = None
    if request.user.is_authenticated:
        order = order_get_for_buyer(user=request.user, number=number)
    token = ""
    if order is None:
        token = request.GET.get("t", "")
        order = order_get_for_guest(number=number, token=token) if token else None
    if order is None:
        raise Http404
    return order, token


def _order_page_url(order: Order, token: str) -> str | None:
    # The order detail page belongs to the my-orders pages; link to it when it is there.
    try:
        url = reverse("orders_my_orders:detail", args=[order.number])
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'t': token})}" if token else url


@require_http_methods(["GET", "HEAD", "POST"])
def payment_proof(request: HttpRequest, number: str) -> HttpResponse:
    """`payments:proof`: how to transfer, and the proof upload form while the transfer is awaited."""
    order, token = order_for_request(request, number)
    payment = bank_transfer_for_order(order=order)
    if payment is None:
        raise Http404
    here = request.path + (f"?{urlencode({'t': token})}" if token else "")
    form = ProofUploadForm()
    status = 200
    if request.method == "POST":
        form = ProofUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                bank_transfer_upload_proof(payment=payment, user=request.user, file=form.cleaned_data["proof"])
            except PaymentStateError as error:
                messages.error(request, error.message)
                return redirect(here)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, UPLOADED_MESSAGE)
                return redirect(here)
        status = 400
    context = {
        "order": order,
        "payment": payment,
        "guest_token": token,
        "form": form,
        "form_action": here,
        "accounts": settings.BANK_TRANSFER_ACCOUNTS,
        "awaiting": payment.status == Payment.Status.PENDING
        and (order.pay_before is None or order.pay_before > timezone.now()),
        "order_url": _order_page_url(order, token),
    }
    return TemplateResponse(request, "payments/proof.html", context, status=status)
