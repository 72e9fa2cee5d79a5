"""/api/v1/ routes of the orders app: seller_orders."""

urlpatterns = []
