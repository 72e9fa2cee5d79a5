"""Pages of the orders app: checkout."""

app_name = "orders_checkout"

urlpatterns = []
