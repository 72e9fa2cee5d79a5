"""Operator pages for bank transfers in the Wagtail admin (`/cms/transfer-bank/`, namespace
`payments_operator`), registered in `payments.wagtail_hooks`.

- `index`: the pending transfers, the oldest first, with a search box (an amount as it appears on the bank
  statement, "Rp 92.417", or an order number, or the buyer) — `payments.selectors.bank_transfer_pending_list`.
- `detail`: one payment, its order and shops, the proof; the confirm button (POST, CSRF) calls
  `payments.services.bank_transfer_confirm`, and its refusals (already handled, order expired or cancelled)
  are shown with the service's message. Nothing changes on a refusal.
- `proof`: streams the proof file, after the same permission check. Proofs are never linked by their media
  URL (whose name carries a random token anyway).

Only users with `payments.confirm_bank_transfer` (the Operator group, superusers); anyone else gets Wagtail's
"no permission" answer (a redirect to the dashboard with a message).
"""

import mimetypes
import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from marketplace.core.errors import StateConflictError

from .forms import OperatorSearchForm
from .models import Payment
from .selectors import bank_transfer_pending_list, payment_get_for_operator
from .services import bank_transfer_confirm

URL_NAMESPACE = "payments_operator"
PERMISSION = "payments.confirm_bank_transfer"
PAGE_SIZE = 50

CONFIRMED_MESSAGE = _("Payment for order %(number)s confirmed; the sellers have been emailed.")


def user_can_confirm_transfers(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def _require_permission(request: HttpRequest) -> None:
    if not user_can_confirm_transfers(request.user):
        raise PermissionDenied


def _get_payment(payment_id: int) -> Payment:
    payment = payment_get_for_operator(payment_id=payment_id)
    if payment is None:
        raise Http404
    return payment


def pending_list(request: HttpRequest) -> HttpResponse:
    """The pending bank transfers, oldest first; `?q=` searches by amount, order number or buyer."""
    _require_permission(request)
    form = OperatorSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(bank_transfer_pending_list(query=query), PAGE_SIZE).get_page(request.GET.get("p"))
    context = {
        "page_title": _("Bank transfers"),
        "header_icon": "doc-full",
        "search_form": form,
        "query": query,
        "page": page,
        "payments": page.object_list,
    }
    return TemplateResponse(request, "payments/operator/pending_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    """One payment; POST confirms it (the service checks the permission and the states again)."""
    _require_permission(request)
    payment = _get_payment(payment_id)
    if request.method == "POST":
        try:
            bank_transfer_confirm(payment=payment, operator=request.user)
        except StateConflictError as error:
            messages.error(request, error.message)
            return redirect(reverse(f"{URL_NAMESPACE}:detail", args=[payment.pk]))
        messages.success(request, CONFIRMED_MESSAGE % {"number": payment.order.number})
        return redirect(reverse(f"{URL_NAMESPACE}:index"))
    context = {
        "page_title": _("Bank transfer %(number)s") % {"number": payment.order.number},
        "header_icon": "doc-full",
        "payment": payment,
        "order": payment.order,
        "shop_orders": list(payment.order.shop_orders.all()),
        "can_confirm": payment.status == Payment.Status.PENDING and payment.provider == "bank_transfer",
        "index_url": reverse(f"{URL_NAMESPACE}:index"),
    }
    return TemplateResponse(request, "payments/operator/payment_detail.html", context)


def payment_proof(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The proof file, for operators only; never rendered by the browser as a page of the site."""
    _require_permission(request)
    payment = _get_payment(payment_id)
    return proof_file_response(payment)


def proof_file_response(payment: Payment) -> FileResponse:
    """Streams `payment.proof` (404 when there is none). Images open inline, PDFs download; the content type
    comes from the stored name, which the upload service chose from the checked content."""
    if not payment.proof:
        raise Http404
    name = os.path.basename(payment.proof.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = payment.proof.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not content_type.startswith("image/"), filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
