"""Models of the shops app, one module per part of the domain."""

from .category import Category
from .product import Product, ProductImage, ProductVariant
from .regions import District, Province, Regency, Village
from .shop import Shop, ShopInvitation, ShopMember

__all__ = [
    "Category",
    "District",
    "Product",
    "ProductImage",
    "ProductVariant",
    "Province",
    "Regency",
    "Shop",
    "ShopInvitation",
    "ShopMember",
    "Village",
]
