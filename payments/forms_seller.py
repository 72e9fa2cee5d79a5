"""Forms of the seller's money pages. They only read what was typed; the rules (the bank account's format, how
much may be refunded, when a note is needed) are the services', whose field errors are put back on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shops.forms import add_service_errors

from .selectors import parse_amount
from .services.refunds import MAX_TEXT


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(
        label=_("Bank"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. BRI, BNI, BPD Bali"), "autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_holder = forms.CharField(
        label=_("Account holder"),
        required=False,
        max_length=150,
        help_text=_("The name on the account, as the bank knows it."),
    )


class RefundForm(forms.Form):
    """A seller's refund of one shop order. The amount is accepted as sellers type it ("Rp 15.000", "15000")."""

    amount = forms.CharField(
        label=_("Amount to refund"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label=_("Reason for the shopper"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )
    manual_note = forms.CharField(
        label=_("How did you pay it back?"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("For example: cash at the shop, or a transfer to the shopper's BCA account, reference 123."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        amount = parse_amount(value)
        if amount is None or amount <= 0:
            raise ValidationError(_("Enter an amount in whole rupiah, at least 1."))
        return amount


__all__ = ["BankAccountForm", "RefundForm", "add_service_errors"]
