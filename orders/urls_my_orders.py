"""The shopper's order pages at /pesanan/ (see orders.views.my_orders)."""

from django.urls import path

from .views import my_orders

app_name = "orders_my_orders"

urlpatterns = [
    path("", my_orders.order_list, name="list"),
    path("<str:number>/", my_orders.order_detail, name="detail"),
    path("<str:number>/<str:shop_order_number>/batalkan/", my_orders.order_cancel, name="cancel"),
    path("<str:number>/<str:shop_order_number>/diterima/", my_orders.order_confirm_received, name="confirm-received"),
    path("<str:number>/<str:shop_order_number>/masalah/", my_orders.order_report_problem, name="report-problem"),
]
