"""Operator page in the Wagtail admin: moderate one product (approve it, or reject / take it down).

Thin view, as `shops.views.operator` for shops: check the user is an operator, call one service
(`shops.services.moderation`), report the outcome. The product list with its filters is the
`ProductModerationViewSet` in `shops.wagtail_hooks`, which links each row here.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import registry as log_registry

from ..errors import ProductStateError
from ..models import Product, ProductImage, ProductVariant
from ..selectors import SHOP_ADDRESS_RELATIONS, shop_owner, user_is_operator
from ..services.moderation import (
    APPROVE_LOG_ACTION,
    MODERATION_REASON_MAX_LENGTH,
    REJECT_LOG_ACTION,
    product_approve,
    product_reject,
)

URL_NAMESPACE = "product_moderation"

# The actions an operator may take from each moderation state, and whether they need a reason.
ACTIONS = {
    "approve": ((Product.Moderation.PENDING,), False),
    "reject": ((Product.Moderation.PENDING, Product.Moderation.APPROVED), True),
}
SERVICES = {"approve": product_approve, "reject": product_reject}
DONE_MESSAGES = {
    "approve": _("Product “%(title)s” approved; the shop owner has been emailed."),
    "reject": _("Product “%(title)s” rejected; the shop owner has been emailed the reason."),
}


def _action_label(action: str, moderation: str):
    if action == "approve":
        return _("Approve")
    # Rejecting an approved product takes it off the storefront: say so on the button.
    return _("Take down") if moderation == Product.Moderation.APPROVED else _("Reject")


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the shop owner"),
        required=False,
        max_length=MODERATION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to reject. Written to the owner as it is; write in Indonesian."),
    )


def _index_url() -> str:
    return reverse(f"{URL_NAMESPACE}:index")


def _moderation_url(product: Product) -> str:
    return reverse(f"{URL_NAMESPACE}:moderate", args=[product.pk])


def _product_for_moderation(pk: int) -> Product:
    queryset = Product.objects.select_related(
        "category", "shop", *(f"shop__{relation}" for relation in SHOP_ADDRESS_RELATIONS)
    ).prefetch_related(
        Prefetch("variants", queryset=ProductVariant.objects.order_by("pk"), to_attr="ordered_variants"),
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="ordered_images"),
    )
    return get_object_or_404(queryset, pk=pk)


def _moderation_history(product: Product) -> list[dict]:
    """The product's moderation decisions from Wagtail's audit log, newest first (at most 20)."""
    entries = (
        log_registry.get_logs_for_instance(product)
        .filter(action__in=[APPROVE_LOG_ACTION, REJECT_LOG_ACTION])
        .select_related("user")
        .order_by("-timestamp", "-pk")[:20]
    )
    return [
        {
            "timestamp": entry.timestamp,
            "user": entry.user,
            "approved": entry.action == APPROVE_LOG_ACTION,
            "reason": (entry.data or {}).get("reason", ""),
        }
        for entry in entries
    ]


def product_moderation(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_is_operator(request.user):
        raise PermissionDenied
    product = _product_for_moderation(pk)
    form = ModerationForm(request.POST or None)
    failed_action = None

    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        kwargs = {"product": product, "operator": request.user}
        if ACTIONS[action][1]:
            kwargs["reason"] = form.cleaned_data["reason"]
        try:
            SERVICES[action](**kwargs)
        except ProductStateError as error:
            messages.error(request, error.message)
            return redirect(_moderation_url(product))
        except ValidationError as error:
            for message in error.message_dict.get("reason", []):
                form.add_error("reason", message)
            failed_action = action
        else:
            messages.success(request, DONE_MESSAGES[action] % {"title": product.title})
            return redirect(_index_url())
    elif request.method == "POST":
        # Only a reason over the length limit fails here; the hidden action is ours.
        failed_action = request.POST.get("action") if request.POST.get("action") in ACTIONS else "reject"

    available = [
        {"key": key, "label": _action_label(key, product.moderation), "needs_reason": needs_reason}
        for key, (from_states, needs_reason) in ACTIONS.items()
        if product.moderation in from_states
    ]
    context = {
        "product": product,
        "history": _moderation_history(product),
        "shop": product.shop,
        "owner": shop_owner(shop=product.shop),
        "shop_review_url": reverse("shop_review:review", args=[product.shop_id]),
        "form": form,
        "actions": available,
        "failed_action": failed_action,
        "index_url": _index_url(),
        "page_title": product.title,
        "header_icon": "tag",
    }
    status = 400 if failed_action else 200
    return TemplateResponse(request, "shops/operator/product_moderation.html", context, status=status)
