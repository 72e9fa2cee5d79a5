"""Writes of the shops app: opening a shop, editing its profile, the review by operators, members.

Every state change of a shop happens here, inside one transaction, on the shop row locked with
`shops.locks.shop_qs_select_for_update()`: the status is re-read under the lock, so two operators clicking
at once cannot both act (the second gets `ShopStateError`). Mails go through the project's email backend,
the outbox (`marketplace.core.mail`): a row written in the same transaction, delivered after commit, so a
rolled-back action sends nothing. Services return the fresh shop; the instance passed in is not modified.
"""

from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.phone import normalise_phone

from ..errors import ShopStateError
from ..locks import shop_qs_select_for_update
from ..models import Shop, ShopMember
from ..selectors import operator_email_list, shop_member_role, shop_owner, user_is_operator
from .categories import MAX_COMMISSION_BASIS_POINTS
from .slugs import slug_base, slug_free

SLUG_BASE_MAX_LENGTH = 70  # leaves room for "-<n>" within the 80 characters of Shop.slug
SLUG_ATTEMPTS = 5
SLUG_FALLBACK = "toko"

PROFILE_FIELDS = frozenset(
    {
        "name",
        "story",
        "logo",
        "banner",
        "whatsapp",
        "province",
        "regency",
        "district",
        "village",
        "street_address",
        "postal_code",
        "nib",
        "halal_certificate_number",
        "halal_expires_on",
        "pirt_number",
    }
)
TEXT_FIELDS = frozenset(
    {"name", "story", "street_address", "postal_code", "nib", "halal_certificate_number", "pirt_number"}
)
# Changing a legal value withdraws its operator verification (and so its badge) until it is verified again.
LEGAL_VERIFICATION = {
    "nib": "nib_verified_at",
    "halal_certificate_number": "halal_verified_at",
    "halal_expires_on": "halal_verified_at",
    "pirt_number": "pirt_verified_at",
}
LEGAL_DOCUMENTS = {
    "nib": ("nib", "nib_verified_at"),
    "halal": ("halal_certificate_number", "halal_verified_at"),
    "pirt": ("pirt_number", "pirt_verified_at"),
}
REQUIRED_FOR_SUBMISSION = (
    "name",
    "story",
    "whatsapp",
    "province",
    "regency",
    "district",
    "village",
    "street_address",
    "postal_code",
)
EDITABLE_STATUSES = (Shop.Status.DRAFT, Shop.Status.REJECTED, Shop.Status.APPROVED)

REQUIRED_MESSAGE = _("This is needed before the shop can be submitted.")
REASON_REQUIRED_MESSAGE = _("Write the reason; the owner will read it.")


# --- Slugs ------------------------------------------------------------------------------------------------


def shop_slug_base(name: str) -> str:
    """`Kopi & Teh Bu Made` → `kopi-dan-teh-bu-made`: ASCII, accents dropped, "&" read as "dan"."""
    return slug_base(name, max_length=SLUG_BASE_MAX_LENGTH, fallback=SLUG_FALLBACK)


# --- Opening a shop and editing it --------------------------------------------------------------------


