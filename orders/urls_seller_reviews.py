"""The seller's reviews at /penjual/ulasan/ (English under /en/penjual/ulasan/)."""

from django.urls import path

from .views import reviews

app_name = "orders_seller_reviews"

urlpatterns = [
    path("", reviews.seller_reviews, name="list"),
    path("<int:review_id>/balas/", reviews.seller_reply, name="reply"),
]
