"""/api/v1/ routes of the orders app: seller_orders (names in the `api` namespace)."""

from django.urls import path

from . import seller_orders as views

urlpatterns = [
    path("seller/orders/", views.SellerOrderListApi.as_view(), name="seller-orders"),
    path("seller/orders/<str:number>/", views.SellerOrderDetailApi.as_view(), name="seller-order"),
    path("seller/orders/<str:number>/accept/", views.SellerOrderAcceptApi.as_view(), name="seller-order-accept"),
    path("seller/orders/<str:number>/ship/", views.SellerOrderShipApi.as_view(), name="seller-order-ship"),
    path("seller/orders/<str:number>/deliver/", views.SellerOrderDeliverApi.as_view(), name="seller-order-deliver"),
    path("seller/orders/<str:number>/cancel/", views.SellerOrderCancelApi.as_view(), name="seller-order-cancel"),
]
