"""Operator pages in the Wagtail admin for the category tree (/cms/categories/).

Wagtail's generic model views (through `CategoryViewSet` in `shops.wagtail_hooks`) give the chrome, the
form with a slug synchronised from the name (`TitleFieldPanel` + `SlugInput`) and the delete confirmation;
every write goes through `shops.services.categories` instead of `form.save()`, so a category is only ever
created with treebeard's `add_root`/`add_child`, and the services' translated errors land on the form fields.

- Index: the whole tree in tree order (path), each row indented by its depth, with "Add subcategory".
- Add: a top-level category at `new/`, a child at `new/<parent pk>/`.
- Delete: refused with a clear message while the category or one below it has products.
- Commission: the category's rate in basis points (`Category.commission_basis_points`, 0..10000; empty = the
  parent's rate or the platform default), set in the same transaction as the service's write.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.widgets import ListingButton
from wagtail.admin.widgets.slug import SlugInput
from wagtail.log_actions import log

from ..models import Category
from ..selectors import user_is_operator
from ..services.categories import (
    MAX_COMMISSION_BASIS_POINTS,
    category_create,
    category_delete,
    category_product_count,
    category_set_commission,
    category_update,
)

URL_NAMESPACE = "categories"
FORM_FIELDS = ("name", "slug", "icon")


class CategoryForm(WagtailAdminModelForm):
    """Name, slug, icon and commission rate. Checks beyond the field formats (unique slug, unique name among
    siblings) are the services' job, so the form does not run the model's unique checks twice."""

    class Meta:
        model = Category
        fields = [*FORM_FIELDS, "commission_basis_points"]
        widgets = {"slug": SlugInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The address of the category page (/kategori/…/). Leave it empty to make it from the name."
        )
        if "commission_basis_points" in self.fields:
            field = self.fields["commission_basis_points"]
            field.required = False
            field.min_value, field.max_value = 0, MAX_COMMISSION_BASIS_POINTS
            field.validators = [MinValueValidator(0), MaxValueValidator(MAX_COMMISSION_BASIS_POINTS)]
            field.widget.attrs.update({"min": 0, "max": MAX_COMMISSION_BASIS_POINTS, "step": 1})
            field.help_text = _("in basis points: 500 = 5%")

    def validate_unique(self):
        pass


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class IndentedTitleColumn(TitleColumn):
    """The category name, indented by its depth in the tree."""

    cell_template_name = "shops/operator/category_title_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["indent"] = (instance.depth - 1) * 2
        return context


class CategoryIndexView(IndexView):
    """Every category in tree order on one page (a marketplace has dozens, not thousands)."""

    @cached_property
    def _is_operator(self) -> bool:
        return user_is_operator(self.request.user)

    def user_has_permission(self, permission):
        # Asked for every row's buttons: answer from one check per request (the policy: operators may do all).
        return self._is_operator

    def get_base_queryset(self):
        return Category.objects.annotate(product_count=Count("products")).order_by("path")

    def get_valid_orderings(self):
        return ["path"]

    @property
    def columns(self):
        return [
            self._get_title_column_class(IndentedTitleColumn)(
                "name",
                label=_("Name"),
                get_url=self.get_edit_url,
                get_title_id=lambda category: f"category_{category.pk}_title",
            ),
            Column(
                "icon",
                label=_("Icon"),
                accessor=lambda category: f"{category.icon_emoji} {category.get_icon_display()}",
            ),
            Column("slug", label=_("Slug")),
            Column("product_count", label=_("Products here")),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if self.user_has_permission("add"):
            buttons.insert(
                0,
                ListingButton(
                    _("Add subcategory"),
                    url=reverse(f"{URL_NAMESPACE}:add_child", args=[instance.pk]),
                    icon_name="plus",
                    attrs={"aria-label": _("Add a subcategory under “%(name)s”") % {"name": instance.name}},
                    priority=5,
                ),
            )
        return buttons


class CategoryCreateView(CreateView):
    """A top-level category, or with `parent_pk` a child of that category."""

    parent = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if "parent_pk" in kwargs:
            self.parent = get_object_or_404(Category, pk=kwargs["parent_pk"])

    def get_add_url(self):
        if self.parent is not None:
            return reverse(f"{URL_NAMESPACE}:add_child", args=[self.parent.pk])
        return super().get_add_url()

    def get_page_subtitle(self):
        if self.parent is not None:
            return _("Subcategory of “%(name)s”") % {"name": self.parent.name}
        return _("Top-level category")

    def save_instance(self):
        data = self.form.cleaned_data
        with transaction.atomic():
            category = category_create(
                operator=self.request.user,
                name=data["name"],
                slug=data["slug"],
                icon=data["icon"],
                parent=self.parent,
            )
            if "commission_basis_points" in data:
                category = category_set_commission(category=category, basis_points=data["commission_basis_points"])
        log(instance=category, action="wagtail.create", user=self.request.user)
        return category

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class CategoryEditView(EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        with transaction.atomic():
            category = category_update(
                category=self.object,
                operator=self.request.user,
                **{field: data[field] for field in FORM_FIELDS},
            )
            if "commission_basis_points" in data:
                category = category_set_commission(category=category, basis_points=data["commission_basis_points"])
        log(instance=category, action="wagtail.edit", user=self.request.user, content_changed=True)
        return category

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            # The form's instance holds the refused values: show the page with the category as stored.
            self.object.refresh_from_db()
            return self.form_invalid(form)


class CategoryDeleteView(DeleteView):
    """Deleting a category deletes the categories below it too; refused while any of them has products."""

    template_name = "shops/operator/category_confirm_delete.html"

    def get_usage_url(self):
        # Products are what blocks a delete, counted by the service; Wagtail's reference index is not used.
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product_count"] = category_product_count(category=self.object)
        context["descendants"] = self.object.get_descendants()
        return context

    def delete_action(self):
        category_delete(category=self.object, operator=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for message in error.message_dict.get(NON_FIELD_ERRORS, error.messages):
                messages.error(self.request, message)
            return redirect(self.get_delete_url())
