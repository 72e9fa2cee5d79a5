"""/api/v1/ routes of the orders app: my_orders."""

urlpatterns = []
