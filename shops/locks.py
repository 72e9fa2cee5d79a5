"""Row locks of the shops app, always taken in primary-key order (STYLE: lock briefly and in a fixed order)."""

from django.db.models import QuerySet

from .models import Shop


def shop_qs_select_for_update() -> QuerySet[Shop]:
    """Shops locked `FOR UPDATE` until the surrounding transaction ends; use inside `transaction.atomic`."""
    return Shop.objects.select_for_update().order_by("pk")
