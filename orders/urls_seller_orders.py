"""Pages of the orders app: seller_orders."""

app_name = "orders_seller_orders"

urlpatterns = []
