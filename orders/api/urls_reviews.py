"""/api/v1/ routes of the orders app: reviews (names in the `api` namespace)."""

from django.urls import path

from . import reviews

urlpatterns = [
    path("orders/<str:number>/reviews/", reviews.OrderReviewCreateApi.as_view(), name="order-reviews"),
    path("products/<slug:slug>/reviews/", reviews.ProductReviewListApi.as_view(), name="product-reviews"),
]
