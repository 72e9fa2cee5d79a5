"""Reviews: only the buyer, only after delivery, one per order line (even racing), rating bounds, exact rating
aggregates on the product and the shop, plain text, the seller's single reply, shortened author names, and the
page cache invalidated."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from marketplace.core import pagecache
from orders.errors import OrderStateError
from orders.models import OrderLine, Review, ShippingOption, ShopOrder
from orders.selectors.reviews import (
    review_list_for_product,
    review_list_for_shop,
    reviewable_lines_for_order,
)
from orders.services import fulfilment
from orders.services.reviews import review_create, review_reply
from shops.models import Product, Shop
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ShopMemberFactory

from .builders import cart_with, place, two_shop_order
from .test_concurrency import run_together

pytestmark = pytest.mark.django_db
Status = ShopOrder.Status


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids): the Indonesian catalogue is merged separately."""
    with translation.override("en"):
        yield


def owner_of(shop):
    return shop.members.get(role="owner").user


def deliver(shop_order):
    seller = owner_of(shop_order.shop)
    fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="JX123")
    fulfilment.shop_order_mark_delivered(shop_order=shop_order, user=seller)


def delivered_order(*, buyer=None):
    """A cash-on-delivery order from two shops, both parts delivered; returns (order, shops, variants)."""
    placed, shops, variants = two_shop_order(payment_method="cod", buyer=buyer)
    for shop_order in placed.order.shop_orders.all():
        deliver(shop_order)
    return placed.order, shops, variants


def line_of(order, shop) -> OrderLine:
    return OrderLine.objects.get(shop_order__order=order, shop_order__shop=shop)


def second_order_of(variant, *, buyer=None):
    """Another buyer's delivered order of `variant` (same product, same shop)."""
    buyer = buyer or VerifiedUserFactory()
    flat = ShippingOption.objects.get(shop=variant.product.shop, kind="flat")
    placed = place(
        cart_with([(variant, 1)], user=buyer),
        buyer=buyer,
        shipping={variant.product.shop_id: flat.pk},
        payment_method="cod",
    )
    deliver(placed.order.shop_orders.get())
    return placed.order


def aggregates(product_id, shop_id):
    product = Product.objects.get(pk=product_id)
    shop = Shop.objects.get(pk=shop_id)
    return (
        (product.rating_count, product.rating_total, product.rating_average),
        (shop.rating_count, shop.rating_total, shop.rating_average),
    )


# --- Creating ------------------------------------------------------------------------------------------------


def test_two_reviews_of_five_and_four_stars_average_four_and_a_half_on_product_and_shop():
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    other = second_order_of(variant_a)

    first = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="  Enak sekali!  ")
    second = review_create(order_line=line_of(other, shop_a), user=other.buyer, rating=4, text="")

    assert (first.rating, first.text, first.product_id, first.shop_id) == (
        5,
        "Enak sekali!",
        variant_a.product_id,
        shop_a.pk,
    )
    assert (second.rating, second.text, second.author_id) == (4, "", other.buyer_id)
    assert aggregates(variant_a.product_id, shop_a.pk) == ((2, 9, 4.5), (2, 9, 4.5))
    assert Review.objects.count() == 2


def test_each_line_of_an_order_is_reviewed_on_its_own_product_and_shop():
    order, (shop_a, shop_b), (variant_a, variant_b) = delivered_order()

    review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=3, text="")
    review_create(order_line=line_of(order, shop_b), user=order.buyer, rating=5, text="")

    assert aggregates(variant_a.product_id, shop_a.pk) == ((1, 3, 3.0), (1, 3, 3.0))
    assert aggregates(variant_b.product_id, shop_b.pk) == ((1, 5, 5.0), (1, 5, 5.0))


