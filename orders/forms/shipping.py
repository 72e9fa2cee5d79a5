"""The seller's shipping option form and the cash-on-delivery switch (`orders.views.shipping`).

The form parses input only; `orders.services.shipping_options` checks every rule (band order, fee limits,
districts for local delivery) and its field errors are copied back with `add_service_errors`.
Weight bands are `MAX_WEIGHT_BANDS` pairs of number inputs (up to … grams, fee), so no JavaScript is needed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shops.models import District, Shop

from ..models import MAX_SHIPPING_FEE, ShippingOption
from ..shipping import MAX_WEIGHT_BANDS

SERVICE_FIELDS = ("kind", "name", "fee", "free_above", "districts", "is_active")


def _band_fields(number: int) -> tuple[str, str]:
    return f"band_{number}_up_to_grams", f"band_{number}_fee"


class ShippingOptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("How it ships"), choices=ShippingOption.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Name"),
        max_length=ShippingOption._meta.get_field("name").max_length,
        help_text=_("What shoppers see, for example JNE Reguler."),
    )
    fee = forms.IntegerField(
        label=_("Fee (rupiah)"),
        required=False,
        min_value=0,
        max_value=MAX_SHIPPING_FEE,
        help_text=_("Flat rate and delivery by the seller: the fee per order."),
    )
    free_above = forms.IntegerField(
        label=_("Free above (rupiah)"),
        required=False,
        min_value=1,
        help_text=_("Optional. No fee when the order from your shop reaches this amount."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts you deliver to"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Delivery by the seller: the districts of your regency or city you deliver to."),
    )
    is_active = forms.BooleanField(label=_("Offer this option to shoppers"), required=False, initial=True)

    def __init__(self, *args, shop: Shop, option: ShippingOption | None = None, **kwargs):
        if option is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from_option(option)
        super().__init__(*args, **kwargs)
        chosen = [district.pk for district in option.districts.all()] if option is not None else []
        self.fields["districts"].queryset = District.objects.filter(
            Q(regency_id=shop.regency_id) | Q(pk__in=chosen)
        ).order_by("name", "code")
        for number in range(1, MAX_WEIGHT_BANDS + 1):
            up_to, fee = _band_fields(number)
            self.fields[up_to] = forms.IntegerField(
                label=_("Band %(number)d: up to (grams)") % {"number": number}, required=False, min_value=1
            )
            self.fields[fee] = forms.IntegerField(
                label=_("Band %(number)d: fee (rupiah)") % {"number": number},
                required=False,
                min_value=0,
                max_value=MAX_SHIPPING_FEE,
            )
        self.band_errors: list[str] = []

    @staticmethod
    def initial_from_option(option: ShippingOption) -> dict:
        initial = {
            "kind": option.kind,
            "name": option.name,
            "fee": option.fee,
            "free_above": option.free_above,
            "districts": [district.pk for district in option.districts.all()],
            "is_active": option.is_active,
        }
        for number, band in enumerate(option.weight_bands or [], start=1):
            up_to, fee = _band_fields(number)
            initial |= {up_to: band.get("up_to_grams"), fee: band.get("fee")}
        return initial

    def main_fields(self) -> list:
        return [self[name] for name in SERVICE_FIELDS]

    def band_rows(self) -> list[tuple[int, object, object]]:
        return [(number, *(self[name] for name in _band_fields(number))) for number in range(1, MAX_WEIGHT_BANDS + 1)]

    def service_values(self) -> dict:
        """The cleaned values as `shipping_option_create`/`_update` take them (incomplete bands included, so the
        service names the band that needs fixing)."""
        values = {key: self.cleaned_data.get(key) for key in SERVICE_FIELDS}
        values["districts"] = list(values["districts"] or [])
        bands = []
        for number in range(1, MAX_WEIGHT_BANDS + 1):
            up_to, fee = (self.cleaned_data.get(name) for name in _band_fields(number))
            if up_to is not None or fee is not None:
                bands.append({"up_to_grams": up_to, "fee": fee})
        values["weight_bands"] = bands
        return values

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's field errors onto the form; weight band errors go to `band_errors` (shown with the bands)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            if field == "weight_bands":
                self.band_errors.extend(message for item in errors for message in item.messages)
            else:
                self.add_error(field if field in self.fields else None, errors)


class CashOnDeliveryForm(forms.Form):
    accepts = forms.BooleanField(required=False)
