"""Pages of the orders app: my_orders."""

app_name = "orders_my_orders"

urlpatterns = []
