"""`/api/v1/` routes of the orders app, one module per concern."""

from django.urls import include, path

urlpatterns = [
    path("", include("orders.api.urls_cart")),
    path("", include("orders.api.urls_checkout")),
    path("", include("orders.api.urls_my_orders")),
    path("", include("orders.api.urls_seller_orders")),
    path("", include("orders.api.urls_shipping")),
    path("", include("orders.api.urls_addresses")),
    path("", include("orders.api.urls_reviews")),
    path("", include("orders.api.seller_statistics")),
]
