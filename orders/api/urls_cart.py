"""/api/v1/ routes of the orders app: cart."""

from django.urls import path

from .cart import CartApi, CartLineApi, CartLineListApi

urlpatterns = [
    path("cart/", CartApi.as_view(), name="cart"),
    path("cart/lines/", CartLineListApi.as_view(), name="cart-lines"),
    path("cart/lines/<int:line_id>/", CartLineApi.as_view(), name="cart-line"),
]
