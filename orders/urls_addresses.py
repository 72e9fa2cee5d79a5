"""The signed-in shopper's address book at /akun/alamat/ (English under /en/akun/alamat/)."""

from django.urls import path

from .views import addresses

app_name = "orders_addresses"

urlpatterns = [
    path("", addresses.address_list, name="list"),
    path("tambah/", addresses.address_add, name="add"),
    path("<int:address_id>/ubah/", addresses.address_edit, name="edit"),
    path("<int:address_id>/hapus/", addresses.address_delete, name="delete"),
    path("<int:address_id>/utama/", addresses.address_set_default, name="set-default"),
]
