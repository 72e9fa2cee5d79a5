"""Reads of reviews: a product's and a shop's (public), and the lines of an order its buyer may review.

Public lists never load the author: the query computes `author_name`, the full name shortened to its last word's
initial ("Ni Luh Ayu" → "Ni Luh A.", a single word as it is), so an author's full name and email never reach a
page or the API. A review whose author deleted their account has an empty `author_name` (shown as "a shopper").
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, ExpressionWrapper, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Left, Length, Reverse, RTrim, StrIndex, Substr, Trim, Upper

from shops.models import Product, Shop

from ..models import Order, OrderLine, Review
from ..services.reviews import REVIEWABLE


def _with_author_name(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Annotate `author_name`: every word of the author's name but the last, then the last one's initial."""
    last_space = StrIndex(Reverse(F("review_author_full")), Value(" "))  # from the end; 0 for a single word
    head = RTrim(Left(F("review_author_full"), Length("review_author_full") - F("review_last_space")))
    initial = Upper(Substr(F("review_author_full"), Length("review_author_full") - F("review_last_space") + 2, 1))
    return (
        reviews.alias(review_author_full=Trim(Coalesce(F("author__full_name"), Value(""))))
        .alias(review_last_space=ExpressionWrapper(last_space, output_field=IntegerField()))
        .annotate(
            author_name=Case(
                When(review_last_space=0, then=F("review_author_full")),
                default=Concat(head, Value(" "), initial, Value("."), output_field=CharField()),
                output_field=CharField(),
            )
        )
    )


def review_list_for_product(*, product: Product) -> QuerySet[Review]:
    """The product's reviews, newest first, with `author_name` (shortened) and the seller's reply. One query."""
    return _with_author_name(Review.objects.filter(product=product)).order_by("-created_at", "-pk")


def review_list_for_shop(*, shop: Shop) -> QuerySet[Review]:
    """The shop's reviews of all its products, newest first, with `author_name` (shortened), the product and the
    order line (its shop order's number) joined. One query."""
    reviews = Review.objects.filter(shop=shop).select_related("product", "order_line__shop_order")
    return _with_author_name(reviews).order_by("-created_at", "-pk")


def review_get_for_shop(*, shop: Shop, review_id: int) -> Review | None:
    """One review of the shop (None for another shop's: answer 404), the shop loaded along."""
    return Review.objects.filter(shop=shop, pk=review_id).select_related("shop").first()


@dataclass(frozen=True)
class ReviewableLine:
    """A line of a delivered or completed shop order and the buyer's review of it (None: not reviewed yet)."""

    line: OrderLine
    review: Review | None

    @property
    def shop(self) -> Shop:
        return self.line.shop_order.shop

    @property
    def can_review(self) -> bool:
        return self.review is None


def reviewable_lines_for_order(*, order: Order, user) -> list[ReviewableLine]:
    """The lines of `order` its buyer `user` may review or has reviewed: those of delivered or completed shop
    orders whose product still exists, by shop order then line. Empty for anyone but the buyer (guests
    included). One query."""
    if user is None or not user.is_authenticated or order.buyer_id != user.pk:
        return []
    lines = (
        OrderLine.objects.filter(
            shop_order__order=order,
            shop_order__status__in=REVIEWABLE,
            product__isnull=False,
        )
        .select_related("shop_order__shop", "product", "review")
        .order_by("shop_order_id", "pk")
    )
    return [ReviewableLine(line=line, review=getattr(line, "review", None)) for line in lines]


def order_get_for_reviews(*, user, number: str) -> Order | None:
    """The order `number` if `user` placed it (None for anyone else and for guests: answer 404). One query."""
    if user is None or not user.is_authenticated:
        return None
    return Order.objects.filter(buyer=user, number=number).first()


def order_line_get_for_buyer(*, order: Order, user, line_id) -> OrderLine | None:
    """A line of `order` if `user` is its buyer (None otherwise, and for a line of another order)."""
    if user is None or not user.is_authenticated or order.buyer_id != user.pk:
        return None
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        return None
    return OrderLine.objects.filter(shop_order__order=order, pk=line_id).first()
