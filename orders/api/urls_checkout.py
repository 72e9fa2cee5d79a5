"""/api/v1/ routes of the orders app: checkout."""

from django.urls import path

from .checkout import CheckoutApi

urlpatterns = [path("checkout/", CheckoutApi.as_view(), name="checkout")]
