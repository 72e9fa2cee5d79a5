"""/api/v1/ routes of the orders app: shipping (names in the `api` namespace)."""

from django.urls import path

from . import shipping

urlpatterns = [
    path("seller/shipping-options/", shipping.SellerShippingOptionListApi.as_view(), name="seller-shipping-options"),
    path(
        "seller/shipping-options/cash-on-delivery/",
        shipping.SellerCashOnDeliveryApi.as_view(),
        name="seller-cash-on-delivery",
    ),
    path(
        "seller/shipping-options/<int:option_id>/",
        shipping.SellerShippingOptionDetailApi.as_view(),
        name="seller-shipping-option",
    ),
]