@pytest.mark.parametrize("steps", [(), ("accept",), ("accept", "ship")], ids=["paid", "processing", "shipped"])
def test_a_line_cannot_be_reviewed_before_its_shop_order_is_delivered(steps):
    placed, (shop_a, _shop_b), (variant_a, _variant_b) = two_shop_order(payment_method="bank_transfer")
    shop_order = placed.order.shop_orders.get(shop=shop_a)
    seller = owner_of(shop_a)
    fulfilment.order_mark_paid(order=placed.order)
    if "accept" in steps:
        fulfilment.shop_order_accept(shop_order=shop_order, user=seller)
    if "ship" in steps:
        fulfilment.shop_order_ship(shop_order=shop_order, user=seller, courier="JNE", tracking_number="JX1")

    with pytest.raises(OrderStateError):
        review_create(order_line=line_of(placed.order, shop_a), user=placed.order.buyer, rating=5, text="")

    assert Review.objects.count() == 0
    assert aggregates(variant_a.product_id, shop_a.pk) == ((0, 0, None), (0, 0, None))


def test_awaiting_payment_and_cancelled_orders_cannot_be_reviewed():
    placed, (shop_a, shop_b), _variants = two_shop_order()
    buyer = placed.order.buyer
    fulfilment.shop_order_cancel(
        shop_order=placed.order.shop_orders.get(shop=shop_b), user=buyer, reason="", actor="shopper"
    )

    for shop in (shop_a, shop_b):
        with pytest.raises(OrderStateError):
            review_create(order_line=line_of(placed.order, shop), user=buyer, rating=4, text="")
    assert Review.objects.count() == 0


def test_a_completed_order_can_be_reviewed():
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    shop_order = order.shop_orders.get(shop=shop_a)
    fulfilment.shop_order_confirm_received(shop_order=shop_order, user=order.buyer)

    review = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=2, text="Agak keras.")

    assert ShopOrder.objects.get(pk=shop_order.pk).status == Status.COMPLETED
    assert review.rating == 2
    assert aggregates(variant_a.product_id, shop_a.pk)[0] == (1, 2, 2.0)


def test_only_the_buyer_reviews_not_another_shopper_the_seller_or_an_anonymous_visitor():
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    line = line_of(order, shop_a)

    for user in (VerifiedUserFactory(), owner_of(shop_a), AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            review_create(order_line=line, user=user, rating=5, text="Palsu")

    assert Review.objects.count() == 0
    assert aggregates(variant_a.product_id, shop_a.pk) == ((0, 0, None), (0, 0, None))


def test_a_guest_order_cannot_be_reviewed_by_anyone():
    shop_a_order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    guest_cart = cart_with([(variant_a, 1)])
    flat = ShippingOption.objects.get(shop=shop_a, kind="flat")
    guest_order = place(guest_cart, buyer=None, shipping={shop_a.pk: flat.pk}, payment_method="cod").order
    deliver(guest_order.shop_orders.get())

    for user in (None, AnonymousUser(), shop_a_order.buyer):
        with pytest.raises(PermissionDenied):
            review_create(order_line=line_of(guest_order, shop_a), user=user, rating=5, text="")
    assert Review.objects.count() == 0
    assert reviewable_lines_for_order(order=guest_order, user=None) == []


def test_one_review_per_line_the_second_is_refused_and_counts_nothing():
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    line = line_of(order, shop_a)
    review_create(order_line=line, user=order.buyer, rating=4, text="Pertama")

    with pytest.raises(OrderStateError) as refused:
        review_create(order_line=line, user=order.buyer, rating=1, text="Kedua")

    assert str(refused.value.message) == "You already reviewed this product from this order."
    assert list(Review.objects.values_list("rating", "text")) == [(4, "Pertama")]
    assert aggregates(variant_a.product_id, shop_a.pk) == ((1, 4, 4.0), (1, 4, 4.0))


@pytest.mark.parametrize("rating", [0, 6, -1, 4.5, "5", True, None])
def test_the_rating_is_a_whole_number_from_one_to_five(rating):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()

    with pytest.raises(ValidationError) as refused:
        review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=rating, text="")

    assert refused.value.message_dict == {"rating": ["Choose from 1 to 5 stars."]}
    assert Review.objects.count() == 0
    assert aggregates(variant_a.product_id, shop_a.pk)[0] == (0, 0, None)


