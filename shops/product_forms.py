"""Forms of the seller's product pages (`shops.views.products`).

As in `shops.forms`, the forms only parse input; every rule about a product, a variant or a photo (lengths,
ranges, SKU uniqueness, what a photo must be) is checked by the services, whose field errors the views copy
back with `shops.forms.add_service_errors`. Numbers are parsed the way sellers type them ("15.000",
"Rp 15.000"), so the services get whole numbers and can judge the range. Also here: the list's search and
filters applied to a queryset (`ProductFilterForm.filter`), and how a stored description is shown for editing
(`description_as_text`).
"""

import html
import re

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .models import Category, Product, ProductVariant
from .selectors import category_tree, category_with_descendants

MAX_VARIANT_ROWS = 50
EXTRA_VARIANT_ROWS = 2
LOW_STOCK_THRESHOLD = 5

_GROUPED_NUMBER = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_whole_number(value: str) -> int | None:
    """ "15000", "15.000", "Rp 15.000", "rp15.000" → 15000; None when it is not a whole number.

    A dot groups thousands as Indonesians write them; a comma would be a decimal separator, which rupiah and
    stock never have, so it is refused rather than guessed."""
    text = re.sub(r"\s+", "", value or "")
    text = re.sub(r"^rp\.?", "", text, flags=re.IGNORECASE)
    if text.isdigit() and text.isascii():
        return int(text)
    if _GROUPED_NUMBER.match(text):
        return int(text.replace(".", ""))
    return None


class WholeNumberField(forms.Field):
    """A whole number typed on a phone: numeric keyboard, thousands dots allowed. The range is the service's."""

    default_error_messages = {"invalid": _("Enter a whole number, for example 15000.")}
    max_length = 20

    def __init__(self, **kwargs):
        attrs = {"inputmode": "numeric", "autocomplete": "off", "maxlength": str(self.max_length)}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = parse_whole_number(str(value)[: self.max_length + 1])
        if number is None or len(str(value)) > self.max_length:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class CategoryChoiceField(forms.ModelChoiceField):
    """The category tree as one select: children indented under their parent."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.all(), empty_label=_("— choose —"), **kwargs)

    def set_tree(self, categories) -> None:
        self.choices = [("", self.empty_label)] + [
            (category.pk, "\u2003" * (category.depth - 1) + category.name) for category in categories
        ]

    def label_from_instance(self, obj):
        return obj.name


def photo_widget(**attrs) -> forms.FileInput:
    """A file input that opens the phone's back camera, or the gallery when the seller prefers."""
    return forms.FileInput(attrs={"accept": "image/*", "capture": "environment", **attrs})


class ProductStartForm(forms.Form):
    """Screen 1 of adding a product: a photo, the title, the category and the first variant's price and stock."""

    image = forms.FileField(
        label=_("Product photo"),
        widget=photo_widget(),
        help_text=_("Take a photo with your phone's camera or choose one from the gallery."),
        error_messages={"required": _("Take or choose a photo of the product.")},
    )
    title = forms.CharField(
        label=_("Product name"),
        max_length=Product._meta.get_field("title").max_length,
        help_text=_("For example: Keripik Pisang Manis 250 g."),
    )
    category = CategoryChoiceField(label=_("Category"))
    price = WholeNumberField(label=_("Price (Rp)"), help_text=_("For example 15000."))
    stock = WholeNumberField(label=_("Stock"), help_text=_("How many you can sell now."))
    weight_grams = WholeNumberField(
        label=_("Weight (grams)"), help_text=_("With the packaging; it sets the shipping cost.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_tree(category_tree())


class ProductDetailsForm(forms.Form):
    """Screen 2 of adding a product: description and weight (variants are a formset beside it)."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What it is, what it is made of, size, how long it keeps. An empty line starts a paragraph."),
    )
    weight_grams = WholeNumberField(
        label=_("Weight (grams)"), help_text=_("With the packaging; it sets the shipping cost.")
    )


class ProductEditForm(ProductDetailsForm):
    title = forms.CharField(label=_("Product name"), max_length=Product._meta.get_field("title").max_length)
    category = CategoryChoiceField(label=_("Category"))

    field_order = ["title", "category", "description", "weight_grams"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_tree(category_tree())


class VariantForm(forms.Form):
    """One variant row: an existing variant (its `id`) or, when `id` is empty, a new one if anything is filled in."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Variant name"),
        required=False,
        max_length=80,
        help_text=_("Such as 250 g, Red or XL. Leave empty when there is only one variant."),
    )
    sku = forms.CharField(
        label=_("SKU (optional)"), required=False, max_length=64, help_text=_("Your own code; made for you if empty.")
    )
    price = WholeNumberField(label=_("Price (Rp)"), required=False)
    stock = WholeNumberField(label=_("Stock"), required=False)

    def is_blank_new_row(self) -> bool:
        data = self.cleaned_data
        return not data.get("id") and not any(
            data.get(key) not in (None, "") for key in ("name", "sku", "price", "stock")
        )

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank_new_row() or data.get("DELETE"):
            return data
        if data.get("price") is None:
            self.add_error("price", forms.ValidationError(_("Enter the price."), code="required"))
        if data.get("stock") is None:
            self.add_error("stock", forms.ValidationError(_("Enter the stock."), code="required"))
        return data


class BaseVariantFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this variant")


VariantFormSet = forms.formset_factory(
    VariantForm,
    formset=BaseVariantFormSet,
    extra=EXTRA_VARIANT_ROWS,
    can_delete=True,
    max_num=MAX_VARIANT_ROWS,
    absolute_max=MAX_VARIANT_ROWS,
    validate_max=True,
)


class VariantQuickEditForm(forms.Form):
    """Price and stock of one variant, from the product list."""

    price = WholeNumberField(label=_("Price (Rp)"))
    stock = WholeNumberField(label=_("Stock"))


class ProductPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Add a photo"),
        widget=photo_widget(),
        help_text=_("JPEG, PNG or WebP, up to 10 MB. Take it in daylight, on a plain background."),
        error_messages={"required": _("Take or choose a photo of the product.")},
    )


def _low_stock_label() -> str:
    return _("Low stock (%(max)d or fewer)") % {"max": LOW_STOCK_THRESHOLD}


STOCK_FILTERS = {"out": _("Out of stock"), "low": lazy(_low_stock_label, str)()}
STATUS_FILTERS = {
    Product.Status.DRAFT.value: Product.Status.DRAFT.label,
    Product.Status.ACTIVE.value: Product.Status.ACTIVE.label,
    Product.Status.ARCHIVED.value: Product.Status.ARCHIVED.label,
    "pending": Product.Moderation.PENDING.label,
    "rejected": Product.Moderation.REJECTED.label,
}


class ProductFilterForm(forms.Form):
    """The product list's search and filters (GET). Unknown values are ignored, never an error page."""

    q = forms.CharField(
        label=_("Search by name or SKU"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    stock = forms.ChoiceField(label=_("Stock"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["status"].choices = [everything, *STATUS_FILTERS.items()]
        self.fields["stock"].choices = [everything, *STOCK_FILTERS.items()]
        self.fields["category"].choices = [everything] + [
            (category.slug, "\u2003" * (category.depth - 1) + category.name) for category in categories
        ]

    def value(self, name: str) -> str:
        """The cleaned value, or "" when the form (or just that field) is invalid."""
        self.is_valid()
        return self.cleaned_data.get(name) or ""

    def filter(self, products: QuerySet[Product]) -> QuerySet[Product]:
        """`products` narrowed by the search and the filters. "Out of stock": an active variant at 0 (something to
        restock); "low stock": an active variant at 1 to `LOW_STOCK_THRESHOLD`."""
        query = self.value("q").strip()
        if query:
            sku_match = ProductVariant.objects.filter(product=OuterRef("pk"), sku__icontains=query)
            products = products.filter(Q(title__icontains=query) | Q(Exists(sku_match)))
        status = self.value("status")
        if status in Product.Status.values:
            products = products.filter(status=status)
        elif status in (Product.Moderation.PENDING, Product.Moderation.REJECTED):
            products = products.filter(moderation=status)
        category = self.value("category")
        if category:
            products = products.filter(category__in=category_with_descendants(slug=category))
        stock = self.value("stock")
        active_variants = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
        if stock == "out":
            products = products.filter(Exists(active_variants.filter(stock=0)))
        elif stock == "low":
            low = active_variants.filter(stock__gte=1, stock__lte=LOW_STOCK_THRESHOLD)
            products = products.filter(Exists(low))
        return products


_SIMPLE_MARKUP = re.compile(r"<(?!/?p>|br\s*/?>)")


def description_as_text(stored: str) -> str:
    """What the textarea shows for a stored description: plain text when the HTML is only paragraphs and line
    breaks (saving it again stores the same HTML), else the stored HTML as it is."""
    if not stored:
        return ""
    if _SIMPLE_MARKUP.search(stored):
        return stored
    text = re.sub(r"<br\s*/?>\n?", "\n", stored)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    text = re.sub(r"</?p>", "", text)
    return html.unescape(text).strip()
