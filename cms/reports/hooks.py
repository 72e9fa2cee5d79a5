"""The operators' reports in the Wagtail admin (loaded by `cms.wagtail_hooks`): the URLs under `/cms/laporan/`, a
"Programme reports" menu (Wagtail has its own "Reports") with one item per report, and a dashboard panel with this
month's sales against last month's, the shops active now and the shops waiting for review. Shown to operators only
(`shops.selectors.user_is_operator`).
"""

from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from . import figures, views

report_urlpatterns = [
    path("", views.sales, name="index"),
    path("penjualan/", views.sales, name="sales"),
    path("penjualan.csv", views.sales_csv, name="sales-csv"),
    path("wilayah/", views.regions, name="regions"),
    path("kecamatan.csv", views.districts_csv, name="districts-csv"),
    path("kategori.csv", views.categories_csv, name="categories-csv"),
    path("pembayaran/", views.payments, name="payments"),
    path("pembayaran.csv", views.payments_csv, name="payments-csv"),
    path("pelatihan/", views.funnel, name="funnel"),
    path("pelatihan-corong.csv", views.funnel_csv, name="funnel-csv"),
    path("pelatihan-kohort.csv", views.cohorts_csv, name="cohorts-csv"),
]


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("laporan/", include((report_urlpatterns, "reports"), namespace=views.NAMESPACE))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return views.user_can_see_reports(request.user)


class ReportsSubmenuMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return views.user_can_see_reports(request.user)


reports_menu = Menu(
    items=[
        ReportMenuItem(
            _("Sales"), reverse_lazy(f"{views.NAMESPACE}:sales"), name="reports-sales", icon_name="table", order=100
        ),
        ReportMenuItem(
            _("Districts and categories"),
            reverse_lazy(f"{views.NAMESPACE}:regions"),
            name="reports-regions",
            icon_name="site",
            order=200,
        ),
        ReportMenuItem(
            _("Payment methods"),
            reverse_lazy(f"{views.NAMESPACE}:payments"),
            name="reports-payments",
            icon_name="doc-full",
            order=300,
        ),
        ReportMenuItem(
            _("Workshop funnel"),
            reverse_lazy(f"{views.NAMESPACE}:funnel"),
            name="reports-funnel",
            icon_name="date",
            order=400,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsSubmenuMenuItem(_("Programme reports"), reports_menu, name="reports", icon_name="table", order=270)


class ReportsDashboardPanel(Component):
    """This month's sales so far against last month's, the active shops and those waiting for review."""

    name = "programme_reports"
    template_name = "cms/reports/dashboard_panel.html"
    order = 80

    def get_context_data(self, parent_context=None):
        return {
            "figures": figures.dashboard_figures(),
            "sales_url": reverse(f"{views.NAMESPACE}:sales"),
            "regions_url": reverse(f"{views.NAMESPACE}:regions"),
            "funnel_url": reverse(f"{views.NAMESPACE}:funnel"),
        }


@hooks.register("construct_homepage_panels")
def add_reports_dashboard_panel(request, panels):
    if views.user_can_see_reports(request.user):
        panels.append(ReportsDashboardPanel())
