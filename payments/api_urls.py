"""`/api/v1/` routes of the payments app (names in the `api` namespace)."""

from django.urls import path

from . import api, api_seller

urlpatterns = [
    path("operator/payments/", api.OperatorPaymentListApi.as_view(), name="operator-payments"),
    path(
        "operator/payments/<int:id>/confirm/", api.OperatorPaymentConfirmApi.as_view(), name="operator-payment-confirm"
    ),
    path("operator/payments/<int:id>/proof/", api.OperatorPaymentProofApi.as_view(), name="operator-payment-proof"),
    path("orders/<str:number>/payment-proof/", api.OrderPaymentProofApi.as_view(), name="order-payment-proof"),
    path("seller/ledger/", api_seller.SellerLedgerApi.as_view(), name="seller-ledger"),
    path("seller/ledger/statement/", api_seller.SellerStatementApi.as_view(), name="seller-ledger-statement"),
    path(
        "seller/orders/<str:number>/refunds/", api_seller.SellerRefundCreateApi.as_view(), name="seller-order-refunds"
    ),
    path("seller/payout-account/", api_seller.SellerPayoutAccountApi.as_view(), name="seller-payout-account"),
]
