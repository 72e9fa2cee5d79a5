"""`/api/v1/seller/…`: the signed-in seller's own shop and products (names in the `api` namespace)."""

urlpatterns = []
