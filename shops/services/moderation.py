"""Product moderation by operators (DESIGN §3): approve a product waiting for review, or reject it.

When new products need review (`products_need_review`), publishing makes a product `pending`: it stays off
the storefront until an operator approves it. An operator may also reject (take down) an approved product,
with a reason the shop owner reads.

Decisions:

- **Reject takes the product off the storefront and back to draft.** The storefront shows only active and
  approved products, so `moderation = rejected` alone hides it; an active product also goes back to `draft`,
  so the seller sees it as unpublished and publishes it again (`product_publish`, draft → active) after
  fixing it, which puts it back to `pending` for another review (`product_publish` must do so for a
  rejected product even when new products need no review, or a take-down would be undone by republishing).
  An archived product stays archived.
- **Approve only from pending.** A rejected product is approved only after the seller publishes it again.
- Operators only (a superuser or the Operator group), and never a product of a shop they belong to
  (PermissionDenied). Wrong moderation state: `ProductStateError`, whose `status` is then the moderation state.
- The product row is locked (`shops.locks.product_qs_select_for_update`) and the state re-read under the
  lock, so of two operators acting at once the second gets `ProductStateError`.
- Each decision is written to Wagtail's audit log (`ModelLogEntry`, with the operator and the reason), which
  the moderation page lists.
- The owner is mailed through the project's outbox backend (a row written in the same transaction, delivered
  after commit), in the owner's language, from `shops/emails/product_approved*.txt` / `product_rejected*.txt`.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts.models import User

from ..errors import ProductStateError
from ..locks import product_qs_select_for_update
from ..models import Product
from ..selectors import shop_member_role, shop_owner, user_is_operator

__all__ = [
    "APPROVE_LOG_ACTION",
    "MODERATION_REASON_MAX_LENGTH",
    "REJECT_LOG_ACTION",
    "product_approve",
    "product_reject",
]

MODERATION_REASON_MAX_LENGTH = 2000
# Wagtail audit log actions (labels registered in `shops.wagtail_hooks`): who moderated what, and when.
APPROVE_LOG_ACTION = "shops.product_approve"
REJECT_LOG_ACTION = "shops.product_reject"
REJECT_REASON_REQUIRED_MESSAGE = _("Write the reason; the shop owner will read it.")


def _require_operator(operator: User) -> None:
    if not user_is_operator(operator):
        raise PermissionDenied(_("Only an operator can moderate products."))


def _require_outsider(*, product: Product, operator: User) -> None:
    if shop_member_role(user=operator, shop=product.shop) is not None:
        raise PermissionDenied(_("An operator cannot moderate a product of a shop they belong to."))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REJECT_REASON_REQUIRED_MESSAGE, code="required")})
    if len(reason) > MODERATION_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("The reason is at most %(max)d characters."),
                    code="max_length",
                    params={"max": MODERATION_REASON_MAX_LENGTH},
                )
            }
        )
    return reason


def _locked(product: Product) -> Product:
    return product_qs_select_for_update().select_related("shop").get(pk=product.pk)


@transaction.atomic
def product_approve(*, product: Product, operator: User) -> Product:
    """An operator approves a product waiting for review: moderation pending → approved, reason cleared.

    An active product of an approved shop appears on the storefront at once. Operators only, and not for a
    product of a shop they belong to (PermissionDenied). Locks the product row and re-reads its state:
    not pending (already approved by someone else, rejected, never published) → ProductStateError.
    Side effects: an audit log entry; one mail to the shop owner (through the outbox).
    """
    _require_operator(operator)
    product = _locked(product)
    _require_outsider(product=product, operator=operator)
    if product.moderation != Product.Moderation.PENDING:
        raise ProductStateError(_("Only a product waiting for approval can be approved."), status=product.moderation)
    product.moderation = Product.Moderation.APPROVED
    product.moderation_reason = ""
    product.save(update_fields=["moderation", "moderation_reason", "updated_at"])
    log(instance=product, action=APPROVE_LOG_ACTION, user=operator)
    _mail_owner(product=product, kind="product_approved")
    return product


@transaction.atomic
def product_reject(*, product: Product, operator: User, reason: str) -> Product:
    """An operator rejects a product waiting for review, or takes down an approved one: pending or approved
    → rejected, with `reason` (stored in `moderation_reason`) for the shop owner.

    The product leaves the storefront: an active product goes back to draft (an archived one stays
    archived); the seller fixes it and publishes again, which asks for a new review. Operators only, and not
    for a product of a shop they belong to (PermissionDenied); a blank or too long reason: ValidationError on
    "reason" (nothing changes). Locks the product row and re-reads its state: already rejected or never
    published → ProductStateError. Side effects: an audit log entry with the reason; one mail to the shop
    owner with the reason (outbox).
    """
    _require_operator(operator)
    reason = _clean_reason(reason)
    product = _locked(product)
    _require_outsider(product=product, operator=operator)
    if product.moderation not in (Product.Moderation.PENDING, Product.Moderation.APPROVED):
        raise ProductStateError(
            _("Only a product waiting for approval or approved can be rejected."), status=product.moderation
        )
    was_approved = product.moderation == Product.Moderation.APPROVED
    product.moderation = Product.Moderation.REJECTED
    product.moderation_reason = reason
    if product.status == Product.Status.ACTIVE:
        product.status = Product.Status.DRAFT
    product.save(update_fields=["status", "moderation", "moderation_reason", "updated_at"])
    log(
        instance=product, action=REJECT_LOG_ACTION, user=operator, data={"reason": reason, "was_approved": was_approved}
    )
    _mail_owner(product=product, kind="product_rejected", extra={"was_approved": was_approved})
    return product


def _mail_owner(*, product: Product, kind: str, extra: dict[str, Any] | None = None) -> None:
    """One mail to the shop owner in the owner's language (Indonesian until users choose one), as
    `shops.services.shops._mail_owner` does for shops, with the product in the context."""
    shop = product.shop
    owner = shop_owner(shop=shop)
    if owner is None or not owner.email:
        return
    language = getattr(owner, "language", "") or settings.LANGUAGE_CODE
    context = {"product": product, "shop": shop, "owner": owner, "site_url": settings.SITE_URL, **(extra or {})}
    with translation.override(language):
        subject = " ".join(render_to_string(f"shops/emails/{kind}_subject.txt", context).split())
        body = render_to_string(f"shops/emails/{kind}.txt", context)
    send_mail(subject, body, None, [owner.email])
