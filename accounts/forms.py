from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import User
from .phone import INVALID_PHONE_MESSAGE, format_phone_national, normalise_phone
from .services import user_forget_replaced_email_addresses


class PhoneInput(forms.TextInput):
    """A tel input that shows a stored number the way people write it (0812-3456-7890), not as E.164."""

    input_type = "tel"

    def format_value(self, value):
        if isinstance(value, PhoneNumber):
            return format_phone_national(value)
        return super().format_value(value)


class IndonesianPhoneNumberField(PhoneNumberField):
    """Indonesian numbers in any common spelling (0812-…, +62 812 …, 62812…) cleaned to a +62 PhoneNumber.

    Parsing goes through `normalise_phone`, the same function the API uses, so forms and API accept exactly
    the same input. One message for every kind of bad number (phonenumber_field's own validator would add
    a second, duplicate one).
    """

    default_validators = []

    def to_python(self, value):
        if value in validators.EMPTY_VALUES:
            return self.empty_value
        try:
            return PhoneNumber.from_string(normalise_phone(str(value)))
        except ValidationError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error


def phone_form_field(**kwargs) -> IndonesianPhoneNumberField:
    """The phone input used on every form: Indonesian numbers in any common spelling, stored as +62 E.164."""
    kwargs.setdefault("label", _("Phone / WhatsApp"))
    return IndonesianPhoneNumberField(
        region="ID",
        error_messages={"invalid": INVALID_PHONE_MESSAGE},
        widget=PhoneInput(attrs={"autocomplete": "tel", "placeholder": "0812-3456-7890"}),
        **kwargs,
    )


def _clean_full_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise forms.ValidationError(_("Full name is required."), code="required")
    return name


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
        return _clean_full_name(self.cleaned_data["full_name"])

    def signup(self, request, user):
        """Called by allauth once the user row exists; stores what the base signup form does not know."""
        user.full_name = self.cleaned_data["full_name"]
        user.phone = self.cleaned_data.get("phone") or ""
        user.save(update_fields=["full_name", "phone"])


class ProfileForm(forms.Form):
    """The profile page at /akun/profil/: name and phone. Email changes go through allauth's flow.

    A plain form, not a ModelForm: validating must not touch `request.user` (a ModelForm writes the
    submitted values onto its instance even when the form is refused); `user_update_profile` saves.
    """

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = phone_form_field(required=False)

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        return cls(data, initial={"full_name": user.full_name, "phone": user.phone or ""})

    def clean_full_name(self):
        return _clean_full_name(self.cleaned_data["full_name"])


# Wagtail's user forms assume first_name/last_name; ours has one full name and a phone number.
_WAGTAIL_FIELDS = {"email", "full_name", "phone", "is_superuser", "groups"}


class WagtailUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    phone = phone_form_field(required=False)

    def clean_full_name(self):
        return _clean_full_name(self.cleaned_data["full_name"])

    class Meta(UserCreationForm.Meta):
        model = User
        fields = _WAGTAIL_FIELDS


class WagtailUserEditForm(UserEditForm):
    first_name = None
    last_name = None
    phone = phone_form_field(required=False)

    def clean_full_name(self):
        return _clean_full_name(self.cleaned_data["full_name"])

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and "email" in self.changed_data:
            user_forget_replaced_email_addresses(user=user)
        return user

    class Meta(UserEditForm.Meta):
        model = User
        fields = _WAGTAIL_FIELDS | {"is_active"}
