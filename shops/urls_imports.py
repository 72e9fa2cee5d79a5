"""Seller dashboard: bulk import pages under /penjual/impor/ (names in the `seller` namespace)."""

urlpatterns = []
