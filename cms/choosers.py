"""Chooser modals for the home page's blocks: editors pick public products, public shops and categories.

Each chooser lists only what the storefront may show (`shops.selectors`), with a search box on the name, and
its `get_block_class()` gives the StreamField block the home page uses. A product or shop chosen today may stop
being public tomorrow; the blocks check again when the page is shown (`cms.blocks`), so nothing leaks.
The chooser widgets are not registered as form-field overrides (`register_widget = False`): other admin forms
with a foreign key to these models keep their own widgets.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from shops import selectors


class NameSearchForm(BaseFilterForm):
    """A search box filtering the list on its `search_fields` (case-insensitive "contains")."""

    q = forms.CharField(
        label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search")})
    )
    search_fields: tuple[str, ...] = ()

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class ProductSearchForm(NameSearchForm):
    search_fields = ("title", "shop__name")


class ShopSearchForm(NameSearchForm):
    search_fields = ("name",)


class CategorySearchForm(NameSearchForm):
    search_fields = ("name",)


def _views(filter_form, object_list, extra_columns=()):
    """Choose, results and chosen views listing `object_list()` only, searchable with `filter_form`."""

    class ListMixin:
        filter_form_class = filter_form

        def get_object_list(self):
            return object_list()

        @property
        def columns(self):
            return [self.title_column, *extra_columns]

    class Choose(ListMixin, ChooseView):
        pass

    class Results(ListMixin, ChooseResultsView):
        pass

    class Chosen(ChosenView):
        def get_object(self, pk):
            return object_list().get(pk=pk)

    return Choose, Results, Chosen


_product_views = _views(
    ProductSearchForm,
    selectors.product_list_public,
    [Column("shop", label=_("Shop"), accessor=lambda product: product.shop.name)],
)
_shop_views = _views(
    ShopSearchForm,
    selectors.shop_list_public,
    [Column("district", label=_("District"), accessor=lambda shop: shop.district.name if shop.district else "")],
)
_category_views = _views(CategorySearchForm, selectors.category_tree)


class ProductChooserViewSet(ChooserViewSet):
    model = "shops.Product"
    icon = "tag"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    register_widget = False
    per_page = 20
    choose_view_class, choose_results_view_class, chosen_view_class = _product_views


class ShopChooserViewSet(ChooserViewSet):
    model = "shops.Shop"
    icon = "home"
    choose_one_text = _("Choose a shop")
    choose_another_text = _("Choose another shop")
    register_widget = False
    per_page = 20
    choose_view_class, choose_results_view_class, chosen_view_class = _shop_views


class CategoryChooserViewSet(ChooserViewSet):
    model = "shops.Category"
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a category")
    choose_another_text = _("Choose another category")
    register_widget = False
    per_page = 30
    choose_view_class, choose_results_view_class, chosen_view_class = _category_views


product_chooser_viewset = ProductChooserViewSet("cms_product_chooser", url_prefix="storefront/choose-product")
shop_chooser_viewset = ShopChooserViewSet("cms_shop_chooser", url_prefix="storefront/choose-shop")
category_chooser_viewset = CategoryChooserViewSet("cms_category_chooser", url_prefix="storefront/choose-category")

ProductChooserBlock = product_chooser_viewset.get_block_class(name="ProductChooserBlock", module_path="cms.choosers")
ShopChooserBlock = shop_chooser_viewset.get_block_class(name="ShopChooserBlock", module_path="cms.choosers")
CategoryChooserBlock = category_chooser_viewset.get_block_class(name="CategoryChooserBlock", module_path="cms.choosers")
