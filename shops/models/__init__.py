"""Models of the shops app, one module per part of the domain."""

from .category import Category
from .imports import ProductImport
from .product import Product, ProductImage, ProductVariant
from .regions import District, Province, Regency, Village
from .shop import Shop, ShopInvitation, ShopMember
from .views import ProductViewDay

__all__ = [
    "Category",
    "District",
    "Product",
    "ProductImage",
    "ProductImport",
    "ProductVariant",
    "ProductViewDay",
    "Province",
    "Regency",
    "Shop",
    "ShopInvitation",
    "ShopMember",
    "Village",
]
