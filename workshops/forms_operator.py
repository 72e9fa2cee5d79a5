"""Forms of the operators' workshop screens in the Wagtail admin (`workshops.views_operator`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.managers import UserManager
from accounts.models import User


class TrainerGrantForm(forms.Form):
    """The email of an existing account; `cleaned_data["user"]` is that account."""

    email = forms.EmailField(
        label=_("Email of the new trainer"),
        max_length=254,
        help_text=_("The person must already have an account on Pasar UMKM."),
    )

    def clean_email(self) -> str:
        email = UserManager.normalize_email_address(self.cleaned_data["email"])
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No account has this email address. Ask the person to sign up first."), code="unknown"
            )
        if not user.is_active:
            raise forms.ValidationError(_("This account is deactivated."), code="inactive")
        self.cleaned_data["user"] = user
        return email
