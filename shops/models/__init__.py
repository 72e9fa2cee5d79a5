"""Models of the shops app, one module per part of the domain."""

from .category import Category
from .regions import District, Province, Regency, Village
from .shop import Shop, ShopMember

__all__ = ["Category", "District", "Province", "Regency", "Shop", "ShopMember", "Village"]
