"""/api/v1/ routes of the orders app: my_orders (names in the `api` namespace)."""

from django.urls import path

from . import my_orders

urlpatterns = [
    path("orders/", my_orders.OrderListApi.as_view(), name="my-orders"),
    path("orders/<str:number>/", my_orders.OrderDetailApi.as_view(), name="my-order"),
    path("orders/<str:number>/cancel/", my_orders.OrderCancelApi.as_view(), name="my-order-cancel"),
    path(
        "orders/<str:number>/confirm-received/",
        my_orders.OrderConfirmReceivedApi.as_view(),
        name="my-order-confirm-received",
    ),
    path(
        "orders/<str:number>/report-problem/",
        my_orders.OrderReportProblemApi.as_view(),
        name="my-order-report-problem",
    ),
]
