"""`/api/v1/` routes of the payments app (names in the `api` namespace)."""

from django.urls import path

from . import api

urlpatterns = [
    path("operator/payments/", api.OperatorPaymentListApi.as_view(), name="operator-payments"),
    path(
        "operator/payments/<int:id>/confirm/", api.OperatorPaymentConfirmApi.as_view(), name="operator-payment-confirm"
    ),
    path("operator/payments/<int:id>/proof/", api.OperatorPaymentProofApi.as_view(), name="operator-payment-proof"),
    path("orders/<str:number>/payment-proof/", api.OrderPaymentProofApi.as_view(), name="order-payment-proof"),
]
