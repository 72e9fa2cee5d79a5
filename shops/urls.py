"""The seller pages at /penjual/ (English under /en/penjual/)."""

from django.urls import path

from .views import seller

app_name = "seller"

urlpatterns = [
    path("", seller.seller_home, name="home"),
    path("buka/", seller.seller_start, name="start"),
    path("status/", seller.seller_status, name="status"),
    path("langkah/<int:step>/", seller.seller_step, name="step"),
    path("tinjau/", seller.seller_review, name="review"),
]
