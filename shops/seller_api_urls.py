"""`/api/v1/seller/…`: the signed-in seller's own shop and products (names in the `api` namespace).

`seller/imports/` is mounted separately (`shops.import_api_urls`)."""

from django.urls import path

from . import seller_api

urlpatterns = [
    path("shop/", seller_api.SellerShopApi.as_view(), name="seller-shop"),
    path("shop/submit/", seller_api.SellerShopSubmitApi.as_view(), name="seller-shop-submit"),
    path("products/", seller_api.SellerProductListApi.as_view(), name="seller-products"),
    path("products/<int:product_id>/", seller_api.SellerProductDetailApi.as_view(), name="seller-product"),
    path(
        "products/<int:product_id>/publish/",
        seller_api.SellerProductPublishApi.as_view(),
        name="seller-product-publish",
    ),
    path(
        "products/<int:product_id>/variants/",
        seller_api.SellerVariantListApi.as_view(),
        name="seller-product-variants",
    ),
    path(
        "products/<int:product_id>/variants/<int:variant_id>/",
        seller_api.SellerVariantDetailApi.as_view(),
        name="seller-product-variant",
    ),
    path(
        "products/<int:product_id>/images/",
        seller_api.SellerImageListApi.as_view(),
        name="seller-product-images",
    ),
    path(
        "products/<int:product_id>/images/order/",
        seller_api.SellerImageOrderApi.as_view(),
        name="seller-product-images-order",
    ),
    path(
        "products/<int:product_id>/images/<int:image_id>/",
        seller_api.SellerImageDetailApi.as_view(),
        name="seller-product-image",
    ),
    path(
        "products/<int:product_id>/images/<int:image_id>/main/",
        seller_api.SellerImageMainApi.as_view(),
        name="seller-product-image-main",
    ),
]
