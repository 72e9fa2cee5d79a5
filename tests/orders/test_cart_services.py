"""The cart's services and selectors: adding, changing, removing, merging, the summary and its problems."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone, translation

from orders import locks
from orders.errors import CartError, OutOfStockError
from orders.models import Cart, CartLine
from orders.selectors.cart import cart_count_for_request, cart_summary
from orders.services import cart as cart_services
from orders.services.cart import (
    SESSION_KEY,
    cart_add_line,
    cart_get_for_request,
    cart_merge,
    cart_remove_line,
    cart_remove_variants,
    cart_update_line,
)
from shops.models import Product, ProductVariant, Shop
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders import CartFactory, CartLineFactory
from tests.factories.shops import ApprovedShopFactory, ProductImageFactory, ProductVariantFactory

pytestmark = pytest.mark.django_db


def variant(*, stock=10, price=15_000, **fields):
    return ProductVariantFactory(stock=stock, price=price, **fields)


def lines_of(cart) -> list[tuple[int, int, int]]:
    return list(
        CartLine.objects.filter(cart=cart).order_by("pk").values_list("variant_id", "quantity", "price_when_added")
    )


# --- Adding ---------------------------------------------------------------------------------------------------


def test_adding_a_variant_makes_a_line_at_todays_price_and_adding_again_sums_the_quantities():
    cart = CartFactory()
    chips = variant(stock=10, price=15_000)

    first = cart_add_line(cart=cart, variant_id=chips.pk, quantity=2)
    chips.price = 16_000
    chips.save()
    second = cart_add_line(cart=cart, variant_id=chips.pk, quantity=3)

    assert second.pk == first.pk
    assert lines_of(cart) == [(chips.pk, 5, 16_000)]


@pytest.mark.parametrize(
    ("quantity", "code"),
    [(0, "min_value"), (-1, "min_value"), ("2", "invalid"), (2.5, "invalid"), (True, "invalid"), (1000, "max_value")],
)
def test_adding_refuses_a_quantity_that_is_not_a_whole_number_from_1_to_999(quantity, code):
    cart = CartFactory()
    chips = variant(stock=2000)

    with pytest.raises(ValidationError) as error:
        cart_add_line(cart=cart, variant_id=chips.pk, quantity=quantity)

    assert error.value.error_dict["quantity"][0].code == code
    assert lines_of(cart) == []


def test_adding_refuses_a_total_above_999_counting_what_the_cart_holds():
    cart = CartFactory()
    chips = variant(stock=5000)
    cart_add_line(cart=cart, variant_id=chips.pk, quantity=990)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        cart_add_line(cart=cart, variant_id=chips.pk, quantity=10)

    assert error.value.message_dict == {
        "quantity": ["You can buy at most 999 of one item in one order; your cart already holds 990."]
    }
    assert lines_of(cart) == [(chips.pk, 990, 15_000)]


def test_adding_more_than_the_stock_is_an_out_of_stock_conflict_naming_the_variant():
    cart = CartFactory()
    chips = variant(stock=3)
    cart_add_line(cart=cart, variant_id=chips.pk, quantity=2)

    with translation.override("en"), pytest.raises(OutOfStockError) as error:
        cart_add_line(cart=cart, variant_id=chips.pk, quantity=2)

    assert str(error.value.message) == "Only 3 left in stock, and your cart already holds 2."
    assert error.value.variant_ids == (chips.pk,)
    assert lines_of(cart) == [(chips.pk, 2, 15_000)]


def test_adding_a_sold_out_variant_is_refused():
    cart = CartFactory()
    chips = variant(stock=0)

    with translation.override("en"), pytest.raises(OutOfStockError) as error:
        cart_add_line(cart=cart, variant_id=chips.pk, quantity=1)

    assert str(error.value.message) == "Sorry, this item is out of stock."
    assert lines_of(cart) == []


def unavailable_variants():
    return {
        "unknown": lambda: 987654,
        "huge id": lambda: 2**70,
        "inactive variant": lambda: variant(is_active=False).pk,
        "draft product": lambda: variant(product__status=Product.Status.DRAFT).pk,
        "archived product": lambda: variant(product__status=Product.Status.ARCHIVED).pk,
        "pending moderation": lambda: variant(product__moderation=Product.Moderation.PENDING).pk,
        "submitted shop": lambda: variant(product__shop__status=Shop.Status.SUBMITTED).pk,
        "suspended shop": lambda: variant(product__shop__status=Shop.Status.SUSPENDED).pk,
    }


@pytest.mark.parametrize("case", list(unavailable_variants()))
def test_adding_refuses_a_variant_that_is_not_for_sale(case):
    cart = CartFactory()
    variant_id = unavailable_variants()[case]()

    with translation.override("en"), pytest.raises(ValidationError) as error:
        cart_add_line(cart=cart, variant_id=variant_id, quantity=1)

    expected = "There is no such product." if case in ("unknown", "huge id") else "This product is no longer available."
    assert error.value.message_dict == {"variant": [expected]}
    assert lines_of(cart) == []


def test_adding_from_a_shop_on_holiday_is_a_conflict_naming_the_reopening_day():
    cart = CartFactory()
    today = timezone.localdate()
    chips = variant(product__shop__closed_until=today + datetime.timedelta(days=3))

    with translation.override("en"), pytest.raises(CartError) as error:
        cart_add_line(cart=cart, variant_id=chips.pk, quantity=1)

    reopening = today + datetime.timedelta(days=3)
    assert str(error.value.message) == (
        f"The shop is on holiday until {reopening.day} {reopening:%B} {reopening.year}. "
        "You can buy from it again after that."
    )
    assert lines_of(cart) == []


# --- Changing and removing ------------------------------------------------------------------------------------


def test_updating_sets_the_quantity_within_the_stock():
    line = CartLineFactory(variant=variant(stock=5), quantity=1)

    cart_update_line(cart=line.cart, line_id=line.pk, quantity=5)

    line.refresh_from_db()
    assert line.quantity == 5


def test_updating_above_the_stock_is_refused_but_lowering_a_line_that_lost_its_stock_is_allowed():
    chips = variant(stock=10)
    line = CartLineFactory(variant=chips, quantity=8)
    chips.stock = 3
    chips.save()

    with pytest.raises(OutOfStockError):
        cart_update_line(cart=line.cart, line_id=line.pk, quantity=9)
    line.refresh_from_db()
    assert line.quantity == 8

    cart_update_line(cart=line.cart, line_id=line.pk, quantity=3)
    line.refresh_from_db()
    assert line.quantity == 3


@pytest.mark.parametrize("quantity", [0, -3, "x", 1000])
def test_updating_refuses_a_bad_quantity(quantity):
    line = CartLineFactory(quantity=2)

    with pytest.raises(ValidationError):
        cart_update_line(cart=line.cart, line_id=line.pk, quantity=quantity)

    line.refresh_from_db()
    assert line.quantity == 2


def test_a_line_of_another_cart_is_not_found_and_nothing_changes():
    mine = CartFactory()
    theirs = CartLineFactory(quantity=2)

    with pytest.raises(Http404):
        cart_update_line(cart=mine, line_id=theirs.pk, quantity=1)
    with pytest.raises(Http404):
        cart_remove_line(cart=mine, line_id=theirs.pk)

    theirs.refresh_from_db()
    assert theirs.quantity == 2


def test_removing_a_line_and_removing_variants_after_checkout():
    cart = CartFactory()
    first, second, third = (CartLineFactory(cart=cart) for _ in range(3))

    cart_remove_line(cart=cart, line_id=first.pk)
    removed = cart_remove_variants(cart=cart, variant_ids=[second.variant_id, first.variant_id])

    assert removed == 1
    assert list(CartLine.objects.filter(cart=cart).values_list("pk", flat=True)) == [third.pk]


# --- Merging --------------------------------------------------------------------------------------------------


def test_merging_sums_quantities_capped_at_stock_moves_the_rest_and_deletes_the_anonymous_cart():
    user = VerifiedUserFactory()
    target = CartFactory(user=user)
    source = CartFactory()
    shared = variant(stock=6, price=20_000)
    only_anonymous = variant(stock=4)
    sold_out = variant(stock=0)
    only_user = variant(stock=9)
    CartLineFactory(cart=target, variant=shared, quantity=4, price_when_added=18_000)
    CartLineFactory(cart=target, variant=only_user, quantity=1)
    CartLineFactory(cart=source, variant=shared, quantity=5)
    CartLineFactory(cart=source, variant=only_anonymous, quantity=2)
    CartLineFactory(cart=source, variant=sold_out, quantity=1)

    cart_merge(source=source, target=target)

    assert not Cart.objects.filter(pk=source.pk).exists()
    assert sorted(lines_of(target)) == sorted(
        [
            (shared.pk, 6, 18_000),
            (only_user.pk, 1, 15_000),
            (only_anonymous.pk, 2, 15_000),
            (sold_out.pk, 1, 15_000),
        ]
    )


# --- Finding the cart for a request ---------------------------------------------------------------------------


def request_with_session(user=None):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = user or AnonymousUser()
    return request


def test_an_anonymous_cart_is_made_on_demand_and_found_again_through_the_session():
    request = request_with_session()

    assert cart_get_for_request(request) is None
    cart = cart_get_for_request(request, create=True)

    assert request.session[SESSION_KEY] == str(cart.token)
    assert cart_get_for_request(request) == cart
    assert Cart.objects.count() == 1


def test_a_users_cart_token_in_a_session_never_opens_it_anonymously():
    user_cart = CartFactory(user=VerifiedUserFactory())
    request = request_with_session()
    request.session[SESSION_KEY] = str(user_cart.token)

    assert cart_get_for_request(request) is None
    assert cart_count_for_request(request) == 0


def test_the_header_count_costs_no_query_without_a_cart_token(django_assert_num_queries):
    request = request_with_session()

    with django_assert_num_queries(0):
        assert cart_count_for_request(request) == 0


def test_the_header_count_adds_the_units_of_every_line(django_assert_num_queries):
    request = request_with_session()
    cart = cart_get_for_request(request, create=True)
    CartLineFactory(cart=cart, quantity=2)
    CartLineFactory(cart=cart, quantity=3)

    with django_assert_num_queries(1):
        assert cart_count_for_request(request) == 5


# --- The summary ------------------------------------------------------------------------------------------------


def test_the_summary_groups_lines_by_shop_with_todays_prices_totals_weights_and_price_changes():
    warung, kopi = ApprovedShopFactory(), ApprovedShopFactory()
    chips = variant(product__shop=warung, product__weight_grams=250, price=15_000)
    sambal = variant(product__shop=warung, product__weight_grams=200, price=25_000)
    coffee = variant(product__shop=kopi, product__weight_grams=500, price=60_000)
    ProductImageFactory(product=chips.product, is_main=True, thumbnail="products/renditions/chips-thumb.webp")
    ProductImageFactory(product=coffee.product, is_main=True)  # renditions not made yet: the original
    cart = CartFactory()
    CartLineFactory(cart=cart, variant=chips, quantity=2, price_when_added=12_000)
    CartLineFactory(cart=cart, variant=coffee, quantity=1)
    CartLineFactory(cart=cart, variant=sambal, quantity=3)

    summary = cart_summary(cart=cart)

    assert [group.shop for group in summary.groups] == [warung, kopi]
    assert [[line.variant for line in group.lines] for group in summary.groups] == [[chips, sambal], [coffee]]
    assert [(group.subtotal, group.weight_grams) for group in summary.groups] == [(105_000, 1_100), (60_000, 500)]
    first = summary.groups[0].lines[0]
    assert (first.unit_price, first.price_changed, first.previous_price, first.line_total) == (
        15_000,
        True,
        12_000,
        30_000,
    )
    assert first.thumbnail_url == "/media/products/renditions/chips-thumb.webp"
    coffee_line = summary.groups[1].lines[0]
    assert coffee_line.thumbnail_url == coffee_line.image.original.url
    assert summary.groups[0].lines[1].thumbnail_url == ""
    assert (summary.count, summary.subtotal, summary.has_problems) == (6, 165_000, False)


def test_the_summary_names_each_lines_problem():
    cart = CartFactory()
    lines = {
        "ok": CartLineFactory(cart=cart, variant=variant(stock=5), quantity=5),
        "short": CartLineFactory(cart=cart, variant=variant(stock=5), quantity=2),
        "sold out": CartLineFactory(cart=cart, variant=variant(stock=5), quantity=1),
        "archived": CartLineFactory(cart=cart, variant=variant(), quantity=1),
        "holiday": CartLineFactory(cart=cart, variant=variant(), quantity=1),
    }
    ProductVariant.objects.filter(pk=lines["short"].variant_id).update(stock=1)
    ProductVariant.objects.filter(pk=lines["sold out"].variant_id).update(stock=0)
    Product.objects.filter(pk=lines["archived"].variant.product_id).update(status=Product.Status.ARCHIVED)
    Shop.objects.filter(pk=lines["holiday"].variant.shop_id).update(closed_until=datetime.date(2099, 1, 31))

    with translation.override("en"):
        summary = cart_summary(cart=cart)

    problems = {line.line.pk: (line.problem, line.max_quantity) for line in summary.lines}
    assert {name: problems[line.pk] for name, line in lines.items()} == {
        "ok": ("", 5),
        "short": ("Only 1 left in stock: lower the quantity.", 1),
        "sold out": ("Out of stock.", 0),
        "archived": ("This product is no longer available.", 10),
        "holiday": ("The shop is on holiday until 31 January 2099.", 10),
    }
    assert summary.has_problems is True


def test_the_summary_of_no_cart_is_empty(django_assert_num_queries):
    with django_assert_num_queries(0):
        summary = cart_summary(cart=None)

    assert (summary.groups, summary.count, summary.subtotal, summary.has_problems) == ([], 0, 0, False)


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------------------------

READ_TO_WRITE_PAUSE = 0.3


class SlowRead:
    """Stands in for the cart lock's queryset: reads the cart, then pauses, so a rival add runs meanwhile."""

    def __init__(self, queryset):
        self.queryset = queryset

    def filter(self, **lookup):
        return self

    def first(self):
        cart = self.queryset.first()
        time.sleep(READ_TO_WRITE_PAUSE)
        return cart


