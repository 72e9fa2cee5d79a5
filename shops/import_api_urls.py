"""`/api/v1/seller/imports/…`: bulk import jobs and their progress (names in the `api` namespace)."""

from django.urls import path

from .import_api import ImportCancelApi, ImportConfirmApi, ImportDetailApi, ImportListApi

urlpatterns = [
    path("", ImportListApi.as_view(), name="seller-imports"),
    path("<int:pk>/", ImportDetailApi.as_view(), name="seller-import"),
    path("<int:pk>/confirm/", ImportConfirmApi.as_view(), name="seller-import-confirm"),
    path("<int:pk>/cancel/", ImportCancelApi.as_view(), name="seller-import-cancel"),
]
