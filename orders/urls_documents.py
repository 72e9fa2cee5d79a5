"""The printable documents of a shop order: the invoice (faktur) and the packing slip (label)."""

from django.urls import path

from .views import documents

app_name = "orders_documents"

urlpatterns = [
    path("faktur/<str:shop_order_number>.pdf", documents.invoice, name="invoice"),
    path("label/<str:shop_order_number>.pdf", documents.packing_slip, name="packing_slip"),
]
