"""The seller pages at /penjual/ (English under /en/penjual/)."""

from django.urls import path

from . import urls_imports, urls_products, urls_team
from .views import seller

app_name = "seller"

urlpatterns = [
    path("", seller.seller_home, name="home"),
    path("buka/", seller.seller_start, name="start"),
    path("status/", seller.seller_status, name="status"),
    path("langkah/<int:step>/", seller.seller_step, name="step"),
    path("tinjau/", seller.seller_review, name="review"),
]

# Each part of the dashboard keeps its routes in its own module, in this namespace.
urlpatterns += urls_products.urlpatterns + urls_team.urlpatterns + urls_imports.urlpatterns
