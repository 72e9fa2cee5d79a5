"""The shopper's filters and sort for a list of products (category and shop pages), read from GET.

A bad value never fails the page: the form shows its error next to the field and the list ignores that
filter (Django keeps only valid fields in `cleaned_data`), while the other filters still apply.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import format_rupiah
from shops.models.product import MAX_PRICE
from shops.selectors import PRODUCT_BADGES, PRODUCT_SORTS

SORT_LABELS = {
    "newest": _("Newest"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "best_selling": _("Best selling"),
    "rating": _("Highest rated"),
}
SORT_CHOICES = [(sort, SORT_LABELS[sort]) for sort in PRODUCT_SORTS]
BADGE_FIELDS = PRODUCT_BADGES  # one checkbox each, named like the badge
# The GET parameters that narrow the list (not `sort` or `page`).
FILTER_FIELDS = ("min_price", "max_price", "district", *BADGE_FIELDS, "in_stock")


class RupiahFilterField(forms.IntegerField):
    """Whole rupiah as shoppers type them: "15000", "15.000", "Rp 15.000"."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {"invalid": _("Enter a price in whole rupiah, such as 15000.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"^\s*rp\.?\s*", "", value.strip(), flags=re.IGNORECASE).replace(".", "").replace(" ", "")
        return super().to_python(value)


class ProductFilterForm(forms.Form):
    min_price = RupiahFilterField(label=_("Lowest price (Rp)"), required=False, min_value=0, max_value=MAX_PRICE)
    max_price = RupiahFilterField(label=_("Highest price (Rp)"), required=False, min_value=0, max_value=MAX_PRICE)
    district = forms.ChoiceField(label=_("District"), required=False)
    halal = forms.BooleanField(label=_("Halal certified"), required=False)
    pirt = forms.BooleanField(label=_("P-IRT registered"), required=False)
    nib = forms.BooleanField(label=_("NIB registered"), required=False)
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, districts=None, **kwargs):
        """`districts`: the district choices (`(code, name)` pairs); None leaves the district filter out (a
        shop's page: all its products come from one place)."""
        super().__init__(data, **kwargs)
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].choices = [("", _("All districts")), *districts]
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = f"id_{name}_error"

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price",
                ValidationError(
                    _("The highest price must be at least the lowest price (%(low)s)."),
                    code="below_min_price",
                    params={"low": format_rupiah(low)},
                ),
            )
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for `product_list_public_filtered` from the valid fields only."""
        if self.is_bound:
            self.is_valid()  # fills cleaned_data with the valid fields, errors for the others
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "min_price": cleaned.get("min_price"),
            "max_price": cleaned.get("max_price"),
            "district_code": cleaned.get("district") or None,
            "badges": [badge for badge in BADGE_FIELDS if cleaned.get(badge)],
            "in_stock": bool(cleaned.get("in_stock")),
            "sort": cleaned.get("sort") or "newest",
        }

    @property
    def filtered(self) -> bool:
        """Whether the shopper narrowed the list (a "show all" link and an open filter panel)."""
        return any(self.data.get(name) for name in FILTER_FIELDS if name in self.fields)
