"""The seller's order pages at /penjual/pesanan/ (see orders.views.seller_orders)."""

from django.urls import path

from .views import seller_orders

app_name = "orders_seller_orders"

urlpatterns = [
    path("", seller_orders.order_list, name="list"),
    path("<str:number>/", seller_orders.order_detail, name="detail"),
    path("<str:number>/terima/", seller_orders.order_accept, name="accept"),
    path("<str:number>/kirim/", seller_orders.order_ship, name="ship"),
    path("<str:number>/sampai/", seller_orders.order_deliver, name="deliver"),
    path("<str:number>/batalkan/", seller_orders.order_cancel, name="cancel"),
    path("<str:number>/pengembalian/", seller_orders.order_refund, name="refund"),
]