@transaction.atomic
def shop_create(*, owner: User, name: str) -> Shop:
    """Open a draft shop named `name` with `owner` as its owner member, and a unique slug made from the name.

    A user owns at most one shop (a unique constraint on owner memberships backs this against races); a
    second shop for the same person would split their orders, payouts and reviews. The slug is the name
    slugified ("&" → "dan"), with "-2", "-3"… when taken; it does not change when the shop is renamed.
    Raises ValidationError: `name` blank or too long; the owner already owns a shop (non-field error).
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ValidationError(_("Enter the shop name."), code="required")})
    max_length = Shop._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("The shop name is at most %(max)d characters."), code="max_length", params={"max": max_length}
                )
            }
        )
    already_owner = ValidationError(
        {NON_FIELD_ERRORS: ValidationError(_("You already own a shop."), code="already_owner")}
    )
    if ShopMember.objects.filter(user=owner, role=ShopMember.Role.OWNER).exists():
        raise already_owner

    base = shop_slug_base(name)
    for _attempt in range(SLUG_ATTEMPTS):
        slug = slug_free(Shop, base)
        try:
            with transaction.atomic():
                shop = Shop.objects.create(name=name, slug=slug)
            break
        except IntegrityError:
            # Someone took the same slug between our read and our insert: pick the next free one.
            if not Shop.objects.filter(slug=slug).exists():
                raise
    else:
        raise IntegrityError(f"No free slug for {base!r} after {SLUG_ATTEMPTS} attempts.")

    try:
        with transaction.atomic():
            ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    except IntegrityError:
        raise already_owner from None
    return shop


def _require_owner(*, shop: Shop, actor: User) -> None:
    if shop_member_role(user=actor, shop=shop) != ShopMember.Role.OWNER:
        raise PermissionDenied(_("Only the shop owner can do this."))


def _check_address(shop: Shop, errors: dict[str, list[ValidationError]]) -> None:
    """Each level of the address must lie inside the level above it."""
    levels = (("regency", "province"), ("district", "regency"), ("village", "district"))
    messages = {
        "regency": _("This regency or city is not in the chosen province."),
        "district": _("This district is not in the chosen regency or city."),
        "village": _("This village is not in the chosen district."),
    }
    for child, parent in levels:
        child_value = getattr(shop, child)
        if child_value is None:
            continue
        if getattr(child_value, f"{parent}_id") != getattr(shop, f"{parent}_id"):
            errors.setdefault(child, []).append(ValidationError(messages[child], code="address_mismatch"))


def _check_halal(shop: Shop, changed: set[str], errors: dict[str, list[ValidationError]]) -> None:
    if not changed & {"halal_certificate_number", "halal_expires_on"}:
        return
    if shop.halal_expires_on is not None and shop.halal_expires_on <= timezone.localdate():
        errors.setdefault("halal_expires_on", []).append(
            ValidationError(
                _("The halal certificate has expired; enter a certificate that is still valid."), code="expired"
            )
        )
    if shop.halal_certificate_number and shop.halal_expires_on is None:
        errors.setdefault("halal_expires_on", []).append(
            ValidationError(_("Enter the expiry date of the halal certificate."), code="required")
        )
    if shop.halal_expires_on is not None and not shop.halal_certificate_number:
        errors.setdefault("halal_certificate_number", []).append(
            ValidationError(_("Enter the halal certificate number."), code="required")
        )


def _differs(shop: Shop, key: str, value: Any) -> bool:
    field = Shop._meta.get_field(key)
    if field.is_relation:  # compare keys, without loading the related rows
        return getattr(shop, field.attname) != (value.pk if value is not None else None)
    return getattr(shop, key) != value


@transaction.atomic
def shop_update_profile(*, shop: Shop, actor: User, **fields: Any) -> Shop:
    """Change the shop's profile: any of `PROFILE_FIELDS` (name, story, logo, banner, whatsapp, the address
    levels as model instances or None, street_address, postal_code, nib, halal_certificate_number,
    halal_expires_on, pirt_number). Progress is saved as it comes: nothing is required here (see `shop_submit`).

    Only the owner (PermissionDenied), and only while the shop is draft, rejected or approved
    (ShopStateError: not while submitted for review, nor while suspended). Locks the shop row.
    Checks: the WhatsApp number is Indonesian (stored as +62…), each address level lies inside the one above,
    the postal code has 5 digits, the NIB 13, a halal certificate has a number and an expiry date in the
    future. Changing a legal value clears its verification. The slug never changes.
    Raises ValidationError with every field error at once, and then changes nothing. Unknown field: TypeError.
    """
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"shop_update_profile() got unknown fields: {', '.join(sorted(unknown))}")
    _require_owner(shop=shop, actor=actor)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if shop.status not in EDITABLE_STATUSES:
        raise ShopStateError(
            _("The shop cannot be edited while it is waiting for review or suspended."), status=shop.status
        )

    errors: dict[str, list[ValidationError]] = {}
    values = dict(fields)
    for key in TEXT_FIELDS & set(values):
        values[key] = (values[key] or "").strip()
    if "whatsapp" in values:
        raw = (str(values["whatsapp"]) if values["whatsapp"] else "").strip()
        try:
            values["whatsapp"] = normalise_phone(raw) if raw else ""
        except ValidationError as error:
            errors["whatsapp"] = error.error_list
            del values["whatsapp"]

    changed = {key for key, value in values.items() if _differs(shop, key, value)}
    for key, value in values.items():
        setattr(shop, key, value)
    try:
        shop.clean_fields(exclude=[field.name for field in Shop._meta.fields if field.name not in values])
    except ValidationError as error:
        for key, field_errors in error.error_dict.items():
            errors.setdefault(key, []).extend(field_errors)
    _check_address(shop, errors)
    _check_halal(shop, changed, errors)
    if errors:
        raise ValidationError(errors)

    for key in changed & set(LEGAL_VERIFICATION):
        setattr(shop, LEGAL_VERIFICATION[key], None)
    update_fields = changed | {LEGAL_VERIFICATION[key] for key in changed & set(LEGAL_VERIFICATION)}
    if update_fields:
        shop.save(update_fields=[*sorted(update_fields), "updated_at"])
    return shop


# --- Review -----------------------------------------------------------------------------------------------


def _missing_for_submission(shop: Shop) -> dict[str, ValidationError]:
    return {
        key: ValidationError(REQUIRED_MESSAGE, code="required")
        for key in REQUIRED_FOR_SUBMISSION
        if not getattr(shop, key)
    }


@transaction.atomic
def shop_submit(*, shop: Shop, actor: User) -> Shop:
    """The owner sends the shop for review: draft or rejected → submitted, `submitted_at` = now.

    Only the owner (PermissionDenied). Locks the shop row. Needs name, story, WhatsApp number and the full
    address (province, regency, district, village, street address, postal code), else ValidationError with
    one "required" error per missing field. Another status: ShopStateError. The previous rejection reason
    is cleared. Side effect: one mail to the operators (through the outbox) saying a shop waits for review.
    """
    _require_owner(shop=shop, actor=actor)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if shop.status not in (Shop.Status.DRAFT, Shop.Status.REJECTED):
        raise ShopStateError(_("Only a draft or rejected shop can be submitted for review."), status=shop.status)
    missing = _missing_for_submission(shop)
    if missing:
        raise ValidationError(missing)
    shop.status = Shop.Status.SUBMITTED
    shop.submitted_at = timezone.now()
    shop.status_reason = ""
    shop.save(update_fields=["status", "submitted_at", "status_reason", "updated_at"])
    _mail_operators_submitted(shop=shop)
    return shop


def _require_operator(*, shop: Shop, operator: User) -> None:
    if not user_is_operator(operator):
        raise PermissionDenied(_("Only an operator can review shops."))
    if shop_member_role(user=operator, shop=shop) is not None:
        raise PermissionDenied(_("An operator cannot review a shop they belong to."))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED_MESSAGE, code="required")})
    return reason


def _review(*, shop: Shop, operator: User, allowed_from: tuple[str, ...], to: str, reason: str, mail: str) -> Shop:
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if shop.status not in allowed_from:
        raise ShopStateError(status=shop.status)
    shop.status = to
    shop.status_reason = reason
    shop.reviewed_at = timezone.now()
    shop.reviewed_by = operator
    shop.save(update_fields=["status", "status_reason", "reviewed_at", "reviewed_by", "updated_at"])
    _mail_owner(shop=shop, kind=mail)
    return shop


@transaction.atomic
def shop_approve(*, shop: Shop, operator: User) -> Shop:
    """An operator approves a submitted shop: submitted → approved; the shop becomes public.

    Operators only, and not for a shop they belong to (PermissionDenied). Locks the shop row and re-reads
    the status, so of two operators acting at once the second gets ShopStateError. Sets reviewed_at/by,
    clears the reason. Side effect: one mail to the owner in Indonesian (through the outbox).
    """
    _require_operator(shop=shop, operator=operator)
    return _review(
        shop=shop,
        operator=operator,
        allowed_from=(Shop.Status.SUBMITTED,),
        to=Shop.Status.APPROVED,
        reason="",
        mail="shop_approved",
    )


@transaction.atomic
def shop_reject(*, shop: Shop, operator: User, reason: str) -> Shop:
    """An operator sends a submitted shop back: submitted → rejected, with the reason the owner will read.

    Operators only (PermissionDenied); `reason` must not be blank (ValidationError on "reason"); another
    status: ShopStateError. Locks the shop row. Side effect: one mail to the owner with the reason.
    The owner fixes the profile and submits again.
    """
    _require_operator(shop=shop, operator=operator)
    reason = _clean_reason(reason)
    return _review(
        shop=shop,
        operator=operator,
        allowed_from=(Shop.Status.SUBMITTED,),
        to=Shop.Status.REJECTED,
        reason=reason,
        mail="shop_rejected",
    )


@transaction.atomic
def shop_suspend(*, shop: Shop, operator: User, reason: str) -> Shop:
    """An operator takes an approved shop off the storefront: approved → suspended, with a reason.

    Operators only (PermissionDenied); `reason` must not be blank (ValidationError on "reason"); another
    status: ShopStateError. Locks the shop row. Side effect: one mail to the owner with the reason.
    """
    _require_operator(shop=shop, operator=operator)
    reason = _clean_reason(reason)
    return _review(
        shop=shop,
        operator=operator,
        allowed_from=(Shop.Status.APPROVED,),
        to=Shop.Status.SUSPENDED,
        reason=reason,
        mail="shop_suspended",
    )


@transaction.atomic
def shop_reinstate(*, shop: Shop, operator: User) -> Shop:
    """An operator puts a suspended shop back: suspended → approved, reason cleared.

    Operators only (PermissionDenied); another status: ShopStateError. Locks the shop row.
    Side effect: one mail to the owner.
    """
    _require_operator(shop=shop, operator=operator)
    return _review(
        shop=shop,
        operator=operator,
        allowed_from=(Shop.Status.SUSPENDED,),
        to=Shop.Status.APPROVED,
        reason="",
        mail="shop_reinstated",
    )


@transaction.atomic
def shop_verify_legal(*, shop: Shop, operator: User, fields: Collection[str]) -> Shop:
    """An operator confirms legal documents: any of "nib", "halal", "pirt"; sets each `*_verified_at` = now.

    Operators only, not for their own shop (PermissionDenied). Any status. Each document must be filled in,
    and a halal certificate must not have expired (ValidationError on its field, nothing verified then).
    Locks the shop row. Unknown document name: ValueError.
    """
    unknown = set(fields) - set(LEGAL_DOCUMENTS)
    if unknown or not fields:
        raise ValueError(f"shop_verify_legal() takes some of {sorted(LEGAL_DOCUMENTS)}, got {sorted(fields)}")
    _require_operator(shop=shop, operator=operator)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    errors: dict[str, ValidationError] = {}
    for document in fields:
        value_field, _verified_field = LEGAL_DOCUMENTS[document]
        if not getattr(shop, value_field):
            errors[value_field] = ValidationError(_("There is nothing to verify: this field is empty."), code="empty")
    halal_expired = shop.halal_expires_on is None or shop.halal_expires_on <= timezone.localdate()
    if "halal" in fields and shop.halal_certificate_number and halal_expired:
        errors["halal_expires_on"] = ValidationError(
            _("The halal certificate has expired; it cannot be verified."), code="expired"
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    verified_fields = sorted(LEGAL_DOCUMENTS[document][1] for document in fields)
    for verified_field in verified_fields:
        setattr(shop, verified_field, now)
    shop.save(update_fields=[*verified_fields, "updated_at"])
    return shop


@transaction.atomic
def shop_set_product_review(*, shop: Shop, operator: User, required: bool) -> Shop:
    """An operator flags a shop whose newly published products must wait for an operator's approval (or lifts
    the flag). Products already published are not touched. Operators only, not for their own shop."""
    _require_operator(shop=shop, operator=operator)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if shop.review_new_products != required:
        shop.review_new_products = required
        shop.save(update_fields=["review_new_products", "updated_at"])
    return shop


@transaction.atomic
def shop_set_cash_on_delivery(*, shop: Shop, user: User, accepts: bool) -> Shop:
    """Opt the shop in to (or out of) cash on delivery: shoppers may then pay the courier or the seller.

    Owner or staff of the shop (PermissionDenied for anyone else). Any shop status. Locks the shop row; setting
    the value it already has changes nothing. Orders already placed keep their payment method.
    """
    if shop_member_role(user=user, shop=shop) is None:
        raise PermissionDenied(_("Only members of the shop can change how it is paid."))
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if shop.accepts_cash_on_delivery != bool(accepts):
        shop.accepts_cash_on_delivery = bool(accepts)
        shop.save(update_fields=["accepts_cash_on_delivery", "updated_at"])
    return shop


# --- Members ----------------------------------------------------------------------------------------------


@transaction.atomic
def shop_member_add(*, shop: Shop, actor: User, user: User, role: str = ShopMember.Role.STAFF) -> ShopMember:
    """The owner adds `user` to the shop as staff. Staff manage products and orders, not payouts or members.

    Only the owner (PermissionDenied). `role` must be "staff": a shop has exactly one owner (ValidationError
    on "role"); a user already in the shop: ValidationError on "user" (a unique constraint backs this).
    """
    _require_owner(shop=shop, actor=actor)
    if role != ShopMember.Role.STAFF:
        raise ValidationError(
            {"role": ValidationError(_("A shop has only one owner; add staff instead."), code="invalid_role")}
        )
    already = ValidationError(
        {"user": ValidationError(_("This person is already a member of the shop."), code="already_member")}
    )
    if ShopMember.objects.filter(shop=shop, user=user).exists():
        raise already
    try:
        with transaction.atomic():
            return ShopMember.objects.create(shop=shop, user=user, role=role)
    except IntegrityError:
        raise already from None


# --- Mail -------------------------------------------------------------------------------------------------


def _mail_context(shop: Shop) -> dict[str, Any]:
    return {"shop": shop, "site_url": settings.SITE_URL}


def _mail_owner(*, shop: Shop, kind: str) -> None:
    """One mail to the owner, rendered in the owner's language (Indonesian until users choose one)."""
    owner = shop_owner(shop=shop)
    if owner is None or not owner.email:
        return
    language = getattr(owner, "language", "") or settings.LANGUAGE_CODE
    context = {**_mail_context(shop), "owner": owner}
    with translation.override(language):
        subject = " ".join(render_to_string(f"shops/emails/{kind}_subject.txt", context).split())
        body = render_to_string(f"shops/emails/{kind}.txt", context)
    send_mail(subject, body, None, [owner.email])


