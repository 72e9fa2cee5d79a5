"""/api/v1/ routes of the orders app: cart."""

urlpatterns = []
