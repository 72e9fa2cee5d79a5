"""The seller's shipping pages at /penjual/pengiriman/ (English under /en/penjual/pengiriman/)."""

from django.urls import path

from .views import shipping

app_name = "orders_shipping"

urlpatterns = [
    path("", shipping.option_list, name="list"),
    path("tambah/", shipping.option_add, name="add"),
    path("<int:option_id>/ubah/", shipping.option_edit, name="edit"),
    path("<int:option_id>/hapus/", shipping.option_delete, name="delete"),
    path("cod/", shipping.cash_on_delivery, name="cash-on-delivery"),
]