@pytest.mark.parametrize("rating", [1, 5])
def test_one_and_five_stars_are_accepted(rating):
    order, (shop_a, _shop_b), _variants = delivered_order()
    assert review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=rating, text="").rating == rating


def test_the_text_is_plain_stripped_and_at_most_2000_characters():
    order, (shop_a, shop_b), _variants = delivered_order()

    with pytest.raises(ValidationError) as refused:
        review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="a" * 2001)
    assert refused.value.message_dict == {"text": ["At most 2,000 characters."]}
    assert Review.objects.count() == 0

    review = review_create(
        order_line=line_of(order, shop_a),
        user=order.buyer,
        rating=5,
        text="\r\n  <b>Renyah</b>\x00\u202e\r\n\r\n\r\n\r\nPedas\t \n",
    )
    assert Review.objects.get(pk=review.pk).text == "<b>Renyah</b>\n\nPedas"
    longest = review_create(order_line=line_of(order, shop_b), user=order.buyer, rating=5, text=" " + "b" * 2000)
    assert len(longest.text) == 2000


def test_a_review_invalidates_the_page_cache_once_committed(django_capture_on_commit_callbacks):
    order, (shop_a, _shop_b), _variants = delivered_order()
    before = pagecache.current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        review = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="")
    after_review = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        review_reply(review=review, user=owner_of(shop_a), text="Terima kasih!")

    assert before != after_review != pagecache.current_generation()


# --- Racing (PostgreSQL) ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_line_reviewed_eight_times_at_once_counts_once(postgres):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    line = line_of(order, shop_a)

    def submit(rating):
        return lambda: review_create(
            order_line=OrderLine.objects.get(pk=line.pk), user=order.buyer, rating=rating, text=""
        )

    outcomes = run_together([submit(rating) for rating in (5, 4, 3, 2, 1, 5, 4, 3)])

    created = [outcome for outcome in outcomes if isinstance(outcome, Review)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, OrderStateError)]
    assert (len(created), len(refused)) == (1, 7)
    rating = created[0].rating
    assert Review.objects.filter(order_line=line).count() == 1
    assert aggregates(variant_a.product_id, shop_a.pk) == ((1, rating, float(rating)), (1, rating, float(rating)))


@pytest.mark.django_db(transaction=True)
def test_two_replies_at_once_keep_exactly_one(postgres):
    order, (shop_a, _shop_b), _variants = delivered_order()
    review = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="")
    staff = ShopMemberFactory(shop=shop_a).user
    repliers = [(owner_of(shop_a), "Dari pemilik"), (staff, "Dari staf")]

    outcomes = run_together(
        [lambda user=user, text=text: review_reply(review=review, user=user, text=text) for user, text in repliers]
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["OrderStateError", "Review"]
    kept = next(outcome for outcome in outcomes if isinstance(outcome, Review))
    assert Review.objects.get(pk=review.pk).reply == kept.reply


# --- Replying --------------------------------------------------------------------------------------------------


def test_a_shop_member_replies_once():
    order, (shop_a, _shop_b), _variants = delivered_order()
    review = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=4, text="Bagus")
    staff = ShopMemberFactory(shop=shop_a).user

    replied = review_reply(review=review, user=staff, text="  Terima kasih, Kak!  ")
    with pytest.raises(OrderStateError):
        review_reply(review=review, user=owner_of(shop_a), text="Balasan kedua")

    stored = Review.objects.get(pk=review.pk)
    assert (stored.reply, stored.replied_at) == ("Terima kasih, Kak!", replied.replied_at)
    assert stored.replied_at is not None


