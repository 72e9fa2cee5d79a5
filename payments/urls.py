"""Pages of the payments app (under /pembayaran/)."""

app_name = "payments"

urlpatterns = []
