"""Pages of the orders app: shipping."""

app_name = "orders_shipping"

urlpatterns = []
