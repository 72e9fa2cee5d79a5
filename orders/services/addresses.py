"""Writes of a signed-in shopper's address book (`Address`).

A user only ever changes their own addresses: an address of someone else is refused with PermissionDenied
(views look addresses up with `orders.selectors.addresses.address_get_for_user` first and answer 404).
Every write locks the user's row (`SELECT … FOR UPDATE` on the user), so two tabs changing the book at once are
serialised; inside that lock the old default is cleared before the new one is set, which keeps the database's
"one default per user" constraint (`orders_address_one_default`) satisfied at every statement.
The first address of a user becomes the default; deleting the default makes the newest remaining one default.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalise_phone
from shops.models import District, Province, Regency, Village
from shops.models.shop import validate_postal_code

from ..models import Address

MAX_ADDRESSES_PER_USER = 20

ADDRESS_FIELDS = (
    "recipient_name",
    "phone",
    "province",
    "regency",
    "district",
    "village",
    "street_address",
    "postal_code",
)
FIELDS = frozenset({*ADDRESS_FIELDS, "label", "is_default"})
REQUIRED_FIELDS = ("recipient_name", "phone", "province", "regency", "district", "street_address", "postal_code")
REGION_MODELS = {"province": Province, "regency": Regency, "district": District, "village": Village}

NOT_YOURS_MESSAGE = _("This is not your address.")
REQUIRED_MESSAGE = _("This is needed for the delivery.")
TOO_MANY_MESSAGE = _("You can keep at most %(max)d addresses. Delete one you no longer use.")
HIERARCHY_MESSAGES = {
    "regency": _("This regency or city is not in the chosen province."),
    "district": _("This district is not in the chosen regency or city."),
    "village": _("This village is not in the chosen district."),
}
TOO_LONG_MESSAGE = _("At most %(max)d characters.")


def address_hierarchy_errors(
    *, province: Province | None, regency: Regency | None, district: District | None, village: Village | None
) -> dict[str, ValidationError]:
    """Each level must lie inside the one above: `{"regency"|"district"|"village": ValidationError}`, empty when
    the address holds together. A missing level is not checked here (required fields are checked elsewhere)."""
    errors: dict[str, ValidationError] = {}
    pairs = (("regency", regency, province), ("district", district, regency), ("village", village, district))
    parent_fields = {"regency": "province_id", "district": "regency_id", "village": "district_id"}
    for level, child, parent in pairs:
        if child is None or parent is None:
            continue
        if getattr(child, parent_fields[level]) != parent.pk:
            errors[level] = ValidationError(HIERARCHY_MESSAGES[level], code="address_mismatch")
    return errors


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise a full set of address values; ValidationError with every field error at once."""
    errors: dict[str, list[ValidationError]] = {}
    for key in ("recipient_name", "street_address", "postal_code", "label"):
        values[key] = (values.get(key) or "").strip()
    for key in REQUIRED_FIELDS:
        if not values.get(key):
            errors.setdefault(key, []).append(ValidationError(REQUIRED_MESSAGE, code="required"))
    for key, model in REGION_MODELS.items():
        value = values.get(key)
        if value is not None and value != "" and not isinstance(value, model):
            raise TypeError(f"{key} must be a {model.__name__} instance, not {type(value).__name__}")
        values[key] = value or None
    for key in ("recipient_name", "street_address", "label"):
        limit = Address._meta.get_field(key).max_length
        if len(values[key]) > limit:
            errors.setdefault(key, []).append(
                ValidationError(TOO_LONG_MESSAGE, code="max_length", params={"max": limit})
            )
    phone = values.get("phone")
    if phone:
        try:
            values["phone"] = normalise_phone(str(phone))
        except ValidationError as error:
            errors.setdefault("phone", []).extend(error.error_list)
    if values["postal_code"]:
        try:
            validate_postal_code(values["postal_code"])
        except ValidationError as error:
            errors.setdefault("postal_code", []).extend(error.error_list)
    for key, error in address_hierarchy_errors(
        province=values["province"], regency=values["regency"], district=values["district"], village=values["village"]
    ).items():
        errors.setdefault(key, []).append(error)
    values["is_default"] = bool(values.get("is_default"))
    if errors:
        raise ValidationError(errors)
    return values


