"""Seller dashboard: team (staff invitations) and vacation pages (names in the `seller` namespace)."""

urlpatterns = []
