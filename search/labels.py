"""What shoppers read for facet keys that are codes: badges and price bands (shared by both backends)."""

from django.utils.translation import gettext as _

from marketplace.core.money import format_rupiah


def badge_label(badge: str) -> str:
    return {"halal": _("Halal certified"), "pirt": _("P-IRT registered"), "nib": _("NIB registered")}[badge]


def price_band_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s and above") % {"low": format_rupiah(low)}
    if low == 0:
        return _("Under %(high)s") % {"high": format_rupiah(high)}
    return _("%(low)s to %(high)s") % {"low": format_rupiah(low), "high": format_rupiah(high)}
