"""Pages of the orders app: cart."""

app_name = "orders_cart"

urlpatterns = []
