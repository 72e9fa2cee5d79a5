"""`/api/v1/operator/…`: operator actions on shops (names in the `api` namespace)."""

urlpatterns = []
