"""The seller's orders at /penjual/pesanan/ (namespace `orders_seller_orders`).

Who: a verified user who is a member (owner or staff) of a shop. The list shows the shop
`shops.selectors.seller_membership` finds (no shop id from the client); a shop order is loaded with
`shop_order_get_for_seller`, so another shop's order is a 404 and changes nothing. Owner and staff both
fulfil orders. Every action is a plain form post to one service of `orders.services.fulfilment` followed by
a redirect; field errors re-render the page (400), a status that no longer allows the action answers 409.
"""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from marketplace.core.errors import StateConflictError
from payments.forms_seller import RefundForm, add_service_errors
from payments.selectors_seller import refund_done_message, shop_order_refund_box
from payments.services.refunds import refund_create
from shops.selectors import seller_membership

from ..errors import OrderStateError
from ..models import ShopOrder
from ..selectors.orders import (
    shop_order_get_for_seller,
    shop_order_list_for_seller,
    shop_order_status_counts_for_seller,
)
from ..services import fulfilment
from ..timeline import seller_actions
from .my_orders import error_dict

PAGE_SIZE = 20
TEMPLATES = "orders/seller_orders"
ACCEPTED_MESSAGE = _("Order %(number)s is accepted. Prepare the parcel and ship it.")
SHIPPED_MESSAGE = _("Order %(number)s is marked as shipped. The shopper was told.")
DELIVERED_MESSAGE = _("Order %(number)s is marked as delivered.")
CANCELLED_MESSAGE = _("Order %(number)s is cancelled. The shopper was told.")
# The tabs of the list, in the order of the work: what needs the seller first.
TABS = (
    ("", _("All")),
    (ShopOrder.Status.PAID, _("New")),
    (ShopOrder.Status.PROCESSING, _("To ship")),
    (ShopOrder.Status.AWAITING_PAYMENT, ShopOrder.Status.AWAITING_PAYMENT.label),
    (ShopOrder.Status.SHIPPED, ShopOrder.Status.SHIPPED.label),
    (ShopOrder.Status.DELIVERED, ShopOrder.Status.DELIVERED.label),
    (ShopOrder.Status.COMPLETED, ShopOrder.Status.COMPLETED.label),
    (ShopOrder.Status.CANCELLED, ShopOrder.Status.CANCELLED.label),
    (ShopOrder.Status.REFUNDED, ShopOrder.Status.REFUNDED.label),
)


@verified_email_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    """`orders_seller_orders:list`: the shop's orders with status tabs (their counts in one query), new first."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    status = request.GET.get("status", "")
    if status not in ShopOrder.Status.values:
        status = ""
    counts = shop_order_status_counts_for_seller(user=request.user, shop=shop)
    shop_orders = shop_order_list_for_seller(user=request.user, shop=shop, status=status or None)
    page = Paginator(shop_orders, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [
        {"status": code, "label": label, "count": counts[code or "all"], "current": code == status}
        for code, label in TABS
    ]
    context = {"shop": shop, "page": page, "shop_orders": page.object_list, "tabs": tabs, "status": status}
    return TemplateResponse(request, f"{TEMPLATES}/list.html", context)


def _shop_order_or_404(request: HttpRequest, number: str) -> ShopOrder:
    shop_order = shop_order_get_for_seller(user=request.user, number=number)
    if shop_order is None:
        raise Http404
    return shop_order


def _render_detail(
    request: HttpRequest,
    shop_order: ShopOrder,
    *,
    status: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
    conflict: str = "",
    refund_form=None,
) -> HttpResponse:
    order = shop_order.order
    payments = list(order.payments.all())
    buyer_phone = order.phone.as_e164 if order.phone else ""
    context = {
        "shop": shop_order.shop,
        "shop_order": shop_order,
        "order": order,
        "payment": payments[0] if payments else None,
        "actions": seller_actions(shop_order),
        "is_cod": order.payment_method == "cod",
        "buyer_phone": buyer_phone,
        "buyer_whatsapp_url": f"https://wa.me/{buyer_phone.lstrip('+')}" if buyer_phone else "",
        "invoice_url": reverse("orders_documents:invoice", args=[shop_order.number]),
        "packing_slip_url": reverse("orders_documents:packing_slip", args=[shop_order.number]),
        "errors": errors or {},
        "values": values or {},
        "conflict": conflict,
        "refund": {**shop_order_refund_box(shop_order=shop_order), "form": refund_form or RefundForm()},
    }
    return TemplateResponse(request, f"{TEMPLATES}/detail.html", context, status=status)


@verified_email_required
@require_safe
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_seller_orders:detail`: buyer, address, note, lines, timeline and the actions the status allows."""
    return _render_detail(request, _shop_order_or_404(request, number))