def race_two_adds(cart, variant) -> list[str]:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def add_one():
        start.wait()
        try:
            cart_add_line(cart=cart, variant_id=variant.pk, quantity=1)
            outcomes.append("added")
        except IntegrityError:
            outcomes.append("collided")
        finally:
            connection.close()

    threads = [threading.Thread(target=add_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sorted(outcomes)


class LinesReadTogether:
    """Stands in for `CartLine` in the cart services: both adds look for the variant's line, then wait for each
    other, so both find none before either writes (the interleaving the cart lock prevents), every time."""

    def __init__(self):
        self.both_looked = threading.Barrier(2, timeout=5)

    @property
    def objects(self):
        return self

    def filter(self, **lookup):
        self.lookup = lookup
        return self

    def first(self):
        line = CartLine.objects.filter(**self.lookup).first()
        self.both_looked.wait()
        return line

    def create(self, **fields):
        return CartLine.objects.create(**fields)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_adds_of_one_variant_would_collide(postgres, monkeypatch):
    cart = CartFactory()
    chips = variant(stock=10)
    monkeypatch.setattr(locks, "cart_qs_select_for_update", lambda: Cart.objects.filter(pk=cart.pk))
    monkeypatch.setattr(cart_services, "CartLine", LinesReadTogether())

    assert race_two_adds(cart, chips) == ["added", "collided"]


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_two_adds_of_one_variant_sum_up(postgres, monkeypatch):
    cart = CartFactory()
    chips = variant(stock=10)
    real = locks.cart_qs_select_for_update
    monkeypatch.setattr(locks, "cart_qs_select_for_update", lambda: SlowRead(real().filter(pk=cart.pk)))

    assert race_two_adds(cart, chips) == ["added", "added"]
    assert lines_of(cart) == [(chips.pk, 2, 15_000)]


def test_adding_marks_the_cart_alive_at_most_once_an_hour():
    cart = CartFactory()
    chips, nuts = variant(stock=10), variant(stock=10)
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    Cart.objects.filter(pk=cart.pk).update(updated_at=two_hours_ago)

    cart_add_line(cart=cart, variant_id=chips.pk, quantity=1)
    touched = Cart.objects.get(pk=cart.pk).updated_at
    assert touched > two_hours_ago

    cart_add_line(cart=cart, variant_id=nuts.pk, quantity=1)
    assert Cart.objects.get(pk=cart.pk).updated_at == touched
