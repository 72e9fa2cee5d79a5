"""Seller dashboard: product pages under /penjual/produk/ (names in the `seller` namespace)."""

urlpatterns = []
