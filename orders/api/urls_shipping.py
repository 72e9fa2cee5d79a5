"""/api/v1/ routes of the orders app: shipping."""

urlpatterns = []
