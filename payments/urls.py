"""Pages of the payments app (under /pembayaran/)."""

from django.urls import path

from . import views, views_stripe

app_name = "payments"

urlpatterns = [
    path("<str:number>/bukti/", views.payment_proof, name="proof"),
    path("<str:number>/bayar/", views_stripe.payment_pay, name="pay"),
    path("<str:number>/selesai/", views_stripe.payment_return, name="return"),
]
