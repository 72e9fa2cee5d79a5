"""The invoice and packing slip of a shop order, as PDF (`orders.documents`).

Whoever may not read a document gets 404, as for an order that does not exist: a number says nothing about
whether it exists. A guest opens the invoice with the signed key of the links mailed to them (`?t=`).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..documents import invoice_pdf, packing_slip_pdf, shop_order_for_invoice, shop_order_for_packing_slip


def _pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@never_cache
def invoice(request: HttpRequest, shop_order_number: str) -> HttpResponse:
    shop_order = shop_order_for_invoice(user=request.user, number=shop_order_number, token=request.GET.get("t", ""))
    if shop_order is None:
        raise Http404
    return _pdf_response(invoice_pdf(shop_order=shop_order), filename=f"faktur-{shop_order.number}.pdf")


@require_safe
@never_cache
def packing_slip(request: HttpRequest, shop_order_number: str) -> HttpResponse:
    shop_order = shop_order_for_packing_slip(user=request.user, number=shop_order_number)
    if shop_order is None:
        raise Http404
    return _pdf_response(packing_slip_pdf(shop_order=shop_order), filename=f"label-{shop_order.number}.pdf")
