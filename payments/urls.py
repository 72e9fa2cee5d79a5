"""Pages of the payments app (under /pembayaran/)."""

from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("<str:number>/bukti/", views.payment_proof, name="proof"),
]
