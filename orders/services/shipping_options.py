"""Writes of a shop's shipping options (what the shop offers at checkout; fees by `orders.shipping`).

Any member of the shop (owner or staff) manages them; anyone else gets PermissionDenied and nothing changes.
Every write locks the shop row first (`shops.locks.shop_qs_select_for_update`), so two members editing at once
are serialised and the per-shop limit holds. Values a kind does not use are normalised away (a pickup has no
fee, a flat rate no weight bands, only local delivery has districts), so an option never carries stale data.
Orders keep a snapshot of the chosen option (name, kind, fee): deleting or changing an option changes no order.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from shops.locks import shop_qs_select_for_update
from shops.models import District, Shop
from shops.selectors import shop_member_role

from ..models import MAX_SHIPPING_FEE, ShippingOption
from ..shipping import MAX_WEIGHT_BANDS

MAX_OPTIONS_PER_SHOP = 20
MAX_DISTRICTS_PER_OPTION = 50
MAX_BAND_GRAMS = 1_000_000  # one tonne
MAX_FREE_ABOVE = 1_000_000_000
MAX_POSITION = 32_767

FIELDS = frozenset({"kind", "name", "fee", "weight_bands", "free_above", "districts", "is_active", "position"})

MEMBERS_ONLY_MESSAGE = _("Only members of the shop can change its shipping options.")
NAME_REQUIRED_MESSAGE = _("Enter the name shoppers see, for example JNE Reguler.")
NAME_TOO_LONG_MESSAGE = _("The name is at most %(max)d characters.")
KIND_INVALID_MESSAGE = _("Choose how this option ships.")
FEE_INVALID_MESSAGE = _("Enter the fee as a whole number of rupiah, from 0 to %(max)s.")
BANDS_REQUIRED_MESSAGE = _("Add at least one weight band.")
BANDS_TOO_MANY_MESSAGE = _("At most %(max)d weight bands.")
BAND_INVALID_MESSAGE = _(
    "Band %(number)d: enter the weight limit in grams (1 to %(max_grams)s) and the fee in rupiah (0 to %(max_fee)s)."
)
BANDS_NOT_ASCENDING_MESSAGE = _("Band %(number)d: each weight limit must be higher than the one before.")
FREE_ABOVE_INVALID_MESSAGE = _("Enter the amount as a whole number of rupiah, from 1 to %(max)s, or leave it empty.")
DISTRICTS_REQUIRED_MESSAGE = _("Choose at least one district you deliver to.")
DISTRICTS_TOO_MANY_MESSAGE = _("At most %(max)d districts.")
POSITION_INVALID_MESSAGE = _("Enter the position as a whole number from 0 to %(max)d.")
TOO_MANY_OPTIONS_MESSAGE = _("A shop has at most %(max)d shipping options. Delete one you no longer use.")


def _require_member(*, shop: Shop, user) -> None:
    if shop_member_role(user=user, shop=shop) is None:
        raise PermissionDenied(MEMBERS_ONLY_MESSAGE)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _clean_bands(raw: Any, errors: dict[str, list[ValidationError]]) -> list[dict[str, int]]:
    bands: list[dict[str, int]] = []
    if not isinstance(raw, list | tuple) or not raw:
        errors.setdefault("weight_bands", []).append(ValidationError(BANDS_REQUIRED_MESSAGE, code="required"))
        return bands
    if len(raw) > MAX_WEIGHT_BANDS:
        errors.setdefault("weight_bands", []).append(
            ValidationError(BANDS_TOO_MANY_MESSAGE, code="too_many", params={"max": MAX_WEIGHT_BANDS})
        )
        return bands
    previous = 0
    for number, band in enumerate(raw, start=1):
        up_to = band.get("up_to_grams") if isinstance(band, dict) else None
        fee = band.get("fee") if isinstance(band, dict) else None
        if not (_is_int(up_to) and 1 <= up_to <= MAX_BAND_GRAMS and _is_int(fee) and 0 <= fee <= MAX_SHIPPING_FEE):
            params = {"number": number, "max_grams": f"{MAX_BAND_GRAMS:,}".replace(",", ".")}
            params["max_fee"] = f"{MAX_SHIPPING_FEE:,}".replace(",", ".")
            errors.setdefault("weight_bands", []).append(
                ValidationError(BAND_INVALID_MESSAGE, code="invalid_band", params=params)
            )
            return bands
        if up_to <= previous:
            errors.setdefault("weight_bands", []).append(
                ValidationError(BANDS_NOT_ASCENDING_MESSAGE, code="not_ascending", params={"number": number})
            )
            return bands
        previous = up_to
        bands.append({"up_to_grams": up_to, "fee": fee})
    return bands


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the full set of values of an option; raises ValidationError with every field error."""
    errors: dict[str, list[ValidationError]] = {}
    kind = values["kind"]
    if kind not in ShippingOption.Kind.values:
        errors.setdefault("kind", []).append(ValidationError(KIND_INVALID_MESSAGE, code="invalid_choice"))

    name = (values["name"] or "").strip()
    max_name = ShippingOption._meta.get_field("name").max_length
    if not name:
        errors.setdefault("name", []).append(ValidationError(NAME_REQUIRED_MESSAGE, code="required"))
    elif len(name) > max_name:
        errors.setdefault("name", []).append(
            ValidationError(NAME_TOO_LONG_MESSAGE, code="max_length", params={"max": max_name})
        )
    values["name"] = name

    fee = values["fee"]
    if kind in (ShippingOption.Kind.FLAT, ShippingOption.Kind.LOCAL_DELIVERY):
        if not (_is_int(fee) and 0 <= fee <= MAX_SHIPPING_FEE):
            errors.setdefault("fee", []).append(
                ValidationError(
                    FEE_INVALID_MESSAGE, code="invalid", params={"max": f"{MAX_SHIPPING_FEE:,}".replace(",", ".")}
                )
            )
    else:
        values["fee"] = 0

    if kind == ShippingOption.Kind.WEIGHT:
        values["weight_bands"] = _clean_bands(values["weight_bands"], errors)
    else:
        values["weight_bands"] = []

    free_above = values["free_above"]
    if kind == ShippingOption.Kind.PICKUP:
        values["free_above"] = None
    elif free_above is not None and not (_is_int(free_above) and 1 <= free_above <= MAX_FREE_ABOVE):
        errors.setdefault("free_above", []).append(
            ValidationError(
                FREE_ABOVE_INVALID_MESSAGE, code="invalid", params={"max": f"{MAX_FREE_ABOVE:,}".replace(",", ".")}
            )
        )

    if kind == ShippingOption.Kind.LOCAL_DELIVERY:
        districts = list(dict.fromkeys(values["districts"] or []))
        if not districts:
            errors.setdefault("districts", []).append(ValidationError(DISTRICTS_REQUIRED_MESSAGE, code="required"))
        elif len(districts) > MAX_DISTRICTS_PER_OPTION:
            errors.setdefault("districts", []).append(
                ValidationError(DISTRICTS_TOO_MANY_MESSAGE, code="too_many", params={"max": MAX_DISTRICTS_PER_OPTION})
            )
        values["districts"] = districts
    else:
        values["districts"] = []

    position = values["position"]
    if position is not None and not (_is_int(position) and 0 <= position <= MAX_POSITION):
        errors.setdefault("position", []).append(
            ValidationError(POSITION_INVALID_MESSAGE, code="invalid", params={"max": MAX_POSITION})
        )
    values["is_active"] = bool(values["is_active"])
    if errors:
        raise ValidationError(errors)
    return values


