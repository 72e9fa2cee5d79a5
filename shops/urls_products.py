"""Seller dashboard: product pages under /penjual/produk/ (names in the `seller` namespace)."""

from django.urls import path

from .views import products

urlpatterns = [
    path("produk/", products.product_list, name="product-list"),
    path("produk/tambah/", products.product_add, name="product-add"),
    path("produk/<int:pk>/tambah/detail/", products.product_add_details, name="product-add-details"),
    path("produk/<int:pk>/tambah/periksa/", products.product_add_review, name="product-add-review"),
    path("produk/<int:pk>/ubah/", products.product_edit, name="product-edit"),
    path("produk/<int:pk>/terbitkan/", products.product_publish_view, name="product-publish"),
    path("produk/<int:pk>/arsipkan/", products.product_archive_view, name="product-archive"),
    path("produk/<int:pk>/varian/<int:variant_pk>/cepat/", products.variant_quick_edit, name="variant-quick-edit"),
    path("produk/<int:pk>/foto/", products.product_photos, name="product-photos"),
    path(
        "produk/<int:pk>/foto/<int:image_pk>/naik/",
        products.product_photo_action,
        {"action": "up"},
        name="product-photo-up",
    ),
    path(
        "produk/<int:pk>/foto/<int:image_pk>/turun/",
        products.product_photo_action,
        {"action": "down"},
        name="product-photo-down",
    ),
    path(
        "produk/<int:pk>/foto/<int:image_pk>/utama/",
        products.product_photo_action,
        {"action": "main"},
        name="product-photo-main",
    ),
    path(
        "produk/<int:pk>/foto/<int:image_pk>/hapus/",
        products.product_photo_action,
        {"action": "remove"},
        name="product-photo-remove",
    ),
    path(
        "produk/<int:pk>/foto/<int:image_pk>/keterangan/",
        products.product_photo_describe,
        name="product-photo-describe",
    ),
]