def test_only_members_of_the_reviews_shop_reply():
    order, (shop_a, shop_b), _variants = delivered_order()
    review = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=1, text="Rusak")

    for user in (owner_of(shop_b), order.buyer, VerifiedUserFactory(), AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            review_reply(review=review, user=user, text="Bukan urusan saya")

    assert Review.objects.filter(pk=review.pk, reply="", replied_at=None).exists()


@pytest.mark.parametrize(("text", "message"), [("   ", "Write your reply."), ("x" * 2001, "At most 2,000 characters.")])
def test_a_reply_needs_text_of_at_most_2000_characters(text, message):
    order, (shop_a, _shop_b), _variants = delivered_order()
    review = review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=3, text="")

    with pytest.raises(ValidationError) as refused:
        review_reply(review=review, user=owner_of(shop_a), text=text)

    assert refused.value.message_dict == {"text": [message]}
    assert Review.objects.filter(pk=review.pk, reply="", replied_at=None).exists()


# --- Selectors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "shown"),
    [
        ("Ni Luh Ayu", "Ni Luh A."),
        ("Budi", "Budi"),
        ("  made wirawan  ", "made W."),
        ("I Gusti  Ngurah Rai", "I Gusti  Ngurah R."),
        ("Éva Ñoño", "Éva Ñ."),
    ],
)
def test_authors_are_shown_with_their_last_name_shortened(full_name, shown):
    buyer = VerifiedUserFactory(full_name=full_name)
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order(buyer=buyer)
    review_create(order_line=line_of(order, shop_a), user=buyer, rating=5, text="")

    assert [review.author_name for review in review_list_for_product(product=variant_a.product)] == [shown]
    assert [review.author_name for review in review_list_for_shop(shop=shop_a)] == [shown]


def test_a_deleted_authors_review_stays_without_a_name():
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="Mantap")
    order.buyer.delete()

    assert [(r.author_name, r.text) for r in review_list_for_product(product=variant_a.product)] == [("", "Mantap")]
    assert aggregates(variant_a.product_id, shop_a.pk)[0] == (1, 5, 5.0)


def test_product_reviews_come_newest_first_in_one_query(django_assert_num_queries):
    order, (shop_a, _shop_b), (variant_a, _variant_b) = delivered_order()
    others = [second_order_of(variant_a) for _ in range(3)]
    review_create(order_line=line_of(order, shop_a), user=order.buyer, rating=5, text="satu")
    for number, other in enumerate(others, start=2):
        review_create(order_line=line_of(other, shop_a), user=other.buyer, rating=4, text=f"{number}")

    with django_assert_num_queries(1):
        texts = [review.text for review in review_list_for_product(product=variant_a.product)]
    with django_assert_num_queries(1):
        shop_rows = [(r.product.title, r.order_line.shop_order.number) for r in review_list_for_shop(shop=shop_a)]

    assert texts == ["4", "3", "2", "satu"]
    assert len(shop_rows) == 4


def test_reviewable_lines_are_the_delivered_ones_of_the_buyers_order_with_their_review():
    placed, (shop_a, _shop_b), _variants = two_shop_order(payment_method="cod")
    order = placed.order
    deliver(order.shop_orders.get(shop=shop_a))  # shop B is still processing
    line_a = line_of(order, shop_a)

    before = reviewable_lines_for_order(order=order, user=order.buyer)
    review = review_create(order_line=line_a, user=order.buyer, rating=5, text="")
    after = reviewable_lines_for_order(order=order, user=order.buyer)

    assert [(item.line.pk, item.review, item.can_review, item.shop) for item in before] == [
        (line_a.pk, None, True, shop_a)
    ]
    assert [(item.line.pk, item.review, item.can_review) for item in after] == [(line_a.pk, review, False)]
    assert reviewable_lines_for_order(order=order, user=VerifiedUserFactory()) == []
    assert reviewable_lines_for_order(order=order, user=AnonymousUser()) == []
