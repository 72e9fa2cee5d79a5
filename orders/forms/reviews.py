"""The shopper's review form (one per order line) and the seller's reply form (`orders.views.reviews`).

The forms parse input only; `orders.services.reviews` checks every rule and its field errors are copied back
with `add_service_errors`. Stars are five radio inputs in a fieldset, each labelled "3 stars" for screen readers.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..services.reviews import MAX_RATING, MAX_TEXT_LENGTH, MIN_RATING


def rating_choices() -> list[tuple[int, str]]:
    """1 to 5 stars, each labelled in the active language ("5 bintang")."""
    return [
        (value, ngettext("%(count)d star", "%(count)d stars", value) % {"count": value})
        for value in range(MIN_RATING, MAX_RATING + 1)
    ]


class _ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's field errors on the matching fields (others on the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class ReviewForm(_ServiceErrorsMixin, forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=rating_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars."), "invalid_choice": _("Choose from 1 to 5 stars.")},
    )
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        strip=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you like? How was the product? At most 2,000 characters."),
        error_messages={"max_length": _("At most 2,000 characters.")},
    )


class ReplyForm(_ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        strip=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown under the review on the product page. You can reply once."),
        error_messages={"required": _("Write your reply."), "max_length": _("At most 2,000 characters.")},
    )
