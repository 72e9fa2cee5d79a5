"""Forms of the payments pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

PROOF_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class ProofUploadForm(forms.Form):
    """The shopper's proof of transfer; the content checks are the service's (`bank_transfer_upload_proof`)."""

    proof = forms.FileField(
        label=_("Proof of transfer"),
        help_text=_("A photo or screenshot of the receipt (JPEG, PNG, WebP) or a PDF, at most 5 MB."),
        allow_empty_file=True,  # the service says what is wrong with an empty file
        widget=forms.FileInput(attrs={"accept": PROOF_ACCEPT}),
        error_messages={"required": _("Choose the file with the proof of transfer.")},
    )


class OperatorSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Amount (Rp 92.417), order number, buyer")}),
    )
