"""Pages of the orders app: addresses."""

app_name = "orders_addresses"

urlpatterns = []
