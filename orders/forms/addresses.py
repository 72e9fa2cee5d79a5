"""The address form, in the Indonesian hierarchy (province > regency or city > district > village).

`AddressForm` is what checkout and the address book share; `AddressBookForm` adds the label and the default
flag. The region selects are the ones of the seller's shop address (`shops.forms.RegionChoiceField`): they
accept any existing code, and `load_region_options()` fills each select with the children of the level chosen
above. Without JavaScript a "show the choices" button reloads the page with the next level's options; with
it, `includes/region_selects_script.html` fills them in place from `/api/v1/regions/`.
"""

from itertools import pairwise

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.phone import normalise_phone
from shops.forms import RegionChoiceField
from shops.models import District, Province, Regency, Village
from shops.models.shop import validate_postal_code
from shops.selectors import (
    district_list_for_regency,
    province_list,
    regency_list_for_province,
    village_list_for_district,
)

from ..models import Address, AddressFields
from ..services.addresses import address_hierarchy_errors

REGION_LEVELS = ("province", "regency", "district", "village")
POSTAL_CODE_MISSING_MESSAGE = _("Enter the 5-digit postal code.")


class RequiredRegionChoiceField(RegionChoiceField):
    def __init__(self, model, **kwargs):
        super().__init__(model, **kwargs)
        self.required = True


def address_initial(address: AddressFields) -> dict:
    """The form's initial values from an `Address` (or an order's address snapshot)."""
    initial = {level: getattr(address, f"{level}_id") for level in REGION_LEVELS}
    initial |= {
        "recipient_name": address.recipient_name,
        "phone": address.phone.as_national if address.phone else "",
        "street_address": address.street_address,
        "postal_code": address.postal_code,
    }
    if isinstance(address, Address):
        initial |= {"label": address.label, "is_default": address.is_default}
    return initial


def drop_stale_levels(data, *, previous: dict[str, str | None]):
    """A copy of posted `data` without lower levels that no longer lie under a changed parent.

    Without JavaScript the lower selects still hold the old parent's options: when a level changed (compared with
    `previous`), a lower level whose code does not start with the new parent's (codes nest: 51 → 51.03 →
    51.03.06) is cleared, so the page shows the new choices instead of an error.
    """
    data = data.copy()
    for parent, child in pairwise(REGION_LEVELS):
        parent_code = data.get(parent) or None
        child_code = data.get(child) or ""
        if parent_code != previous.get(parent) and not (parent_code and child_code.startswith(f"{parent_code}.")):
            data[child] = ""
    return data


class AddressForm(forms.Form):
    """Where to deliver. `cleaned_data` holds Province/Regency/District/Village instances (village may be None),
    the phone as +62…, and the postal code (taken from the village when left empty).

    `AddressForm(initial=address)` accepts an `Address` (or any `AddressFields`) as initial values.
    """

    recipient_name = forms.CharField(
        label=_("Recipient name"),
        max_length=Address._meta.get_field("recipient_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone / WhatsApp"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("For example 0812 3456 7890. The courier calls this number."),
    )
    province = RequiredRegionChoiceField(Province, label=_("Province"))
    regency = RequiredRegionChoiceField(Regency, label=_("Regency or city"))
    district = RequiredRegionChoiceField(District, label=_("District"))
    village = RegionChoiceField(Village, label=_("Village"))
    street_address = forms.CharField(
        label=_("Street address"),
        max_length=Address._meta.get_field("street_address").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        help_text=_("Street, number, banjar or landmark."),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=5,
        required=False,
        validators=[validate_postal_code],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        help_text=_("Filled in from the village; change it if yours differs."),
    )

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial")
        if isinstance(initial, AddressFields):
            kwargs["initial"] = address_initial(initial)
        super().__init__(*args, **kwargs)

    def chosen_codes(self) -> dict[str, str | None]:
        """The region code chosen at each level: posted when bound, else the initial values."""
        if self.is_bound:
            return {level: self.data.get(self.add_prefix(level)) or None for level in REGION_LEVELS}
        return {level: self.initial.get(level) or None for level in REGION_LEVELS}

    def load_region_options(self) -> None:
        """Fill each select with the children of the level chosen above (at most four queries)."""
        codes = self.chosen_codes()
        self.fields["province"].set_options(province_list())
        children = {
            "regency": (regency_list_for_province, "province_code", "province"),
            "district": (district_list_for_regency, "regency_code", "regency"),
            "village": (village_list_for_district, "district_code", "district"),
        }
        for level, (selector, argument, parent) in children.items():
            parent_code = codes.get(parent)
            self.fields[level].set_options(selector(**{argument: parent_code}) if parent_code else [])

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        regions = {level: cleaned.get(level) for level in REGION_LEVELS}
        for level, error in address_hierarchy_errors(**regions).items():
            if level in cleaned:
                self.add_error(level, error)
        village = cleaned.get("village")
        postal_code = (cleaned.get("postal_code") or "").strip()
        if not postal_code and village is not None and village.postal_code and "village" in cleaned:
            postal_code = village.postal_code
        if not postal_code and "postal_code" not in self.errors:
            self.add_error("postal_code", forms.ValidationError(POSTAL_CODE_MISSING_MESSAGE, code="required"))
        elif "postal_code" in cleaned:
            cleaned["postal_code"] = postal_code
        return cleaned


class AddressBookForm(AddressForm):
    """An address kept in the signed-in shopper's book: the address plus a label and the default flag."""

    label = forms.CharField(
        label=_("Label"),
        max_length=Address._meta.get_field("label").max_length,
        required=False,
        help_text=_("For example Home or Office."),
    )
    is_default = forms.BooleanField(label=_("Use as my default address"), required=False)

    field_order = ["label", *AddressForm.base_fields, "is_default"]
