"""The seller's money pages at /penjual/saldo/ (see payments.views_seller)."""

from django.urls import path, re_path

from . import views_seller

app_name = "payments_seller"

urlpatterns = [
    path("", views_seller.balance, name="balance"),
    re_path(r"^laporan/(?P<month>\d{4}-\d{2})\.csv$", views_seller.statement_csv, name="statement"),
    path("rekening/", views_seller.bank_account_update, name="bank-account"),
    path("stripe/", views_seller.stripe_connect, name="stripe-connect"),
]
