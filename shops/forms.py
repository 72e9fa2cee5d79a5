"""Forms of the seller onboarding wizard (`shops.views.seller`).

The forms only parse input; every rule about a shop (phone normalisation, address hierarchy, NIB length,
halal expiry) is checked by `shops.services.shop_update_profile`, whose field errors the views copy back here.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .images import validate_product_photo
from .models import District, Province, Regency, Shop, Village


class ShopStartForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=Shop._meta.get_field("name").max_length)


class ShopStoryForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=Shop._meta.get_field("name").max_length)
    story = forms.CharField(
        label=_("Short story"),
        max_length=Shop._meta.get_field("story").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are and what you make, in a few sentences."),
    )


class PhotoField(forms.FileField):
    """An optional photo upload, checked by `shops.images.validate_product_photo` (real JPEG, PNG or WebP).

    `clean()` returns the `ValidatedPhoto`, or None when nothing was chosen.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial or uploaded is False:
            return None
        return validate_product_photo(uploaded)


class ShopImagesForm(forms.Form):
    logo = PhotoField(label=_("Logo"), help_text=_("Optional. A square photo looks best."))
    banner = PhotoField(label=_("Banner"), help_text=_("Optional. A wide photo of your products or your place."))


class ShopWhatsappForm(forms.Form):
    whatsapp = forms.CharField(
        label=_("WhatsApp number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("For example 0812 3456 7890. Buyers reach you here."),
    )


class RegionChoiceField(forms.ModelChoiceField):
    """A region select that accepts any existing code; the options shown are set by the form.

    The hierarchy (a district inside the chosen regency…) is checked by the service, not here.
    """

    def __init__(self, model, **kwargs):
        super().__init__(queryset=model.objects.all(), required=False, empty_label=_("— choose —"), **kwargs)

    def set_options(self, regions) -> None:
        self.widget.choices = [("", self.empty_label), *((region.code, region.name) for region in regions)]


class ShopAddressForm(forms.Form):
    province = RegionChoiceField(Province, label=_("Province"))
    regency = RegionChoiceField(Regency, label=_("Regency or city"))
    district = RegionChoiceField(District, label=_("District"))
    village = RegionChoiceField(Village, label=_("Village"))
    street_address = forms.CharField(
        label=_("Street address"),
        max_length=Shop._meta.get_field("street_address").max_length,
        required=False,
        help_text=_("Street, number, banjar or landmark."),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        help_text=_("Filled in from the village; change it if yours differs."),
    )


class ShopLegalForm(forms.Form):
    nib = forms.CharField(
        label=_("NIB"), max_length=32, required=False, help_text=_("Optional. The 13-digit business number from OSS.")
    )
    halal_certificate_number = forms.CharField(
        label=_("Halal certificate number"), max_length=64, required=False, help_text=_("Optional.")
    )
    halal_expires_on = forms.DateField(
        label=_("Halal certificate expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    pirt_number = forms.CharField(label=_("PIRT number"), max_length=32, required=False, help_text=_("Optional."))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Copy a service's ValidationError onto the form: field errors to their fields, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
