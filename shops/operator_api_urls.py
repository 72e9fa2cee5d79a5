"""`/api/v1/operator/…`: operator actions on shops (names in the `api` namespace)."""

from django.urls import path

from . import operator_api

urlpatterns = [
    path("shops/<slug:slug>/approve/", operator_api.OperatorShopApproveApi.as_view(), name="operator-shop-approve"),
    path("shops/<slug:slug>/reject/", operator_api.OperatorShopRejectApi.as_view(), name="operator-shop-reject"),
    path("shops/<slug:slug>/suspend/", operator_api.OperatorShopSuspendApi.as_view(), name="operator-shop-suspend"),
    path(
        "shops/<slug:slug>/reinstate/",
        operator_api.OperatorShopReinstateApi.as_view(),
        name="operator-shop-reinstate",
    ),
]
