"""The commission rate is frozen on each order line when the order is placed (shop override, else the nearest
category rate, else the platform default), and the money helpers the payments issue builds on."""

import pytest

from marketplace.core.money import basis_points_of, from_stripe_amount, to_stripe_amount
from orders.models import OrderLine
from shops.models import Category, Shop
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import CategoryFactory

from .builders import cart_with, place, shop_with_shipping, variant_of


@pytest.mark.django_db
def test_each_line_freezes_the_rate_of_its_shop_or_category_or_the_default(settings):
    settings.COMMISSION_DEFAULT_BASIS_POINTS = 500
    food = CategoryFactory(commission_basis_points=800)
    snacks = CategoryFactory(parent=food)  # no rate of its own: its parent's
    crafts = CategoryFactory()  # no rate anywhere: the default
    shop, flat, _ = shop_with_shipping()
    special, special_flat, _ = shop_with_shipping(commission_basis_points=250)
    lines = [
        (variant_of(shop, product__category=food), 1),
        (variant_of(shop, product__category=Category.objects.get(pk=snacks.pk)), 1),
        (variant_of(shop, product__category=crafts), 1),
        (variant_of(special, product__category=food), 1),
    ]
    placed = place(
        cart_with(lines, user=VerifiedUserFactory()), shipping={shop.pk: flat.pk, special.pk: special_flat.pk}
    )

    rates = {
        line.variant_id: line.commission_basis_points
        for line in OrderLine.objects.filter(shop_order__order=placed.order)
    }
    assert rates == {lines[0][0].pk: 800, lines[1][0].pk: 800, lines[2][0].pk: 500, lines[3][0].pk: 250}

    # Later changes of any rate leave placed orders alone.
    Category.objects.filter(pk=food.pk).update(commission_basis_points=1_000)
    Shop.objects.filter(pk=special.pk).update(commission_basis_points=0)
    assert {
        line.variant_id: line.commission_basis_points
        for line in OrderLine.objects.filter(shop_order__order=placed.order)
    } == rates


@pytest.mark.parametrize(
    ("amount", "basis_points", "fee"),
    [(15_000, 500, 750), (10_001, 500, 500), (10_010, 500, 501), (1, 5_000, 1), (3, 5_000, 2), (0, 500, 0)],
)
def test_the_fee_rounds_half_up_and_the_net_adds_back_up(amount, basis_points, fee):
    assert basis_points_of(amount, basis_points) == fee
    assert (amount - fee) + fee == amount


@pytest.mark.parametrize(("amount", "basis_points"), [(-1, 500), (100, -1), (100, 10_001)])
def test_the_fee_refuses_nonsense(amount, basis_points):
    with pytest.raises(ValueError, match="rate in basis points"):
        basis_points_of(amount, basis_points)


def test_rupiah_cross_into_stripe_units_and_back_in_one_place():
    assert to_stripe_amount(15_000) == 1_500_000
    assert from_stripe_amount(1_500_000) == 15_000
    assert from_stripe_amount(to_stripe_amount(92_417)) == 92_417
    for bad in (-1, 1.5, True, "15000"):
        with pytest.raises(ValueError, match="Not a whole rupiah amount"):
            to_stripe_amount(bad)
    for bad in (1_500_050, -100, 15.0):
        with pytest.raises(ValueError, match="in Stripe's units"):
            from_stripe_amount(bad)
