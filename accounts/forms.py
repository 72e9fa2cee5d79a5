from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User
from .phone import INVALID_PHONE_MESSAGE, validate_indonesian_phone


def phone_form_field(**kwargs) -> PhoneNumberField:
    """The phone input used on every form: Indonesian numbers in any common spelling, stored as +62 E.164."""
    return PhoneNumberField(
        region="ID",
        label=_("Phone / WhatsApp"),
        validators=[validate_indonesian_phone],
        error_messages={"invalid": INVALID_PHONE_MESSAGE},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "placeholder": "0812-3456-7890"}),
        **kwargs,
    )


class SignupExtraForm(forms.Form):
    """Fields allauth's signup form gains (browser pages and the headless API alike)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("Name as on your ID card")}),
    )
    phone = phone_form_field(required=False, help_text=_("Optional. Sellers use it to reach you about your orders."))

    field_order = ["full_name", "email", "phone", "password1", "password2"]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Full name is required."), code="required")
        return name

    def signup(self, request, user):
        """Called by allauth once the user row exists; stores what the base signup form does not know."""
        user.full_name = self.cleaned_data["full_name"]
        user.phone = self.cleaned_data.get("phone") or ""
        user.save(update_fields=["full_name", "phone"])


class ProfileForm(forms.ModelForm):
    """The profile page at /akun/profil/: name and phone. Email changes go through allauth's flow."""

    phone = phone_form_field(required=False)

    class Meta:
        model = User
        fields = ["full_name", "phone"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Full name is required."), code="required")
        return name


# Wagtail's user forms assume first_name/last_name; ours has one full name and a phone number.
_WAGTAIL_FIELDS = {"email", "full_name", "phone", "is_superuser", "groups"}


class WagtailUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    phone = phone_form_field(required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = _WAGTAIL_FIELDS


class WagtailUserEditForm(UserEditForm):
    first_name = None
    last_name = None
    phone = phone_form_field(required=False)

    class Meta(UserEditForm.Meta):
        model = User
        fields = _WAGTAIL_FIELDS | {"is_active"}
