"""The shops app's part of `/api/v1/`. Mounted by `marketplace/api_urls.py` with
`path("", include("shops.api_urls"))`, so the paths here carry their own prefix."""

from django.urls import include, path

from .api import DistrictListApi, ProvinceListApi, RegencyListApi, VillageListApi
from .catalogue_api import CategoryListApi, ProductDetailApi, ProductListApi, ShopDetailApi, ShopListApi

urlpatterns = [
    path("seller/imports/", include("shops.import_api_urls")),
    path("seller/", include("shops.seller_api_urls")),
    path("operator/", include("shops.operator_api_urls")),
    path("regions/provinces/", ProvinceListApi.as_view(), name="region-provinces"),
    path("regions/provinces/<str:code>/regencies/", RegencyListApi.as_view(), name="region-regencies"),
    path("regions/regencies/<str:code>/districts/", DistrictListApi.as_view(), name="region-districts"),
    path("regions/districts/<str:code>/villages/", VillageListApi.as_view(), name="region-villages"),
    path("categories/", CategoryListApi.as_view(), name="catalogue-categories"),
    path("products/", ProductListApi.as_view(), name="catalogue-products"),
    path("products/<slug:slug>/", ProductDetailApi.as_view(), name="catalogue-product"),
    path("shops/", ShopListApi.as_view(), name="catalogue-shops"),
    path("shops/<slug:slug>/", ShopDetailApi.as_view(), name="catalogue-shop"),
]