def _save(option: ShippingOption, values: dict[str, Any]) -> ShippingOption:
    for key in ("kind", "name", "fee", "weight_bands", "free_above", "is_active", "position"):
        setattr(option, key, values[key])
    option.save()
    option.districts.set(values["districts"])
    return option


@transaction.atomic
def shipping_option_create(
    *,
    shop: Shop,
    user,
    kind: str,
    name: str,
    fee: int = 0,
    weight_bands: list[dict[str, int]] | None = None,
    free_above: int | None = None,
    districts: Iterable[District] = (),
    is_active: bool = True,
    position: int | None = None,
) -> ShippingOption:
    """Add a shipping option to the shop; returns it (districts set).

    Members of the shop only (PermissionDenied). Locks the shop row. Checks: a kind of `ShippingOption.Kind`;
    a name (stripped, at most 80 characters); flat and local delivery: a fee of 0..MAX_SHIPPING_FEE; weight: 1 to
    `MAX_WEIGHT_BANDS` bands `{"up_to_grams": 1..MAX_BAND_GRAMS, "fee": 0..MAX_SHIPPING_FEE}` strictly ascending
    by weight; local delivery: 1 to `MAX_DISTRICTS_PER_OPTION` districts; `free_above` empty or 1..MAX_FREE_ABOVE;
    at most `MAX_OPTIONS_PER_SHOP` options per shop. `position` None → after the last option.
    Raises ValidationError with every field error at once, and then changes nothing.
    """
    _require_member(shop=shop, user=user)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    values = _clean(
        {
            "kind": kind,
            "name": name,
            "fee": fee,
            "weight_bands": weight_bands or [],
            "free_above": free_above,
            "districts": list(districts),
            "is_active": is_active,
            "position": position,
        }
    )
    if ShippingOption.objects.filter(shop=shop).count() >= MAX_OPTIONS_PER_SHOP:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: ValidationError(
                    TOO_MANY_OPTIONS_MESSAGE, code="too_many", params={"max": MAX_OPTIONS_PER_SHOP}
                )
            }
        )
    if values["position"] is None:
        last = ShippingOption.objects.filter(shop=shop).aggregate(last=Max("position"))["last"]
        values["position"] = min(MAX_POSITION, 0 if last is None else last + 1)
    return _save(ShippingOption(shop=shop), values)


