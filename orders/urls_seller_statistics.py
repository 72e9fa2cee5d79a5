"""The seller's statistics at /penjual/statistik/ (English under /en/penjual/statistik/)."""

from django.urls import path

from .views import seller_statistics

app_name = "orders_seller_statistics"

urlpatterns = [
    path("", seller_statistics.statistics, name="page"),
    path("csv/", seller_statistics.statistics_csv, name="csv"),
]
