"""Reading the cart: its lines grouped by shop, at today's prices, with what stands in the way of buying each.

`cart_summary` costs two queries whatever the number of lines and shops (the lines with their variant,
product and shop joined; the main photos prefetched). The page, the API and checkout all read the cart
through it, so they agree on prices, totals and problems.
"""

import dataclasses

from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orders.models import MAX_LINE_QUANTITY, Cart, CartLine
from orders.services.cart import SESSION_KEY, session_cart_token, shop_closed_reason, variant_unavailable_reason
from shops.models import Product, ProductImage, ProductVariant, Shop


@dataclasses.dataclass
class CartLineView:
    line: CartLine
    variant: ProductVariant
    product: Product
    shop: Shop
    unit_price: int  # today's price: what checkout charges
    price_changed: bool
    previous_price: int | None  # the price when added, when it differs from today's
    max_quantity: int  # what may be asked for now: the stock, at most MAX_LINE_QUANTITY
    problem: str  # why the line cannot be bought now (translated), "" when it can
    line_total: int
    image: ProductImage | None  # the main photo, if any

    @property
    def quantity(self) -> int:
        return self.line.quantity

    @property
    def thumbnail_url(self) -> str:
        """The main photo's thumbnail rendition when it is ready, else the original; "" without a photo."""
        if self.image is None:
            return ""
        return (self.image.thumbnail or self.image.original).url


@dataclasses.dataclass
class CartShopGroup:
    shop: Shop
    lines: list[CartLineView]
    subtotal: int = 0
    weight_grams: int = 0
    closed: bool = False  # on holiday today

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


@dataclasses.dataclass
class CartSummary:
    cart: Cart | None
    groups: list[CartShopGroup]
    count: int = 0  # units
    subtotal: int = 0

    @property
    def has_problems(self) -> bool:
        return any(group.has_problems for group in self.groups)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def lines(self) -> list[CartLineView]:
        return [line for group in self.groups for line in group.lines]


def _line_problem(line: CartLine, variant: ProductVariant, today) -> str:
    reason = variant_unavailable_reason(variant) or shop_closed_reason(variant.product.shop, today)
    if reason:
        return reason
    if variant.stock <= 0:
        return _("Out of stock.")
    if line.quantity > variant.stock:
        return ngettext(
            "Only %(stock)d left in stock: lower the quantity.",
            "Only %(stock)d left in stock: lower the quantity.",
            variant.stock,
        ) % {"stock": variant.stock}
    return ""


def cart_line_list(*, cart: Cart):
    """The cart's lines, oldest first, with variant, product and shop joined and `product.main_images`
    prefetched (two queries)."""
    return (
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__shop")
        .prefetch_related(
            Prefetch(
                "variant__product__images",
                queryset=ProductImage.objects.filter(is_main=True),
                to_attr="main_images",
            )
        )
        .order_by("created_at", "pk")
    )


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """The cart grouped by shop (in the order their first line was added), each line at today's price with
    its problem if any, the totals per shop and for the cart. An empty summary for None. Two queries."""
    summary = CartSummary(cart=cart, groups=[])
    if cart is None:
        return summary
    today = timezone.localdate()
    groups: dict[int, CartShopGroup] = {}
    for line in cart_line_list(cart=cart):
        variant = line.variant
        product = variant.product
        shop = product.shop
        unit_price = variant.price
        view = CartLineView(
            line=line,
            variant=variant,
            product=product,
            shop=shop,
            unit_price=unit_price,
            price_changed=unit_price != line.price_when_added,
            previous_price=line.price_when_added if unit_price != line.price_when_added else None,
            max_quantity=min(variant.stock, MAX_LINE_QUANTITY),
            problem=_line_problem(line, variant, today),
            line_total=unit_price * line.quantity,
            image=product.main_images[0] if product.main_images else None,
        )
        group = groups.get(shop.pk)
        if group is None:
            group = groups[shop.pk] = CartShopGroup(shop=shop, lines=[], closed=shop.is_closed_on(today))
        group.lines.append(view)
        group.subtotal += view.line_total
        group.weight_grams += product.weight_grams * line.quantity
        summary.count += line.quantity
        summary.subtotal += view.line_total
    summary.groups = list(groups.values())
    return summary


def cart_count_for_request(request) -> int:
    """Units in the cart of whoever sends `request`, for the header's badge. No query when the session holds
    no cart token (an anonymous visitor who never added anything, a user without a cart); one otherwise.

    The session remembers the signed-in user's cart token (set on login and whenever the cart is read
    for the request), so a user's count is found the same way as an anonymous one."""
    token = session_cart_token(request)
    if token is None:
        return 0
    user = getattr(request, "user", None)
    lines = CartLine.objects.filter(cart__token=token)
    if user is not None and user.is_authenticated:
        lines = lines.filter(cart__user=user)
    else:
        lines = lines.filter(cart__user__isnull=True)
    return lines.aggregate(units=Sum("quantity"))["units"] or 0


__all__ = ["SESSION_KEY", "CartLineView", "CartShopGroup", "CartSummary", "cart_count_for_request", "cart_summary"]