def _act(request: HttpRequest, number: str, action, success_message) -> HttpResponse:
    shop_order = _shop_order_or_404(request, number)
    try:
        action(shop_order)
    except ValidationError as error:
        values = {key: request.POST.get(key, "") for key in ("courier", "tracking_number", "reason")}
        return _render_detail(request, shop_order, status=400, errors=error_dict(error), values=values)
    except OrderStateError as error:
        return _render_detail(request, _shop_order_or_404(request, number), status=409, conflict=error.message)
    except PermissionDenied:
        return _render_detail(request, shop_order, status=403, conflict=_("You cannot change this order."))
    messages.success(request, success_message % {"number": shop_order.number})
    return redirect("orders_seller_orders:detail", number=shop_order.number)


@verified_email_required
@require_POST
def order_accept(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_seller_orders:accept`: paid → processing."""
    return _act(
        request,
        number,
        lambda shop_order: fulfilment.shop_order_accept(shop_order=shop_order, user=request.user),
        ACCEPTED_MESSAGE,
    )


@verified_email_required
@require_POST
def order_ship(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_seller_orders:ship`: processing → shipped, with the courier and tracking number."""

    def action(shop_order):
        fulfilment.shop_order_ship(
            shop_order=shop_order,
            user=request.user,
            courier=request.POST.get("courier", ""),
            tracking_number=request.POST.get("tracking_number", ""),
        )

    return _act(request, number, action, SHIPPED_MESSAGE)


@verified_email_required
@require_POST
def order_deliver(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_seller_orders:deliver`: shipped → delivered (for cash on delivery: and the cash collected)."""
    return _act(
        request,
        number,
        lambda shop_order: fulfilment.shop_order_mark_delivered(shop_order=shop_order, user=request.user),
        DELIVERED_MESSAGE,
    )


@verified_email_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_seller_orders:cancel`: before shipping, with a reason the shopper reads."""

    def action(shop_order):
        fulfilment.shop_order_cancel(
            shop_order=shop_order, user=request.user, reason=request.POST.get("reason", ""), actor="seller"
        )

    return _act(request, number, action, CANCELLED_MESSAGE)


@verified_email_required
@require_POST
def order_refund(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_seller_orders:refund`: the seller refunds part or all of the shop order
    (`payments.services.refunds.refund_create`, `actor="seller"`), then back to the order page with a message;
    errors re-render the page with the refund form (400), the conflict (409) or the refusal (403)."""
    shop_order = _shop_order_or_404(request, number)
    form = RefundForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, shop_order, status=400, refund_form=form)
    data = form.cleaned_data
    try:
        created = refund_create(
            shop_order=shop_order,
            amount=data["amount"],
            reason=data["reason"],
            manual_note=data["manual_note"],
            user=request.user,
            actor="seller",
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _render_detail(request, shop_order, status=400, refund_form=form)
    except StateConflictError as error:
        return _render_detail(request, shop_order, status=409, conflict=error.message, refund_form=form)
    except PermissionDenied:
        conflict = _("You cannot change this order.")
        return _render_detail(request, shop_order, status=403, conflict=conflict, refund_form=form)
    messages.success(request, refund_done_message(created))
    return redirect(reverse("orders_seller_orders:detail", args=[shop_order.number]) + "#pengembalian")
