"""`/kategori/<slug>/`, `/produk/<slug>/`, `/toko/<slug>/`, `/cari/` (English under `/en/`), namespace `storefront`."""

from django.urls import path

from . import views

app_name = "storefront"

urlpatterns = [
    path("kategori/<slug:slug>/", views.category_detail, name="category"),
    path("produk/<slug:slug>/", views.product_detail, name="product"),
    path("toko/<slug:slug>/", views.shop_detail, name="shop"),
    path("cari/", views.search_results, name="search"),
    path("cari/saran/", views.search_suggestions, name="search-suggest"),
]
