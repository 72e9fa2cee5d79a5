"""Row locks of the payments app, in primary-key order."""

from django.db.models import QuerySet

from .models import Payment


def payment_qs_select_for_update() -> QuerySet[Payment]:
    """Payments locked `FOR UPDATE` until the surrounding transaction ends; use inside `transaction.atomic`."""
    return Payment.objects.select_for_update().order_by("pk")
