"""The seller onboarding wizard at /penjual/: open a shop, fill its profile step by step, submit it for review.

Progress is the Shop draft itself: every step saves through `shops.services.shop_update_profile`, so the
seller can leave and come back; /penjual/ sends them to the first step whose required data is missing.
Optional steps (2 photos, 5 legal data) count as done once the seller has moved past them. Every step is
a plain form post; the address selects work without JavaScript (saving a level reloads the page with the
options of the next one). A user only ever sees the shop they belong to; staff see its status only.
"""

from itertools import pairwise
from uuid import uuid4

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .. import forms, services
from ..errors import ShopStateError
from ..images import normalise_photo
from ..models import Shop, ShopMember
from ..selectors import (
    district_list_for_regency,
    province_list,
    regency_list_for_province,
    seller_membership,
    village_list_for_district,
)

STEP_COUNT = 6
REVIEW_STEP = 6
STEP_TITLES = {
    1: _("Name and story"),
    2: _("Logo and banner"),
    3: _("WhatsApp number"),
    4: _("Address"),
    5: _("Legal data"),
    6: _("Review and submit"),
}
EDITABLE_STATUSES = (Shop.Status.DRAFT, Shop.Status.REJECTED, Shop.Status.APPROVED)
STAFF_MESSAGE = _("Only the shop owner can change the shop or submit it for review.")
ADDRESS_LEVELS = ("province", "regency", "district", "village")


def _membership(user) -> ShopMember | None:
    return seller_membership(user=user)


def first_incomplete_step(shop: Shop) -> int:
    """Where a returning seller continues: the first step whose required data is missing, else the review."""
    if not (shop.name and shop.story):
        return 1
    later_data = bool(shop.whatsapp) or shop.province_id is not None
    if not (shop.logo or shop.banner or later_data):
        return 2
    if not shop.whatsapp:
        return 3
    if not all(getattr(shop, f"{level}_id") for level in ADDRESS_LEVELS) or not (
        shop.street_address and shop.postal_code
    ):
        return 4
    return REVIEW_STEP


def _step_url(step: int) -> str:
    if step == REVIEW_STEP:
        return reverse("seller:review")
    return reverse("seller:step", kwargs={"step": step})


def _context(shop: Shop, step: int, **extra) -> dict:
    return {
        "shop": shop,
        "step": step,
        "step_count": STEP_COUNT,
        "step_title": STEP_TITLES[step],
        "steps": [(number, STEP_TITLES[number], _step_url(number)) for number in STEP_TITLES],
        **extra,
    }


# --- Entry --------------------------------------------------------------------------------------------------


@verified_email_required
def seller_home(request: HttpRequest) -> HttpResponse:
    membership = _membership(request.user)
    if membership is None:
        return redirect("seller:start")
    if membership.role == ShopMember.Role.OWNER and membership.shop.status == Shop.Status.DRAFT:
        return redirect(_step_url(first_incomplete_step(membership.shop)))
    # Everyone else starts from the status page: staff, and owners of a shop under review, rejected
    # (the reason comes first), approved or suspended.
    return redirect("seller:status")


@verified_email_required
@require_http_methods(["GET", "POST"])
def seller_start(request: HttpRequest) -> HttpResponse:
    if _membership(request.user) is not None:
        return redirect("seller:home")
    form = forms.ShopStartForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.shop_create(owner=request.user, name=form.cleaned_data["name"])
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                return redirect(_step_url(1))
        status = 400
    return TemplateResponse(request, "shops/seller/start.html", {"form": form}, status=status)


@verified_email_required
def seller_status(request: HttpRequest) -> HttpResponse:
    membership = _membership(request.user)
    if membership is None:
        return redirect("seller:start")
    shop = membership.shop
    context = {
        "shop": shop,
        "is_owner": membership.role == ShopMember.Role.OWNER,
        "continue_url": _step_url(first_incomplete_step(shop)),
        "staff_message": STAFF_MESSAGE,
    }
    return TemplateResponse(request, "shops/seller/status.html", context)


# --- Steps --------------------------------------------------------------------------------------------------


def _owner_shop_or_redirect(request: HttpRequest):
    """(shop, None) when the user may try this step; (None, response) to send them elsewhere."""
    membership = _membership(request.user)
    if membership is None:
        return None, redirect("seller:start")
    if membership.role != ShopMember.Role.OWNER and request.method == "GET":
        return None, redirect("seller:status")  # which tells staff that only the owner edits
    # A staff member's post goes on to the service, which refuses it (PermissionDenied → 403).
    if request.method == "GET" and membership.shop.status not in EDITABLE_STATUSES:
        return None, redirect("seller:status")
    return membership.shop, None


def _refused(request: HttpRequest, shop: Shop, message) -> HttpResponse:
    return TemplateResponse(request, "shops/seller/refused.html", {"shop": shop, "message": message}, status=403)


