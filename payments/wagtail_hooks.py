"""Bank transfers in the Wagtail admin: the "Bank transfers" menu item and its pages (`payments.views_operator`),
for users with `payments.confirm_bank_transfer` only (the Operator group gets it in migration 0002)."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views_operator

operator_urlpatterns = [
    path("", views_operator.pending_list, name="index"),
    path("<int:payment_id>/", views_operator.payment_detail, name="detail"),
    path("<int:payment_id>/proof/", views_operator.payment_proof, name="proof"),
]


@hooks.register("register_admin_urls")
def register_bank_transfer_urls():
    return [
        path("transfer-bank/", include((operator_urlpatterns, "payments"), namespace=views_operator.URL_NAMESPACE)),
    ]


class BankTransferMenuItem(MenuItem):
    def is_shown(self, request):
        return views_operator.user_can_confirm_transfers(request.user)


@hooks.register("register_admin_menu_item")
def register_bank_transfer_menu_item():
    return BankTransferMenuItem(
        _("Bank transfers"),
        reverse_lazy(f"{views_operator.URL_NAMESPACE}:index"),
        name="bank-transfers",
        icon_name="doc-full",
        order=280,
    )
