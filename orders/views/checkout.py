"""`/checkout/` (namespace `orders_checkout`): one page, plain form posts, works without JavaScript.

The page shows the cart per shop with each shop's shipping options and their fee (`checkout_quote`), the
address (the default of a signed-in shopper's address book, another saved one through `?alamat=<id>`, or typed),
the shopper's email (guests), a note to each seller, and the payment methods every shop accepts.

- "Show the choices" (`refresh`) reloads the region selects; "Update shipping" (`quote`) recomputes the fees
  for the chosen district (local delivery depends on it). Neither places anything.
- "Place the order" (`place`) calls `order_place` with the hidden `idempotency_key` made when the page was
  rendered: a double click or a retry after a timeout finds the same order. Then it redirects to the order's
  page (for a guest, with the signed link).
"""

import contextlib
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from payments.providers import get_provider
from shops.forms import add_service_errors

from ..errors import CartError, OutOfStockError
from ..forms.addresses import REGION_LEVELS, AddressForm, drop_stale_levels
from ..forms.checkout import CheckoutForm
from ..models import PaymentMethod
from ..selectors.addresses import address_get_for_user, address_list_for_user
from ..selectors.orders import order_access_token
from ..services.addresses import address_create
from ..services.cart import cart_get_for_request
from ..services.checkout import checkout_quote, order_place


def order_page_url(order) -> str:
    """Where the shopper follows the order: their order page, or for a guest the page with its signed link."""
    url = reverse("orders_my_orders:detail", args=[order.number])
    return url if order.buyer_id else f"{url}?t={order_access_token(order)}"


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_get_for_request(request)
    user = request.user if request.user.is_authenticated else None
    saved_addresses = list(address_list_for_user(user=user)) if user else []

    if request.method == "GET":
        chosen = _saved_address(request, user, saved_addresses)
        address_form = AddressForm(initial=chosen) if chosen else AddressForm(initial=_contact_initial(user))
        checkout_form = CheckoutForm(initial={"idempotency_key": uuid.uuid4().hex, "email": user.email if user else ""})
        return _render(request, cart, address_form, checkout_form, saved_addresses, shipping={})

    shipping = _posted_shipping(request)
    if "place" not in request.POST:
        # "Show the choices" or "Update shipping": the page again with what was typed, unvalidated, nothing saved.
        previous = {level: request.POST.get(f"previous_{level}") or None for level in REGION_LEVELS}
        typed = drop_stale_levels(request.POST, previous=previous).dict()
        address_form = AddressForm(initial=typed)
        checkout_form = CheckoutForm(initial=request.POST.dict())
        return _render(request, cart, address_form, checkout_form, saved_addresses, shipping=shipping, refreshed=True)

    address_form = AddressForm(request.POST)
    checkout_form = CheckoutForm(request.POST, guest=user is None)
    if cart is None:
        messages.error(request, _("Your cart is empty."))
        return redirect("orders_cart:detail")
    valid = address_form.is_valid() & checkout_form.is_valid()
    if not valid:
        return _render(request, cart, address_form, checkout_form, saved_addresses, shipping=shipping, status=400)
    email = checkout_form.cleaned_data["email"] or (user.email if user else "")
    try:
        placed = order_place(
            cart=cart,
            buyer=user,
            email=email,
            address=address_form.cleaned_data,
            shipping=shipping,
            notes=_posted_notes(request),
            payment_method=checkout_form.cleaned_data["payment_method"],
            idempotency_key=checkout_form.cleaned_data["idempotency_key"],
            language=translation.get_language() or "id",
        )
    except (CartError, OutOfStockError) as error:
        messages.error(request, error.message)
        return redirect("orders_cart:detail")
    except ValidationError as error:
        add_service_errors(checkout_form, error)
        return _render(request, cart, address_form, checkout_form, saved_addresses, shipping=shipping, status=400)
    if placed.created and user and checkout_form.cleaned_data.get("save_address"):
        # The order is placed; an address the book refuses is not worth failing it for.
        with contextlib.suppress(ValidationError):
            address_create(user=user, data={**address_form.cleaned_data, "is_default": not saved_addresses})
    if placed.created:
        messages.success(request, _("Thank you! Your order %(number)s is placed.") % {"number": placed.order.number})
    if placed.next_action is not None and placed.next_action.kind == "redirect":
        # A hosted payment page (Stripe Checkout); it sends the shopper back to the payment's return page.
        return redirect(placed.next_action.data["url"])
    if placed.created and placed.order.payment_method == PaymentMethod.STRIPE and placed.next_action is None:
        messages.warning(request, _("The card payment could not be started just now. Use “Pay now” to try again."))
    return redirect(order_page_url(placed.order))


def _render(request, cart, address_form, checkout_form, saved_addresses, *, shipping, status=200, refreshed=False):
    address_form.load_region_options()
    district_code = address_form.chosen_codes().get("district")
    quote = checkout_quote(cart=cart, district_code=district_code, shipping=shipping)
    if not quote.shops:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders_cart:detail")
    methods = [(code, PaymentMethod(code).label, get_provider(code)) for code in quote.payment_methods]
    checkout_form.set_payment_methods(quote.payment_methods)
    context = {
        "quote": quote,
        "address_form": address_form,
        "form": address_form,  # the address fields include renders `form`
        "checkout_form": checkout_form,
        "saved_addresses": saved_addresses,
        "payment_methods": methods,
        "notes": _posted_notes(request) if request.method == "POST" else {},
        "refreshed": refreshed,
    }
    return TemplateResponse(request, "orders/checkout/checkout.html", context, status=status)


def _saved_address(request, user, saved_addresses):
    if user is None:
        return None
    chosen_id = request.GET.get("alamat")
    if chosen_id and chosen_id.isdigit():
        return address_get_for_user(user=user, address_id=int(chosen_id))
    return next((address for address in saved_addresses if address.is_default), None)


def _contact_initial(user) -> dict:
    if user is None:
        return {}
    return {"recipient_name": user.full_name, "phone": user.phone.as_national if user.phone else ""}


def _posted_shipping(request) -> dict[int, int]:
    shipping = {}
    for name, value in request.POST.items():
        if name.startswith("shipping_") and name[9:].isdigit() and value.isdigit():
            shipping[int(name[9:])] = int(value)
    return shipping


def _posted_notes(request) -> dict[int, str]:
    return {
        int(name[5:]): value
        for name, value in request.POST.items()
        if name.startswith("note_") and name[5:].isdigit() and value.strip()
    }
