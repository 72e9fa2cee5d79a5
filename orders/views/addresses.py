"""The signed-in shopper's address book at /akun/alamat/ (namespace `orders_addresses`).

Only signed-in users; an address id in a URL is looked up among the user's own addresses (404 for anyone
else's, and nothing changes). Plain form posts followed by a redirect. The region selects work without
JavaScript: the "show the choices" button (`refresh`) reloads the form with the next level's options, keeping
what was typed; with JavaScript they fill in place. `?next=` (a local URL, e.g. the checkout) is where to go
after saving.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from shops.forms import add_service_errors

from ..forms.addresses import REGION_LEVELS, AddressBookForm, drop_stale_levels
from ..selectors.addresses import address_get_for_user, address_list_for_user
from ..services import addresses as services

SAVED_MESSAGE = _("The address is saved.")
DELETED_MESSAGE = _("The address is deleted.")
DEFAULT_MESSAGE = _("This is now your default address.")


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return None


def _get_own(request: HttpRequest, address_id: int):
    address = address_get_for_user(user=request.user, address_id=address_id)
    if address is None:
        raise Http404
    return address


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    """`orders_addresses:list`: the user's addresses, the default first."""
    addresses = list(address_list_for_user(user=request.user))
    return TemplateResponse(request, "orders/addresses/list.html", {"addresses": addresses})


def _form_page(request: HttpRequest, *, address=None) -> HttpResponse:
    status = 200
    previous = {level: getattr(address, f"{level}_id") if address else None for level in REGION_LEVELS}
    if request.method == "POST":
        if "refresh" in request.POST:
            # No JavaScript: show the next level's choices, keeping what was typed; nothing is saved.
            previous = {level: request.POST.get(f"previous_{level}") or None for level in REGION_LEVELS}
            form = AddressBookForm(drop_stale_levels(request.POST, previous=previous))
            form.load_region_options()
            context = {"form": form, "address": address, "next": _next_url(request), "refreshed": True}
            return TemplateResponse(request, "orders/addresses/form.html", context)
        form = AddressBookForm(request.POST)
        if form.is_valid():
            try:
                if address is None:
                    services.address_create(user=request.user, data=form.cleaned_data)
                else:
                    services.address_update(user=request.user, address=address, data=form.cleaned_data)
            except PermissionDenied as error:
                raise Http404 from error
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, SAVED_MESSAGE)
                return redirect(_next_url(request) or "orders_addresses:list")
        status = 400
    else:
        form = AddressBookForm(initial=address) if address is not None else AddressBookForm()
    form.load_region_options()
    context = {"form": form, "address": address, "next": _next_url(request)}
    return TemplateResponse(request, "orders/addresses/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def address_add(request: HttpRequest) -> HttpResponse:
    """`orders_addresses:add`: a new address; the first one becomes the default."""
    return _form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    """`orders_addresses:edit`: change one of the user's addresses (404 for anyone else's)."""
    return _form_page(request, address=_get_own(request, address_id))


@login_required
@require_POST
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    """`orders_addresses:delete`: delete one of the user's addresses (404 for anyone else's)."""
    address = _get_own(request, address_id)
    services.address_delete(user=request.user, address=address)
    messages.success(request, DELETED_MESSAGE)
    return redirect("orders_addresses:list")


@login_required
@require_POST
def address_set_default(request: HttpRequest, address_id: int) -> HttpResponse:
    """`orders_addresses:set-default`: make one of the user's addresses the default (404 for anyone else's)."""
    address = _get_own(request, address_id)
    services.address_set_default(user=request.user, address=address)
    messages.success(request, DEFAULT_MESSAGE)
    return redirect(_next_url(request) or "orders_addresses:list")
