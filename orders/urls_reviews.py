"""The shopper's review page at /pesanan/<number>/ulasan/ (English under /en/pesanan/<number>/ulasan/).

Included before `orders.urls_my_orders` (same `pesanan/` prefix), so this one path is matched here first."""

from django.urls import path

from .views import reviews

app_name = "orders_reviews"

urlpatterns = [
    path("<str:number>/ulasan/", reviews.order_reviews, name="order"),
]
