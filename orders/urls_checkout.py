"""`/checkout/`: placing the cart as an order."""

from django.urls import path

from .views import checkout

app_name = "orders_checkout"

urlpatterns = [path("", checkout.checkout, name="checkout")]
