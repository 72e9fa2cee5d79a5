"""/api/v1/ routes of the orders app: checkout."""

urlpatterns = []