def _mail_operators_submitted(*, shop: Shop) -> None:
    recipients = operator_email_list()
    if not recipients:
        return
    review_path = reverse("shop_review:review", args=[shop.pk])  # the Wagtail admin page (shops.wagtail_hooks)
    context = {**_mail_context(shop), "owner": shop_owner(shop=shop), "review_url": settings.SITE_URL + review_path}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("shops/emails/shop_submitted_subject.txt", context).split())
        body = render_to_string("shops/emails/shop_submitted.txt", context)
    send_mail(subject, body, None, recipients)


def shop_set_commission(*, shop: Shop, operator, basis_points: int | None) -> Shop:
    """The shop's commission override (None: the categories' rates apply). Operators only; the shop row is locked.
    Orders placed before keep the rate frozen on their lines."""
    if not user_is_operator(operator):
        raise PermissionDenied
    if basis_points is not None and not 0 <= basis_points <= MAX_COMMISSION_BASIS_POINTS:
        raise ValidationError({"commission_basis_points": _("Enter a rate from 0 to 10000 basis points.")})
    with transaction.atomic():
        shop = shop_qs_select_for_update().get(pk=shop.pk)
        if shop.commission_basis_points != basis_points:
            shop.commission_basis_points = basis_points
            shop.save(update_fields=["commission_basis_points", "updated_at"])
    return shop
