"""`/keranjang/`: the cart page, adding from a product page, changing and removing lines.

Decisions:

- **Adding without a CSRF token**: product pages come from the anonymous page cache, and a page embedding a
  CSRF token is never cached (it sets a cookie). So `cart_add` is `csrf_exempt` and refuses cross-site posts
  itself: the `Origin` header (or, without one, the `Referer`) must name this site's host
  (`request.get_host()`), else 403. Changing and removing lines happen on the cart page, which is never cached
  and uses Django's CSRF protection as usual.
- **Plain posts work without JavaScript**: every form redirects (to the cart page, or back to the product
  page with the error as a message). With htmx (`HX-Request`) adding answers a small fragment: the message,
  plus the header's count swapped out of band (`[data-cart-count]`).
- **Errors** from the services (field errors, out of stock, shop on holiday, another shopper's line: 404) are
  shown as messages; nothing changes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from marketplace.core.errors import StateConflictError
from orders.selectors.cart import cart_count_for_request, cart_summary
from orders.services.cart import cart_add_line_for_request, cart_get_for_request, cart_remove_line, cart_update_line

TEMPLATES = "orders/cart"


def _error_text(error: ValidationError | StateConflictError) -> str:
    if isinstance(error, StateConflictError):
        return str(error.message)
    return " ".join(str(message) for message in error.messages)


def _whole_number(value) -> int | str:
    """The posted value as an int when it is a whole number, else the raw text (the service refuses it)."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    if text.startswith("-") and text[1:].isascii() and text[1:].isdigit() and len(text) < 20:
        return int(text)
    return text


def _language_prefix() -> str:
    """ "/" for Indonesian, "/en/" for English: the home page in the page's language."""
    language = translation.get_language()
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"


def _same_site(request: HttpRequest) -> bool:
    """The post comes from a page of this site: its Origin (or, without one, its Referer) names our host."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not source or source == "null":
        return False
    return urlsplit(source).netloc == request.get_host()


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    """`/keranjang/`: the lines grouped by shop, today's prices, each line's problem, the totals."""
    summary = cart_summary(cart=cart_get_for_request(request))
    context = {
        "summary": summary,
        "cart_count": summary.count,
        "checkout_url": reverse("orders_checkout:checkout"),
        "home_url": _language_prefix(),
    }
    return TemplateResponse(request, f"{TEMPLATES}/detail.html", context)


def _back_to_product(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("orders_cart:detail")


@csrf_exempt  # product pages are cached without a token; _same_site() refuses cross-site posts instead
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """`/keranjang/tambah/` (POST `variant`, `quantity`): adds to the visitor's cart (made if needed)."""
    if not _same_site(request):
        return HttpResponseForbidden(_("This form must be sent from a page of this site."))
    htmx = request.headers.get("HX-Request") == "true"
    variant_id = _whole_number(request.POST.get("variant"))
    quantity = _whole_number(request.POST.get("quantity") or "1")
    try:
        line = cart_add_line_for_request(request, variant_id=variant_id, quantity=quantity)
    except (ValidationError, StateConflictError) as error:
        text = _error_text(error)
        if htmx:
            context = {"error": text, "cart_count": cart_count_for_request(request)}
            return TemplateResponse(request, f"{TEMPLATES}/_added.html", context)
        messages.error(request, text)
        return HttpResponseRedirect(_back_to_product(request))
    title = line.variant.product.title
    if line.variant.name:
        title = f"{title} ({line.variant.name})"
    text = _("“%(product)s” is in your cart.") % {"product": title}
    if htmx:
        context = {"message": text, "cart_count": cart_count_for_request(request)}
        return TemplateResponse(request, f"{TEMPLATES}/_added.html", context)
    messages.success(request, text)
    return redirect("orders_cart:detail")


@require_POST
def cart_line_update(request: HttpRequest, line_id: int) -> HttpResponse:
    """`/keranjang/baris/<id>/` (POST `quantity`): sets a line's quantity; 404 for a line not in this cart."""
    cart = cart_get_for_request(request)
    if cart is None:
        return _not_in_cart(request)
    try:
        cart_update_line(cart=cart, line_id=line_id, quantity=_whole_number(request.POST.get("quantity")))
    except (ValidationError, StateConflictError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Quantity updated."))
    return redirect("orders_cart:detail")


@require_POST
def cart_line_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    """`/keranjang/baris/<id>/hapus/` (POST): removes a line; 404 for a line not in this cart."""
    cart = cart_get_for_request(request)
    if cart is None:
        return _not_in_cart(request)
    cart_remove_line(cart=cart, line_id=line_id)
    messages.success(request, _("The item was removed from your cart."))
    return redirect("orders_cart:detail")


def _not_in_cart(request: HttpRequest):
    raise Http404("No such line in this cart.")
