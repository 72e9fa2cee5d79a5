"""Reviews (DESIGN §3): after delivery the shopper rates each product they bought (1 to 5 stars and a text), once
per order line; a member of the shop may reply once.

- **Who**: only the order's buyer reviews. A guest has no account, so there is nobody to show as the author and
  no way to come back to the review: guests cannot review (`PermissionDenied`). Any member of the review's shop
  (owner or staff) replies; anyone else gets `PermissionDenied`.
- **When**: the shop order is delivered or completed (`OrderStateError` otherwise), checked under the shop order's
  row lock like every transition (`orders.locks`).
- **Once per line** is the database's guarantee: `Review.order_line` is one-to-one, so two submissions racing
  both pass every check and the second insert fails; that `IntegrityError` becomes `OrderStateError`. A reply is
  one conditional update (`replied_at IS NULL`): of two replies racing, one writes.
- **Aggregates**: the product's and the shop's `rating_count`/`rating_total` grow in the review's transaction
  (`shops.services.stock.rating_add`, `F()` updates, which also mark the product for the search index).
- **Text** is plain text: line breaks kept, control characters dropped, at most 2,000 characters; it is escaped
  wherever it is shown. A review or reply changes what the product page shows, so both invalidate the page
  cache (once the transaction commits).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core import pagecache
from shops.selectors import shop_member_role
from shops.services.stock import rating_add

from ..errors import OrderStateError
from ..locks import shop_order_qs_select_for_update
from ..models import OrderLine, Review, ShopOrder

MIN_RATING, MAX_RATING = 1, 5
MAX_TEXT_LENGTH = 2000
# Delivered (the seller says so) or completed (the shopper confirmed, or the timer did): the parcel arrived.
REVIEWABLE = (ShopOrder.Status.DELIVERED, ShopOrder.Status.COMPLETED)

GUEST_MESSAGE = gettext_lazy("Sign in to review: reviews are written from an account.")
NOT_BUYER_MESSAGE = gettext_lazy("Only the shopper who placed the order can review it.")
NOT_MEMBER_MESSAGE = gettext_lazy("Only the shop's owner and staff can reply to its reviews.")
ALREADY_REVIEWED_MESSAGE = gettext_lazy("You already reviewed this product from this order.")
ALREADY_REPLIED_MESSAGE = gettext_lazy("This review already has a reply.")
NOT_DELIVERED_MESSAGE = gettext_lazy("You can review the products once the order has been delivered.")
PRODUCT_GONE_MESSAGE = gettext_lazy("This product is no longer sold, so it cannot be reviewed.")

# C0/C1 control characters except tab and line feed; zero-width and bidirectional overrides (which can make text
# read differently from what it stores).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_plain_text(text: str | None) -> str:
    """Text as stored for a review or a reply: line endings unified, control characters dropped, at most one
    blank line in a row, no spaces around. Markup is kept as typed: it is text, escaped where shown."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).replace("\t", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _rating(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_RATING <= value <= MAX_RATING:
        raise ValidationError({"rating": _("Choose from 1 to 5 stars.")})
    return value


def _text(value, *, field: str, required: bool) -> str:
    text = clean_plain_text(value)
    if required and not text:
        raise ValidationError({field: _("Write your reply.")})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError({field: _("At most 2,000 characters.")})
    return text


def review_create(*, order_line: OrderLine, user, rating: int, text: str) -> Review:
    """The buyer's review of one line of a delivered or completed shop order.

    Invariants: one review per order line (the one-to-one constraint: a second, even racing, is refused with
    `OrderStateError`); the product's and the shop's rating aggregates count every review exactly once (same
    transaction). Locks the shop order row while checking its status. Side effects: the search index is told the
    product changed; the page cache is invalidated on commit.

    Raises `ValidationError` (`rating` not a whole number from 1 to 5, `text` longer than 2,000 characters),
    `PermissionDenied` (a guest or anyone but the order's buyer), `OrderStateError` (not delivered yet, already
    reviewed, the product deleted since).
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(GUEST_MESSAGE)
    rating = _rating(rating)
    text = _text(text, field="text", required=False)
    with transaction.atomic():
        shop_order = shop_order_qs_select_for_update().select_related("order").get(pk=order_line.shop_order_id)
        if shop_order.order.buyer_id != user.pk:
            raise PermissionDenied(NOT_BUYER_MESSAGE)
        if shop_order.status not in REVIEWABLE:
            raise OrderStateError(NOT_DELIVERED_MESSAGE, status=shop_order.status)
        if order_line.product_id is None:
            raise OrderStateError(PRODUCT_GONE_MESSAGE, status=shop_order.status)
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction survives the refusal
                review = Review.objects.create(
                    order_line=order_line,
                    product_id=order_line.product_id,
                    shop_id=shop_order.shop_id,
                    author=user,
                    rating=rating,
                    text=text,
                )
        except IntegrityError as error:
            raise OrderStateError(ALREADY_REVIEWED_MESSAGE, status=shop_order.status) from error
        rating_add(product_id=review.product_id, shop_id=review.shop_id, rating=rating)
        pagecache.invalidate()
    return review


def review_reply(*, review: Review, user, text: str) -> Review:
    """A member of the review's shop answers it, once.

    Invariant: a review has at most one reply; the write is one conditional update (`replied_at IS NULL`), so of
    two replies racing exactly one is kept. Side effect: the page cache is invalidated on commit.

    Raises `ValidationError` (`text` empty or longer than 2,000 characters), `PermissionDenied` (not a member of
    the shop), `OrderStateError` (already replied).
    """
    if shop_member_role(user=user, shop=review.shop) is None:
        raise PermissionDenied(NOT_MEMBER_MESSAGE)
    text = _text(text, field="text", required=True)
    now = timezone.now()
    with transaction.atomic():
        updated = Review.objects.filter(pk=review.pk, replied_at__isnull=True).update(reply=text, replied_at=now)
        if not updated:
            raise OrderStateError(ALREADY_REPLIED_MESSAGE)
        pagecache.invalidate()
    review.reply, review.replied_at = text, now
    return review
