"""`/api/v1/seller/imports/…`: bulk import jobs and their progress (names in the `api` namespace)."""

urlpatterns = []
