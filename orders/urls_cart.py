"""Pages of the orders app: cart."""

from django.urls import path

from orders.views import cart

app_name = "orders_cart"

urlpatterns = [
    path("", cart.cart_detail, name="detail"),
    path("tambah/", cart.cart_add, name="add"),
    path("baris/<int:line_id>/", cart.cart_line_update, name="update"),
    path("baris/<int:line_id>/hapus/", cart.cart_line_remove, name="remove"),
]
