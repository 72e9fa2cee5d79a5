"""Reads of the address book: a signed-in shopper only ever sees their own addresses."""

from django.db.models import QuerySet

from ..models import Address

ADDRESS_RELATIONS = ("province", "regency", "district", "village")


def address_list_for_user(*, user) -> QuerySet[Address]:
    """The user's addresses, the default first then the newest, regions joined (one query). Empty for anonymous."""
    if user is None or not user.is_authenticated:
        return Address.objects.none()
    return (
        Address.objects.filter(user=user)
        .select_related(*ADDRESS_RELATIONS)
        .order_by("-is_default", "-created_at", "-pk")
    )


def address_get_for_user(*, user, address_id: int) -> Address | None:
    """The user's address with this id, or None — also for another user's address (answer 404)."""
    return address_list_for_user(user=user).filter(pk=address_id).first()


def address_default_for_user(*, user) -> Address | None:
    """The user's default address (regions joined), or None."""
    return address_list_for_user(user=user).filter(is_default=True).first()
