"""The shopper's search as GET parameters (`/cari/` and `GET /api/v1/search/`), read into a `SearchQuery`.

Names follow DESIGN §9: `q`, `category`, `shop`, `district`, `min_price`, `max_price`, `in_stock`, one flag per
badge (`halal`, `pirt`, `nib`), `sort`, `page`. A bad value is a field error in the request's language.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shops.models.product import MAX_PRICE

from .query import BADGES, MAX_PAGE, SORTS, SearchQuery

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    category = forms.SlugField(required=False, allow_unicode=False)
    shop = forms.SlugField(required=False)
    district = forms.RegexField(required=False, regex=r"^\d{2}(\.\d{2}){2}$")
    min_price = forms.IntegerField(required=False, min_value=0, max_value=MAX_PRICE)
    max_price = forms.IntegerField(required=False, min_value=0, max_value=MAX_PRICE)
    in_stock = forms.BooleanField(required=False)
    halal = forms.BooleanField(required=False)
    pirt = forms.BooleanField(required=False)
    nib = forms.BooleanField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(sort, sort) for sort in SORTS])
    page = forms.IntegerField(required=False)

    def clean_page(self):
        page = self.cleaned_data["page"]
        if page is not None and not 1 <= page <= MAX_PAGE:
            raise ValidationError(
                _("Choose a page from 1 to %(last)s."), code="page_out_of_range", params={"last": MAX_PAGE}
            )
        return page

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_price",
                ValidationError(_("The highest price must be at least the lowest price."), code="below_min_price"),
            )
        return cleaned

    def to_query(self) -> SearchQuery:
        """The query of the valid fields (after `is_valid()`): a field with an error is left out."""
        data = getattr(self, "cleaned_data", {})
        return SearchQuery(
            text=data.get("q") or "",
            category=data.get("category") or "",
            shop=data.get("shop") or "",
            district=data.get("district") or "",
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            in_stock=bool(data.get("in_stock")),
            badges=tuple(badge for badge in BADGES if data.get(badge)),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
        )
