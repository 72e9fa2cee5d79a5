"""Product cards: what every product list of the storefront shows of a product (home blocks, category and shop
pages, related products), shaped once here and drawn by one include, `cms/catalogue/_product_card.html`.

A card is a small frozen value built from a product of `selectors.product_list_public()` (active variants and
main photo prefetched, shop joined, with its district for the place): the template only reads plain
attributes, which keeps a page of 24 cards cheap to render. The product's URL is built from one `reverse()`
per list rather than one per card.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils import timezone

from shops.models import Product

from .pictures import CARD_SIZES, Picture, picture

__all__ = ["CARD_SIZES", "ProductCard", "product_card", "product_cards", "with_highlighted_title"]

_SLUG_PLACEHOLDER = "slug-placeholder"


@dataclass(frozen=True)
class ProductCard:
    title: str
    url: str
    price_min: int
    price_max: int
    picture: Picture | None
    photo_alt: str  # the seller's description of the main photo, else the title
    shop_name: str
    place: str  # the shop's district, or ""
    badges: tuple[str, ...]
    in_stock: bool
    shop_closed: bool
    title_html: str = ""  # the title with the searched words in <mark> (search results only), escaped


def with_highlighted_title(card: ProductCard, title_html: str) -> ProductCard:
    return replace(card, title_html=title_html)


def _product_url_maker():
    """slug → the product page's path in the active language, from a single `reverse()`."""
    prefix, _placeholder, suffix = reverse("storefront:product", args=[_SLUG_PLACEHOLDER]).rpartition(_SLUG_PLACEHOLDER)
    return lambda slug: f"{prefix}{slug}{suffix}"


def product_card(product: Product, today=None, *, url_for=None) -> ProductCard:
    """The card of one public product; `today` (the site's date) decides the shop's holiday."""
    today = today or timezone.localdate()
    url_for = url_for or _product_url_maker()
    variants = product.active_variants
    prices = [variant.price for variant in variants] or [0]
    shop = product.shop
    district = shop.district if shop.district_id else None
    main = product.main_images[0] if product.main_images else None
    return ProductCard(
        title=product.title,
        url=url_for(product.slug),
        price_min=min(prices),
        price_max=max(prices),
        picture=picture(main, "card"),
        photo_alt=(main.alt_text if main is not None else "") or product.title,
        shop_name=shop.name,
        place=district.name if district is not None else "",
        badges=tuple(product.badges),
        in_stock=any(variant.stock > 0 for variant in variants),
        shop_closed=shop.is_closed_on(today),
    )


def product_cards(products: Iterable[Product]) -> list[ProductCard]:
    """The cards of a list of public products, in order."""
    today = timezone.localdate()
    url_for = _product_url_maker()
    return [product_card(product, today, url_for=url_for) for product in products]