def _photo_file(photo, kind: str) -> ContentFile:
    encoded = normalise_photo(photo.image)
    return ContentFile(encoded.content, name=f"{kind}-{uuid4().hex}.{encoded.extension}")


def _address_options(form: forms.ShopAddressForm, codes: dict[str, str]) -> None:
    """Fill each select with the children of the level above (as chosen in `codes`)."""
    form.fields["province"].set_options(province_list())
    children = {
        "regency": (regency_list_for_province, "province_code", "province"),
        "district": (district_list_for_regency, "regency_code", "regency"),
        "village": (village_list_for_district, "district_code", "district"),
    }
    for level, (selector, argument, parent) in children.items():
        parent_code = codes.get(parent)
        form.fields[level].set_options(selector(**{argument: parent_code}) if parent_code else [])


def _address_data(request: HttpRequest, shop: Shop):
    """The posted address, with stale lower levels dropped when the seller picked a different parent.

    Without JavaScript the lower selects still show the options of the old parent: when a level changed,
    a lower level whose code does not lie under the new one (region codes nest: 51 → 51.03 → 51.03.06) is
    reset, and the page reloads with the new options. Under an unchanged parent a lower level is kept as
    posted, and the service refuses it if it does not belong there.
    """
    data = request.POST.copy()
    for parent, child in pairwise(ADDRESS_LEVELS):
        parent_code = data.get(parent) or None
        child_code = data.get(child) or ""
        parent_changed = parent_code != getattr(shop, f"{parent}_id")
        if parent_changed and not (parent_code and child_code.startswith(f"{parent_code}.")):
            data[child] = ""
    return data


@verified_email_required
@require_http_methods(["GET", "POST"])
def seller_step(request: HttpRequest, step: int) -> HttpResponse:
    if step not in range(1, REVIEW_STEP):
        return redirect("seller:home")
    shop, response = _owner_shop_or_redirect(request)
    if response is not None:
        return response

    if step == 1:
        form_class, initial = forms.ShopStoryForm, {"name": shop.name, "story": shop.story}
    elif step == 2:
        form_class, initial = forms.ShopImagesForm, {}
    elif step == 3:
        form_class, initial = forms.ShopWhatsappForm, {"whatsapp": str(shop.whatsapp or "")}
    elif step == 4:
        form_class = forms.ShopAddressForm
        initial = {level: getattr(shop, f"{level}_id") for level in ADDRESS_LEVELS}
        initial |= {"street_address": shop.street_address, "postal_code": shop.postal_code}
    else:
        form_class = forms.ShopLegalForm
        initial = {
            "nib": shop.nib,
            "halal_certificate_number": shop.halal_certificate_number,
            "halal_expires_on": shop.halal_expires_on,
            "pirt_number": shop.pirt_number,
        }

    status = 200
    if request.method == "POST":
        data = _address_data(request, shop) if step == 4 else request.POST
        form = form_class(data, request.FILES)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            if step == 2:
                fields = {kind: _photo_file(photo, kind) for kind, photo in fields.items() if photo is not None}
            if step == 4 and fields["village"] is not None and not fields["postal_code"]:
                fields["postal_code"] = fields["village"].postal_code
            try:
                shop = services.shop_update_profile(shop=shop, actor=request.user, **fields)
            except PermissionDenied as error:
                return _refused(request, shop, error.args[0] if error.args else STAFF_MESSAGE)
            except ShopStateError as error:
                messages.error(request, str(error))
                return redirect("seller:status")
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                if step == 4 and shop.village_id is None:
                    return redirect(_step_url(4))  # the next address level's options
                return redirect(_step_url(step + 1))
        status = 400
        codes = {level: data.get(level) or None for level in ADDRESS_LEVELS}
    else:
        form = form_class(initial=initial)
        codes = {level: initial.get(level) for level in ADDRESS_LEVELS} if step == 4 else {}
    if step == 4:
        _address_options(form, codes)
    return TemplateResponse(request, "shops/seller/step.html", _context(shop, step, form=form), status=status)


@verified_email_required
@require_http_methods(["GET", "POST"])
def seller_review(request: HttpRequest) -> HttpResponse:
    shop, response = _owner_shop_or_redirect(request)
    if response is not None:
        return response
    errors = []
    status = 200
    if request.method == "POST":
        try:
            services.shop_submit(shop=shop, actor=request.user)
        except PermissionDenied as error:
            return _refused(request, shop, error.args[0] if error.args else STAFF_MESSAGE)
        except ShopStateError as error:
            messages.error(request, str(error))
            return redirect("seller:status")
        except ValidationError as error:
            errors = [
                (Shop._meta.get_field(field).verbose_name, message)
                for field, field_errors in error.message_dict.items()
                for message in field_errors
            ]
            status = 400
        else:
            return redirect("seller:status")
    can_submit = shop.status in (Shop.Status.DRAFT, Shop.Status.REJECTED)
    context = _context(shop, REVIEW_STEP, errors=errors, can_submit=can_submit)
    return TemplateResponse(request, "shops/seller/review.html", context, status=status)