def _lock_user(user) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _lock_own(*, user, address: Address) -> Address:
    locked = Address.objects.select_for_update().filter(pk=address.pk, user=user).first()
    if locked is None:
        raise PermissionDenied(NOT_YOURS_MESSAGE)
    return locked


def _clear_default(*, user, keep_pk: int | None = None) -> None:
    Address.objects.filter(user=user, is_default=True).exclude(pk=keep_pk).update(is_default=False)


def _check_fields(data: dict[str, Any], function: str) -> None:
    unknown = set(data) - FIELDS
    if unknown:
        raise TypeError(f"{function}() got unknown fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def address_create(*, user, data: dict[str, Any]) -> Address:
    """Add an address to the user's book and return it.

    `data`: the keys of `AddressForm.cleaned_data` (regions as model instances, village optional) plus optional
    `label` and `is_default`. Checks: required values, an Indonesian phone (stored +62…), 5-digit postal code,
    each region inside the one above, at most `MAX_ADDRESSES_PER_USER` addresses. The first address, or one with
    `is_default`, becomes the default (the previous default is cleared). Locks the user's row.
    Raises ValidationError with every field error at once, and then changes nothing. Unknown key: TypeError.
    """
    _check_fields(data, "address_create")
    if not user.is_authenticated:
        raise PermissionDenied(NOT_YOURS_MESSAGE)
    values = _clean(dict(data))
    _lock_user(user)
    count = Address.objects.filter(user=user).count()
    if count >= MAX_ADDRESSES_PER_USER:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    TOO_MANY_MESSAGE, code="too_many", params={"max": MAX_ADDRESSES_PER_USER}
                )
            }
        )
    if count == 0:
        values["is_default"] = True
    if values["is_default"]:
        _clear_default(user=user)
    return Address.objects.create(user=user, **values)


@transaction.atomic
def address_update(*, user, address: Address, data: dict[str, Any]) -> Address:
    """Change any of the address's values (the others keep theirs) and return the fresh address.

    Only the user's own address (PermissionDenied otherwise). The merged values are checked like
    `address_create`'s. `is_default=True` makes it the default (clearing the old one); `is_default=False` on the
    default is ignored — a user with addresses always has a default (choose another one instead).
    Locks the user's row, then the address. ValidationError with every field error, and then nothing changes.
    """
    _check_fields(data, "address_update")
    _lock_user(user)
    address = _lock_own(user=user, address=address)
    current = {key: getattr(address, key) for key in ADDRESS_FIELDS} | {
        "label": address.label,
        "is_default": address.is_default,
    }
    data = dict(data)
    if address.is_default:
        data.pop("is_default", None)
    values = _clean(current | data)
    if values["is_default"] and not address.is_default:
        _clear_default(user=user, keep_pk=address.pk)
    for key, value in values.items():
        setattr(address, key, value)
    address.save()
    return address


@transaction.atomic
def address_delete(*, user, address: Address) -> None:
    """Delete the user's address; when it was the default, the newest remaining address becomes the default.

    Only the user's own address (PermissionDenied otherwise). Orders keep their own copy of the address.
    Locks the user's row, then the address.
    """
    _lock_user(user)
    address = _lock_own(user=user, address=address)
    was_default = address.is_default
    address.delete()
    if was_default:
        successor = Address.objects.filter(user=user).order_by("-created_at", "-pk").first()
        if successor is not None:
            Address.objects.filter(pk=successor.pk).update(is_default=True)


@transaction.atomic
def address_set_default(*, user, address: Address) -> Address:
    """Make the address the user's default; the previous default stops being one (in the same transaction).

    Only the user's own address (PermissionDenied otherwise). Locks the user's row, then the address. Setting the
    current default again changes nothing.
    """
    _lock_user(user)
    address = _lock_own(user=user, address=address)
    if not address.is_default:
        _clear_default(user=user, keep_pk=address.pk)
        address.is_default = True
        address.save(update_fields=["is_default"])
    return address
