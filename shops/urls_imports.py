"""Seller dashboard: bulk import pages under /penjual/impor/ (names in the `seller` namespace)."""

from django.urls import path

from .views import imports

urlpatterns = [
    path("impor/", imports.import_list, name="imports"),
    path("impor/templat/<str:file_format>/", imports.import_template, name="import-template"),
    path("impor/<int:pk>/", imports.import_detail, name="import-detail"),
    path("impor/<int:pk>/progres/", imports.import_progress, name="import-progress"),
    path("impor/<int:pk>/konfirmasi/", imports.import_confirm, name="import-confirm"),
    path("impor/<int:pk>/batal/", imports.import_cancel, name="import-cancel"),
]
