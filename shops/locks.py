"""Row locks of the shops app, always taken in primary-key order (STYLE: lock briefly and in a fixed order)."""

from django.db.models import QuerySet

from .models import Product, ProductVariant, Shop, ShopInvitation


def shop_qs_select_for_update() -> QuerySet[Shop]:
    """Shops locked `FOR UPDATE` until the surrounding transaction ends; use inside `transaction.atomic`."""
    return Shop.objects.select_for_update().order_by("pk")


def product_qs_select_for_update() -> QuerySet[Product]:
    """Products locked `FOR UPDATE`; the product row also serialises changes to its variants and photos."""
    return Product.objects.select_for_update().order_by("pk")


def variant_qs_select_for_update() -> QuerySet[ProductVariant]:
    """Variants locked `FOR UPDATE`, in primary-key order (lock the product first when both are needed)."""
    return ProductVariant.objects.select_for_update().order_by("pk")


def invitation_qs_select_for_update() -> QuerySet[ShopInvitation]:
    """Invitations locked `FOR UPDATE`, in primary-key order (take the shop's lock first)."""
    return ShopInvitation.objects.select_for_update().order_by("pk")
