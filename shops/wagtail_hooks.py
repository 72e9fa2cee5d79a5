"""The operators' shop list in the Wagtail admin (/cms/shops/): filters by status and district, each row
opening the review page (`shops.views.operator`). Nothing is added, edited or deleted here: a shop changes
only through `shops.services`, so the admin's own add/edit/delete views are refused by the permission policy."""

import django_filters
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP

from .models import District, Shop
from .selectors import SHOP_ADDRESS_RELATIONS, user_is_operator
from .views.operator import URL_NAMESPACE, shop_review


class ShopReviewPermissionPolicy(BasePermissionPolicy):
    """Operators may view the shop list; no one adds, edits or deletes shops through the generic views."""

    def user_has_permission(self, user, action):
        return action == "view" and user_is_operator(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and user_is_operator(user)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return User.objects.none()
        return User.objects.filter(Q(is_superuser=True) | Q(groups__name=OPERATOR_GROUP), is_active=True).distinct()


register_permission_policy(Shop, ShopReviewPermissionPolicy(Shop), exact_class=True)


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
