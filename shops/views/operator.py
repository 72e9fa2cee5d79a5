"""Operator pages in the Wagtail admin: review a shop (approve, reject, suspend, reinstate), verify its legal
data (badges for shoppers) and flag it so its new products wait for review.

Thin views: check the user is an operator, call one service, report the outcome. The shop list with its
filters is the `ShopReviewViewSet` in `shops.wagtail_hooks`, which links each row here.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import services
from ..errors import ShopStateError
from ..models import Shop
from ..selectors import SHOP_ADDRESS_RELATIONS, shop_owner, user_is_operator
from ..services.categories import MAX_COMMISSION_BASIS_POINTS

URL_NAMESPACE = "shop_review"

# The actions an operator may take from each status, and whether they need a reason.
ACTIONS = {
    "approve": (Shop.Status.SUBMITTED, False),
    "reject": (Shop.Status.SUBMITTED, True),
    "suspend": (Shop.Status.APPROVED, True),
    "reinstate": (Shop.Status.SUSPENDED, False),
}
ACTION_LABELS = {
    "approve": _("Approve"),
    "reject": _("Reject"),
    "suspend": _("Suspend"),
    "reinstate": _("Reinstate"),
}
DONE_MESSAGES = {
    "approve": _("Shop “%(name)s” approved; the owner has been emailed."),
    "reject": _("Shop “%(name)s” rejected; the owner has been emailed the reason."),
    "suspend": _("Shop “%(name)s” suspended; the owner has been emailed the reason."),
    "reinstate": _("Shop “%(name)s” reinstated; the owner has been emailed."),
}


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the owner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to reject or suspend. Written to the owner as it is; write in Indonesian."),
    )


class LegalVerifyForm(forms.Form):
    documents = forms.MultipleChoiceField(
        label=_("Documents checked against the originals"),
        choices=[("nib", _("NIB")), ("halal", _("Halal certificate")), ("pirt", _("PIRT number"))],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one document you have checked.")},
    )


class CommissionForm(forms.Form):
    """The shop's own commission rate; empty = the category's rate (or the platform default)."""

    commission_basis_points = forms.IntegerField(
        label=_("Commission for this shop"),
        required=False,
        min_value=0,
        max_value=MAX_COMMISSION_BASIS_POINTS,
        help_text=_("in basis points: 500 = 5%"),
    )


# Other forms on the review page, told apart by their `action`; each calls one service and comes back here.
SHOP_ACTIONS = {"verify_legal", "product_review", "commission"}


def _shop_action(request: HttpRequest, shop: Shop) -> HttpResponse:
    action = request.POST.get("action")
    if action == "verify_legal":
        form = LegalVerifyForm(request.POST)
        if not form.is_valid():
            for message in form.errors.get("documents", []):
                messages.error(request, message)
        else:
            try:
                services.shop_verify_legal(shop=shop, operator=request.user, fields=form.cleaned_data["documents"])
            except ValidationError as error:
                for field_messages in error.message_dict.values():
                    for message in field_messages:
                        messages.error(request, message)
            else:
                messages.success(request, _("Verified; shoppers now see the badges."))
    elif action == "commission":
        form = CommissionForm(request.POST)
        if not form.is_valid():
            for message in form.errors.get("commission_basis_points", []):
                messages.error(request, message)
        else:
            services.shop_set_commission(
                shop=shop, operator=request.user, basis_points=form.cleaned_data["commission_basis_points"]
            )
            messages.success(request, _("Commission rate saved; it applies to new orders."))
    else:  # product_review
        required = request.POST.get("required") == "1"
        services.shop_set_product_review(shop=shop, operator=request.user, required=required)
        if required:
            messages.success(request, _("New products of this shop now wait for an operator's approval."))
        else:
            messages.success(request, _("New products of this shop are published directly again."))
    return redirect(reverse(f"{URL_NAMESPACE}:review", args=[shop.pk]))


def _index_url() -> str:
    return reverse(f"{URL_NAMESPACE}:index")


def shop_review(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_is_operator(request.user):
        raise PermissionDenied
    shop = get_object_or_404(Shop.objects.select_related(*SHOP_ADDRESS_RELATIONS, "reviewed_by"), pk=pk)
    if request.method == "POST" and request.POST.get("action") in SHOP_ACTIONS:
        return _shop_action(request, shop)
    form = ReviewForm(request.POST or None)
    failed_action = None

    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        needs_reason = ACTIONS[action][1]
        call = getattr(services, f"shop_{action}")
        kwargs = {"shop": shop, "operator": request.user}
        if needs_reason:
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            call(**kwargs)
        except ShopStateError as error:
            messages.error(request, error.message)
            return redirect(reverse(f"{URL_NAMESPACE}:review", args=[shop.pk]))
        except ValidationError as error:
            for message in error.message_dict.get("reason", []):
                form.add_error("reason", message)
            failed_action = action
        else:
            messages.success(request, DONE_MESSAGES[action] % {"name": shop.name})
            return redirect(_index_url())

    available = [
        {"key": key, "label": ACTION_LABELS[key], "needs_reason": needs_reason}
        for key, (from_status, needs_reason) in ACTIONS.items()
        if shop.status == from_status
    ]
    context = {
        "shop": shop,
        "owner": shop_owner(shop=shop),
        "form": form,
        "actions": available,
        "failed_action": failed_action,
        "legal_form": LegalVerifyForm(),
        "commission_form": CommissionForm(initial={"commission_basis_points": shop.commission_basis_points}),
        "unverified_documents": [
            key
            for key, (value_field, verified_field) in services.LEGAL_DOCUMENTS.items()
            if getattr(shop, value_field) and not getattr(shop, verified_field)
        ],
        "index_url": _index_url(),
        "page_title": shop.name,
        "header_icon": "site",
    }
    return TemplateResponse(request, "shops/operator/shop_review.html", context, status=400 if failed_action else 200)
