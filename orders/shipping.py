"""Shipping fees, computed on the server from what a shop offers (`ShippingOption`) and what is bought.

Pure computation: no writes, no queries except reading a local delivery option's districts (none when they are
prefetched, as `orders.selectors.shipping.shipping_options_for_shops` does). Amounts are whole rupiah.

Availability is decided before price: an inactive option, a parcel heavier than the last weight band or an
address outside the seller's delivery districts is refused even when the order would ship free, because free
shipping does not make a parcel deliverable.
"""

from django.utils.translation import gettext_lazy as _

from .errors import CartError
from .models import ShippingOption

__all__ = ["MAX_WEIGHT_BANDS", "ShippingUnavailable", "shipping_fee"]

MAX_WEIGHT_BANDS = 10

INACTIVE_MESSAGE = _("This shipping option is no longer offered by the shop.")
TOO_HEAVY_MESSAGE = _("%(name)s carries parcels up to %(grams)s grams; this order weighs %(weight)s grams.")
NO_BANDS_MESSAGE = _("%(name)s has no weight rates yet.")
DISTRICT_NOT_SERVED_MESSAGE = _("%(name)s does not deliver to this district.")
NO_DISTRICT_MESSAGE = _("Choose the delivery address first.")
UNKNOWN_KIND_MESSAGE = _("This shipping option is not available.")


class ShippingUnavailable(CartError):
    """The option cannot carry this order (too heavy, district not served, no longer offered)."""

    default_message = UNKNOWN_KIND_MESSAGE


def _weight_band_fee(option: ShippingOption, weight_grams: int) -> int:
    bands = sorted(option.weight_bands or [], key=lambda band: band["up_to_grams"])
    if not bands:
        raise ShippingUnavailable(NO_BANDS_MESSAGE % {"name": option.name})
    for band in bands:
        if weight_grams <= band["up_to_grams"]:
            return int(band["fee"])
    raise ShippingUnavailable(
        TOO_HEAVY_MESSAGE % {"name": option.name, "grams": bands[-1]["up_to_grams"], "weight": weight_grams}
    )


def _serves_district(option: ShippingOption, district_code: str) -> bool:
    # `.all()` answers from the prefetch cache when the caller prefetched the districts.
    return any(district.pk == district_code for district in option.districts.all())


def shipping_fee(*, option: ShippingOption, weight_grams: int, subtotal: int, district_code: str | None) -> int:
    """The fee in whole rupiah to ship one shop's part of an order with `option`.

    - flat: `option.fee`; pickup: 0; weight: the fee of the first band (ascending by `up_to_grams`) with
      `weight_grams <= up_to_grams`; local delivery: `option.fee` when `district_code` is one of the option's
      districts.
    - `free_above`: 0 when `subtotal >= free_above`, for any kind — once the option is available.
    Raises `ShippingUnavailable` (a `CartError`, translated message): the option is inactive, the parcel is
    heavier than the last band (or there are no bands), a local delivery without a district or to a district
    not served, an unknown kind. ValueError for a negative weight or subtotal (a bug in the caller).
    """
    if weight_grams < 0 or subtotal < 0:
        raise ValueError(f"weight_grams and subtotal must not be negative: {weight_grams!r}, {subtotal!r}")
    if not option.is_active:
        raise ShippingUnavailable(INACTIVE_MESSAGE)
    kind = option.kind
    if kind == ShippingOption.Kind.PICKUP:
        return 0
    if kind == ShippingOption.Kind.FLAT:
        fee = option.fee
    elif kind == ShippingOption.Kind.WEIGHT:
        fee = _weight_band_fee(option, weight_grams)
    elif kind == ShippingOption.Kind.LOCAL_DELIVERY:
        if not district_code:
            raise ShippingUnavailable(NO_DISTRICT_MESSAGE)
        if not _serves_district(option, district_code):
            raise ShippingUnavailable(DISTRICT_NOT_SERVED_MESSAGE % {"name": option.name})
        fee = option.fee
    else:
        raise ShippingUnavailable(UNKNOWN_KIND_MESSAGE)
    if option.free_above is not None and subtotal >= option.free_above:
        return 0
    return int(fee)
