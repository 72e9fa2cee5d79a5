"""The payments screens in the Wagtail admin, under one "Payments" menu:

- "Bank transfers" (`/cms/transfer-bank/`, `payments.views_operator`) for users with
  `payments.confirm_bank_transfer` (the Operator group gets it in migration 0002);
- "Overview" (`/cms/pembayaran/`), "Refund an order" (`/cms/pembayaran/refund/`), "Payouts" (`/cms/pencairan/`)
  and "Reconciliation" (`/cms/rekonsiliasi/`), `payments.views_operator_money`, for users with
  `payments.manage_payouts` (migration 0004).

Each item is shown only to users who may open it; the menu shows when any of them is. The dashboard gets a
panel with the counts that wait for an operator.
"""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from . import views_operator
from . import views_operator_money as money
from .selectors_operator import dashboard_counts

operator_urlpatterns = [
    path("", views_operator.pending_list, name="index"),
    path("<int:payment_id>/", views_operator.payment_detail, name="detail"),
    path("<int:payment_id>/proof/", views_operator.payment_proof, name="proof"),
]

overview_urlpatterns = [
    path("", money.overview, name="index"),
    path("refund/", money.refund_shop_order, name="refund"),
    path("refunds/<int:refund_id>/paid-back/", money.refund_paid_back, name="paid_back"),
    path("flagged/<int:payment_id>/resolve/", money.flag_resolve, name="flag_resolve"),
]

payout_urlpatterns = [
    path("", money.payouts_index, name="index"),
    path("batch/new/", money.payout_batch_new, name="create"),
    path("batch/<int:batch_id>/", money.payout_batch_detail, name="batch"),
    path("batch/<int:batch_id>/csv/", money.payout_batch_csv, name="csv"),
    path("payout/<int:payout_id>/paid/", money.payout_paid, name="paid"),
    path("payout/<int:payout_id>/failed/", money.payout_failed, name="failed"),
]

reconciliation_urlpatterns = [
    path("", money.reconciliation, name="index"),
    path("csv/", money.reconciliation_csv, name="csv"),
]


@hooks.register("register_admin_urls")
def register_bank_transfer_urls():
    return [
        path("transfer-bank/", include((operator_urlpatterns, "payments"), namespace=views_operator.URL_NAMESPACE)),
    ]


@hooks.register("register_admin_urls")
def register_money_urls():
    return [
        path("pembayaran/", include((overview_urlpatterns, "payments"), namespace=money.OVERVIEW_NAMESPACE)),
        path("pencairan/", include((payout_urlpatterns, "payments"), namespace=money.PAYOUTS_NAMESPACE)),
        path(
            "rekonsiliasi/",
            include((reconciliation_urlpatterns, "payments"), namespace=money.RECONCILIATION_NAMESPACE),
        ),
    ]


class BankTransferMenuItem(MenuItem):
    def is_shown(self, request):
        return views_operator.user_can_confirm_transfers(request.user)


class MoneyMenuItem(MenuItem):
    def is_shown(self, request):
        return money.user_can_manage_payouts(request.user)


payments_menu = Menu(
    items=[
        MoneyMenuItem(
            _("Overview"),
            reverse_lazy(f"{money.OVERVIEW_NAMESPACE}:index"),
            name="payments-overview",
            icon_name="doc-full",
            order=100,
        ),
        BankTransferMenuItem(
            _("Bank transfers"),
            reverse_lazy(f"{views_operator.URL_NAMESPACE}:index"),
            name="bank-transfers",
            icon_name="doc-full",
            order=200,
        ),
        MoneyMenuItem(
            _("Refund an order"),
            reverse_lazy(f"{money.OVERVIEW_NAMESPACE}:refund"),
            name="payments-refund",
            icon_name="rotate",
            order=300,
        ),
        MoneyMenuItem(
            _("Payouts"),
            reverse_lazy(f"{money.PAYOUTS_NAMESPACE}:index"),
            name="payouts",
            icon_name="download",
            order=400,
        ),
        MoneyMenuItem(
            _("Reconciliation"),
            reverse_lazy(f"{money.RECONCILIATION_NAMESPACE}:index"),
            name="reconciliation",
            icon_name="tasks",
            order=500,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_payments_menu_item():
    return SubmenuMenuItem(_("Payments"), payments_menu, name="payments", icon_name="doc-full", order=280)


class PaymentsDashboardPanel(Component):
    """The counts waiting for an operator, each linking to its screen."""

    name = "payments_waiting"
    template_name = "payments/operator/dashboard_panel.html"
    order = 90

    def get_context_data(self, parent_context=None):
        return {
            "counts": dashboard_counts(),
            "overview_url": reverse(f"{money.OVERVIEW_NAMESPACE}:index"),
            "transfers_url": reverse(f"{views_operator.URL_NAMESPACE}:index"),
        }


@hooks.register("construct_homepage_panels")
def add_payments_dashboard_panel(request, panels):
    if money.user_can_manage_payouts(request.user):
        panels.append(PaymentsDashboardPanel())
