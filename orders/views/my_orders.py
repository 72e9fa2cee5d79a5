"""The shopper's orders at /pesanan/ (namespace `orders_my_orders`).

Who: the list is for the signed-in buyer. An order's page is for its buyer, or for whoever holds a guest
order's signed link (`?t=`, `orders.selectors.orders.order_access_token`); the link travels with each action
post as a hidden field. Anyone else gets 404, as for an order that does not exist; an anonymous visitor
without a link is asked to log in. Each action is a plain form post to one service of
`orders.services.fulfilment` (which checks the status and the person again) followed by a redirect; field
errors re-render the page (400), a status that no longer allows the action answers 409 with its message.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from payments.models import Payment

from ..errors import OrderStateError
from ..models import Order, PaymentMethod, ShopOrder
from ..selectors.orders import order_get_for_buyer, order_get_for_guest, order_list_for_buyer
from ..services import fulfilment
from ..services.reviews import REVIEWABLE
from ..timeline import shopper_actions, whatsapp_url

PAGE_SIZE = 20
TEMPLATES = "orders/my_orders"
CANCELLED_MESSAGE = _("Your order %(number)s from %(shop)s is cancelled.")
RECEIVED_MESSAGE = _("Thank you! Order %(number)s is completed.")
PROBLEM_MESSAGE = _("Your report is sent to %(shop)s. The order is not completed until the problem is solved.")


@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    """`orders_my_orders:list`: the buyer's orders, newest first, 20 a page."""
    page = Paginator(order_list_for_buyer(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, f"{TEMPLATES}/list.html", {"page": page, "orders": page.object_list})


def _order_or_404(request: HttpRequest, number: str) -> tuple[Order, str]:
    """(order, guest token): the buyer's own order, else the guest order the request's signed link names."""
    if request.user.is_authenticated:
        order = order_get_for_buyer(user=request.user, number=number)
        if order is not None:
            return order, ""
    token = request.POST.get("t") or request.GET.get("t") or ""
    if token:
        order = order_get_for_guest(number=number, token=token)
        if order is not None:
            return order, token
    raise Http404


def _detail_url(order: Order, token: str) -> str:
    url = reverse("orders_my_orders:detail", args=[order.number])
    return f"{url}?{urlencode({'t': token})}" if token else url


def _payment(order: Order) -> Payment | None:
    """The order's latest payment (prefetched, newest first)."""
    payments = list(order.payments.all())
    return payments[0] if payments else None


def _render_detail(
    request: HttpRequest,
    order: Order,
    token: str,
    *,
    status: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
    conflict: str = "",
) -> HttpResponse:
    """The order page; `errors`/`values` by shop order id re-show a refused form, `conflict` a refusal."""
    errors, values = errors or {}, values or {}
    payment = _payment(order)
    awaiting = any(so.status == ShopOrder.Status.AWAITING_PAYMENT for so in order.shop_orders.all())
    shows_transfer = (
        payment is not None
        and payment.provider == PaymentMethod.BANK_TRANSFER
        and payment.status == Payment.Status.PENDING
        and awaiting
    )
    query = f"?{urlencode({'t': token})}" if token else ""
    # Reviews are written from the buyer's account (not through a guest link), once a parcel has arrived.
    can_review = bool(order.buyer_id) and not token and any(so.status in REVIEWABLE for so in order.shop_orders.all())
    shop_orders = [
        {
            "shop_order": shop_order,
            "whatsapp_url": whatsapp_url(shop=shop_order.shop, order_number=order.number),
            "invoice_url": reverse("orders_documents:invoice", args=[shop_order.number]) + query,
            "errors": errors.get(shop_order.pk, {}),
            "values": values.get(shop_order.pk, {}),
            **shopper_actions(shop_order),
        }
        for shop_order in order.shop_orders.all()
    ]
    context = {
        "order": order,
        "shop_orders": shop_orders,
        "payment": payment,
        "shows_transfer": shows_transfer,
        "bank_accounts": settings.BANK_TRANSFER_ACCOUNTS,
        "token": token,
        "detail_url": _detail_url(order, token),
        "conflict": conflict,
        "can_review": can_review,
    }
    return TemplateResponse(request, f"{TEMPLATES}/detail.html", context, status=status)


@require_safe
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_my_orders:detail`: per shop the timeline, lines, shipping and the actions its status allows."""
    if not request.user.is_authenticated and not request.GET.get("t"):
        return redirect_to_login(request.get_full_path())
    order, token = _order_or_404(request, number)
    return _render_detail(request, order, token)


def _act(request: HttpRequest, number: str, shop_order_number: str, action, success_message) -> HttpResponse:
    """Find the order the asker may see and its shop order (else 404), run `action(shop_order, user)`."""
    order, token = _order_or_404(request, number)
    shop_order = next((so for so in order.shop_orders.all() if so.number == shop_order_number), None)
    if shop_order is None:
        raise Http404
    # A guest order is acted on by the holder of its link: the services take user=None for it.
    user = None if order.buyer_id is None else request.user
    try:
        action(shop_order, user)
    except ValidationError as error:
        errors = {shop_order.pk: error_dict(error)}
        values = {shop_order.pk: {key: request.POST.get(key, "") for key in ("reason", "problem")}}
        return _render_detail(request, order, token, status=400, errors=errors, values=values)
    except OrderStateError as error:
        fresh, _token = _order_or_404(request, number)
        return _render_detail(request, fresh, token, status=409, conflict=error.message)
    except PermissionDenied:
        return _render_detail(request, order, token, status=403, conflict=_("You cannot change this order."))
    messages.success(request, success_message % {"number": shop_order.number, "shop": shop_order.shop.name})
    return redirect(_detail_url(order, token))


@require_POST
def order_cancel(request: HttpRequest, number: str, shop_order_number: str) -> HttpResponse:
    """`orders_my_orders:cancel`: cancel one shop's part before it ships (reason optional)."""

    def action(shop_order, user):
        fulfilment.shop_order_cancel(
            shop_order=shop_order, user=user, reason=request.POST.get("reason", ""), actor="shopper"
        )

    return _act(request, number, shop_order_number, action, CANCELLED_MESSAGE)


@require_POST
def order_confirm_received(request: HttpRequest, number: str, shop_order_number: str) -> HttpResponse:
    """`orders_my_orders:confirm-received`: the parcel arrived; the shop order is completed."""

    def action(shop_order, user):
        fulfilment.shop_order_confirm_received(shop_order=shop_order, user=user)

    return _act(request, number, shop_order_number, action, RECEIVED_MESSAGE)


@require_POST
def order_report_problem(request: HttpRequest, number: str, shop_order_number: str) -> HttpResponse:
    """`orders_my_orders:report-problem`: something is wrong with a shipped parcel; stops the auto-complete."""

    def action(shop_order, user):
        fulfilment.shop_order_report_problem(shop_order=shop_order, user=user, problem=request.POST.get("problem", ""))

    return _act(request, number, shop_order_number, action, PROBLEM_MESSAGE)


def error_dict(error: ValidationError) -> dict[str, list[str]]:
    """A service's field errors by field; errors without a field under "__all__"."""
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
