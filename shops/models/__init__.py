"""Models of the shops app, one module per part of the domain."""

from .regions import District, Province, Regency, Village

__all__ = ["District", "Province", "Regency", "Village"]
