"""/api/v1/ routes of the orders app: addresses (names in the `api` namespace)."""

from django.urls import path

from . import addresses

urlpatterns = [
    path("addresses/", addresses.AddressListApi.as_view(), name="addresses"),
    path("addresses/<int:address_id>/", addresses.AddressDetailApi.as_view(), name="address"),
    path("addresses/<int:address_id>/default/", addresses.AddressDefaultApi.as_view(), name="address-default"),
]
