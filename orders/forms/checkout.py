"""The checkout form's own fields; the address is an `AddressForm`, shipping and notes are per shop
(`shipping_<shop id>`, `note_<shop id>`) because the shops are known only from the cart."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PaymentMethod
from ..services.checkout import MAX_IDEMPOTENCY_KEY_LENGTH


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("We send the order confirmation and its updates here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    save_address = forms.BooleanField(label=_("Save this address in my address book"), required=False)
    idempotency_key = forms.CharField(max_length=MAX_IDEMPOTENCY_KEY_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args, guest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = guest

    def set_payment_methods(self, codes: list[str]) -> None:
        """Offer only the methods every shop in the cart accepts (`checkout_quote.payment_methods`)."""
        self.fields["payment_method"].choices = [(code, PaymentMethod(code).label) for code in codes]
        if len(codes) == 1 and not self.is_bound:
            self.initial.setdefault("payment_method", codes[0])
