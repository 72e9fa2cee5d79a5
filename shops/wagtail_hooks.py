"""The operators' tools in the Wagtail admin, for operators only (`user_is_operator`):

- `/cms/shops/`: the shop list, filters by status and district, each row opening the review page
  (`shops.views.operator`). Nothing is added, edited or deleted here: a shop changes only through
  `shops.services`, so the admin's own add/edit/delete views are refused by the permission policy.
- `/cms/products/`: product moderation, the same way: a view-only list (waiting products first, the
  longest-waiting first), each row opening the moderation page (`shops.views.operator_products`).
- `/cms/categories/`: the category tree, added to, edited and deleted through `shops.services.categories`
  (`shops.views.operator_categories`).
"""

import django_filters
from django.contrib.auth.models import Permission
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList, TitleFieldPanel
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP

from .models import Category, District, Product, Shop
from .selectors import SHOP_ADDRESS_RELATIONS, user_is_operator
from .services.moderation import APPROVE_LOG_ACTION, REJECT_LOG_ACTION
from .views import operator_categories, operator_products
from .views.operator import URL_NAMESPACE, shop_review


class OperatorViewOnlyPermissionPolicy(BasePermissionPolicy):
    """Operators may view the list (shops, products); no one adds, edits or deletes through the generic views:
    these models change only through their services, from the review and moderation pages."""

    def user_has_permission(self, user, action):
        return action == "view" and user_is_operator(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and user_is_operator(user)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return _operators()


def _operators():
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=OPERATOR_GROUP), is_active=True).distinct()


class CategoryPermissionPolicy(BasePermissionPolicy):
    """Operators manage the category tree (add, change, delete, view); no one else, whatever their Django
    permissions. The views still write only through `shops.services.categories`."""

    def user_has_permission(self, user, action):
        return user_is_operator(user)

    def user_has_any_permission(self, user, actions):
        return bool(actions) and user_is_operator(user)

    def users_with_any_permission(self, actions):
        return _operators() if actions else User.objects.none()


register_permission_policy(Shop, OperatorViewOnlyPermissionPolicy(Shop), exact_class=True)
register_permission_policy(Product, OperatorViewOnlyPermissionPolicy(Product), exact_class=True)
register_permission_policy(Category, CategoryPermissionPolicy(Category), exact_class=True)


class ShopFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Shop.Status.choices)
    # Only districts that have shops, so the list stays short (Indonesia has about 7,000 districts).
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=lambda request: District.objects.filter(shops__isnull=False).distinct()
    )

    class Meta:
        model = Shop
        fields = ["status", "district"]


class ShopIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*SHOP_ADDRESS_RELATIONS)

    def get_edit_url(self, instance):
        # Each row opens the review page instead of a model form.
        return reverse(f"{URL_NAMESPACE}:review", args=[instance.pk])


class ShopReviewViewSet(ModelViewSet):
    model = Shop
    name = URL_NAMESPACE
    url_prefix = "shops"
    icon = "site"
    add_to_admin_menu = True
    menu_label = _("Shops")
    menu_order = 250
    index_view_class = ShopIndexView
    filterset_class = ShopFilterSet
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("district", label=_("District")),
        DateColumn("submitted_at", label=_("Submitted at")),
        DateColumn("reviewed_at", label=_("Reviewed at")),
    ]
    ordering = "name"
    form_fields = ["name"]  # never saved through the admin: the edit view is refused by the policy

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("<int:pk>/review/", shop_review, name="review")]


@hooks.register("register_admin_viewset")
def register_shop_review_viewset():
    return ShopReviewViewSet()


# --- Products: moderation -----------------------------------------------------------------------------


class ProductFilterSet(WagtailFilterSet):
    moderation = django_filters.ChoiceFilter(label=_("Moderation"), choices=Product.Moderation.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Product.Status.choices)
    # Only shops that have products, so the list stays short.
    shop = django_filters.ModelChoiceFilter(
        label=_("Shop"),
        queryset=lambda request: Shop.objects.filter(products__isnull=False).distinct().order_by("name"),
    )
    # A category with everything below it, as the storefront filters.
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=lambda request: Category.objects.order_by("path"), method="filter_category"
    )

    class Meta:
        model = Product
        fields = ["moderation", "status", "shop", "category"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__path__startswith=value.path)


class ProductIndexView(IndexView):
    def get_base_queryset(self):
        # Waiting products first; then the default ordering puts the longest-waiting first.
        waiting_first = Case(
            When(moderation=Product.Moderation.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return super().get_base_queryset().select_related("shop", "category").annotate(moderation_rank=waiting_first)

    def get_edit_url(self, instance):
        # Each row opens the moderation page instead of a model form.
        return reverse(f"{operator_products.URL_NAMESPACE}:moderate", args=[instance.pk])


class ProductModerationViewSet(ModelViewSet):
    model = Product
    name = operator_products.URL_NAMESPACE
    url_prefix = "products"
    icon = "tag"
    add_to_admin_menu = True
    menu_label = _("Products")
    menu_order = 260
    index_view_class = ProductIndexView
    filterset_class = ProductFilterSet
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False  # no reference-index writes on every product save
    list_display = [
        "title",
        Column("shop", label=_("Shop")),
        Column("category", label=_("Category")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("moderation", label=_("Moderation"), accessor="get_moderation_display"),
        DateColumn("created_at", label=_("Created at")),
    ]
    ordering = ("moderation_rank", "created_at", "pk")
    form_fields = ["title"]  # never saved through the admin: the edit view is refused by the policy

    def get_permissions_to_register(self):
        # The policy asks only "is an operator": Django's product permissions would mean nothing in the group editor.
        return Permission.objects.none()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/moderate/", operator_products.product_moderation, name="moderate"),
        ]


@hooks.register("register_admin_viewset")
def register_product_moderation_viewset():
    return ProductModerationViewSet()


@hooks.register("register_log_actions")
def register_product_moderation_log_actions(actions):
    actions.register_action(APPROVE_LOG_ACTION, _("Approve product"), _("Product approved"))
    actions.register_action(REJECT_LOG_ACTION, _("Reject product"), _("Product rejected"))


# --- Categories -----------------------------------------------------------------------------------------


class CategoryViewSet(ModelViewSet):
    model = Category
    name = operator_categories.URL_NAMESPACE
    url_prefix = "categories"
    icon = "list-ul"
    add_to_admin_menu = True
    menu_label = _("Categories")
    menu_order = 270
    index_view_class = operator_categories.CategoryIndexView
    add_view_class = operator_categories.CategoryCreateView
    edit_view_class = operator_categories.CategoryEditView
    delete_view_class = operator_categories.CategoryDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False
    ordering = "path"
    list_per_page = 500
    edit_handler = ObjectList(
        [
            TitleFieldPanel("name", targets=["slug"], placeholder=False),
            FieldPanel("slug"),
            FieldPanel("icon"),
            FieldPanel("commission_basis_points"),
        ],
        base_form_class=operator_categories.CategoryForm,
    )

    def get_permissions_to_register(self):
        # The policy asks only "is an operator" (see CategoryPermissionPolicy).
        return Permission.objects.none()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("new/<int:parent_pk>/", self.add_view, name="add_child"),
        ]


@hooks.register("register_admin_viewset")
def register_category_viewset():
    return CategoryViewSet()