def _option_in_shop(*, shop: Shop, option: ShippingOption) -> ShippingOption:
    locked = ShippingOption.objects.select_for_update().filter(pk=option.pk, shop=shop).first()
    if locked is None:
        raise PermissionDenied(MEMBERS_ONLY_MESSAGE)
    return locked


@transaction.atomic
def shipping_option_update(*, shop: Shop, user, option: ShippingOption, **fields: Any) -> ShippingOption:
    """Change any of `FIELDS` of the shop's option (the others keep their values); returns the fresh option.

    Members of the shop only, and only an option of that shop (PermissionDenied otherwise). Locks the shop row,
    then the option. The merged values are checked like `shipping_option_create`'s; ValidationError with every
    field error, and then nothing changes. Unknown field: TypeError.
    """
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"shipping_option_update() got unknown fields: {', '.join(sorted(unknown))}")
    _require_member(shop=shop, user=user)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    option = _option_in_shop(shop=shop, option=option)
    current = {
        "kind": option.kind,
        "name": option.name,
        "fee": option.fee,
        "weight_bands": option.weight_bands,
        "free_above": option.free_above,
        "districts": list(option.districts.all()),
        "is_active": option.is_active,
        "position": option.position,
    }
    if "districts" in fields:
        fields["districts"] = list(fields["districts"] or [])
    values = _clean(current | fields)
    if values["position"] is None:
        values["position"] = option.position
    return _save(option, values)


@transaction.atomic
def shipping_option_delete(*, shop: Shop, user, option: ShippingOption) -> None:
    """Delete the shop's option. Orders that used it keep their snapshot (name, kind, fee; the link is cleared).

    Members of the shop only, and only an option of that shop (PermissionDenied otherwise). Locks the shop row.
    """
    _require_member(shop=shop, user=user)
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    _option_in_shop(shop=shop, option=option).delete()
