"""The seller's shipping pages at /penjual/pengiriman/ (namespace `orders_shipping`).

The shop is always the one `shops.selectors.seller_membership` finds for the signed-in user — no shop id comes
from the client, and an option id in a URL is looked up inside that shop only (404 for another shop's). Owner
and staff both manage the options and the cash-on-delivery switch. Every action is a plain form post followed
by a redirect; a user in no shop is sent to open one, like the other seller pages.
"""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from shops.selectors import seller_membership
from shops.services.shops import shop_set_cash_on_delivery

from ..forms.shipping import CashOnDeliveryForm, ShippingOptionForm
from ..selectors.shipping import shipping_option_get_for_shop, shipping_option_list_for_shop
from ..services import shipping_options as services

SAVED_MESSAGE = _("The shipping option %(name)s is saved.")
DELETED_MESSAGE = _("The shipping option %(name)s is deleted.")
COD_ON_MESSAGE = _("Cash on delivery is on: shoppers may pay when the order arrives.")
COD_OFF_MESSAGE = _("Cash on delivery is off.")


def _refused(request: HttpRequest, shop, error: PermissionDenied) -> HttpResponse:
    message = error.args[0] if error.args else services.MEMBERS_ONLY_MESSAGE
    return TemplateResponse(request, "shops/seller/refused.html", {"shop": shop, "message": message}, status=403)


@verified_email_required
def option_list(request: HttpRequest) -> HttpResponse:
    """`orders_shipping:list`: the shop's options (active or not) and the cash-on-delivery switch."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    context = {"shop": shop, "options": list(shipping_option_list_for_shop(shop=shop))}
    return TemplateResponse(request, "orders/shipping/list.html", context)


def _form_page(request: HttpRequest, *, option=None) -> HttpResponse:
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    if option is not None:
        option = shipping_option_get_for_shop(shop=shop, option_id=option)
        if option is None:
            raise Http404
    status = 200
    if request.method == "POST":
        form = ShippingOptionForm(request.POST, shop=shop, option=option)
        if form.is_valid():
            values = form.service_values()
            try:
                if option is None:
                    saved = services.shipping_option_create(shop=shop, user=request.user, **values)
                else:
                    saved = services.shipping_option_update(shop=shop, user=request.user, option=option, **values)
            except PermissionDenied as error:
                return _refused(request, shop, error)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, SAVED_MESSAGE % {"name": saved.name})
                return redirect("orders_shipping:list")
        status = 400
    else:
        form = ShippingOptionForm(shop=shop, option=option)
    context = {"shop": shop, "form": form, "option": option}
    return TemplateResponse(request, "orders/shipping/form.html", context, status=status)


@verified_email_required
@require_http_methods(["GET", "POST"])
def option_add(request: HttpRequest) -> HttpResponse:
    """`orders_shipping:add`: a new option for the shop."""
    return _form_page(request)


@verified_email_required
@require_http_methods(["GET", "POST"])
def option_edit(request: HttpRequest, option_id: int) -> HttpResponse:
    """`orders_shipping:edit`: change one of the shop's options (404 for another shop's)."""
    return _form_page(request, option=option_id)


@verified_email_required
@require_POST
def option_delete(request: HttpRequest, option_id: int) -> HttpResponse:
    """`orders_shipping:delete`: delete one of the shop's options (404 for another shop's)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    option = shipping_option_get_for_shop(shop=membership.shop, option_id=option_id)
    if option is None:
        raise Http404
    try:
        services.shipping_option_delete(shop=membership.shop, user=request.user, option=option)
    except PermissionDenied as error:
        return _refused(request, membership.shop, error)
    messages.success(request, DELETED_MESSAGE % {"name": option.name})
    return redirect("orders_shipping:list")


@verified_email_required
@require_POST
def cash_on_delivery(request: HttpRequest) -> HttpResponse:
    """`orders_shipping:cash-on-delivery`: turn cash on delivery on (`accepts=1`) or off (no `accepts`)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    form = CashOnDeliveryForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    accepts = bool(form.cleaned_data.get("accepts"))
    try:
        shop_set_cash_on_delivery(shop=membership.shop, user=request.user, accepts=accepts)
    except PermissionDenied as error:
        return _refused(request, membership.shop, error)
    messages.success(request, COD_ON_MESSAGE if accepts else COD_OFF_MESSAGE)
    return redirect("orders_shipping:list")
