"""`orders.shipping.shipping_fee`: every kind, the free-above boundary, band edges and every refusal."""

import pytest
from django.utils import translation

from orders.errors import CartError
from orders.models import ShippingOption
from orders.selectors.shipping import shipping_options_for_shops
from orders.shipping import ShippingUnavailable, shipping_fee
from tests.factories.orders_shipping import ShippingOptionFactory
from tests.factories.shops import DistrictFactory, RegencyFactory, ShopFactory

BANDS = [
    {"up_to_grams": 1000, "fee": 10_000},
    {"up_to_grams": 3000, "fee": 18_000},
    {"up_to_grams": 5000, "fee": 25_000},
]


def option(**values) -> ShippingOption:
    """An unsaved option: the fee needs no database except a local delivery's districts."""
    defaults = {"kind": "flat", "name": "JNE Reguler", "fee": 15_000, "weight_bands": [], "is_active": True}
    return ShippingOption(**(defaults | values))


def fee(opt, *, weight=500, subtotal=50_000, district="51.03.06") -> int:
    return shipping_fee(option=opt, weight_grams=weight, subtotal=subtotal, district_code=district)


def refusal(opt, **kwargs) -> str:
    with translation.override("en"):
        with pytest.raises(ShippingUnavailable) as caught:
            fee(opt, **kwargs)
        return str(caught.value.message)


def test_shipping_unavailable_is_a_cart_error():
    assert issubclass(ShippingUnavailable, CartError)


def test_flat_rate_is_the_fee_whatever_the_weight_and_district():
    assert fee(option(fee=15_000), weight=0) == 15_000
    assert fee(option(fee=15_000), weight=900_000, district=None) == 15_000


def test_flat_rate_of_zero_is_free():
    assert fee(option(fee=0)) == 0


@pytest.mark.parametrize(
    ("subtotal", "expected"),
    [(199_999, 15_000), (200_000, 0), (200_001, 0)],
)
def test_free_above_applies_from_exactly_the_amount(subtotal, expected):
    assert fee(option(fee=15_000, free_above=200_000), subtotal=subtotal) == expected


@pytest.mark.parametrize(
    ("weight", "expected"),
    [(0, 10_000), (1, 10_000), (1000, 10_000), (1001, 18_000), (3000, 18_000), (3001, 25_000), (5000, 25_000)],
)
def test_weight_rate_takes_the_first_band_the_weight_fits(weight, expected):
    assert fee(option(kind="weight", fee=0, weight_bands=BANDS), weight=weight) == expected


def test_weight_bands_stored_out_of_order_are_read_ascending():
    assert fee(option(kind="weight", weight_bands=list(reversed(BANDS))), weight=2000) == 18_000


def test_heavier_than_the_last_band_is_refused():
    assert refusal(option(kind="weight", weight_bands=BANDS), weight=5001) == (
        "JNE Reguler carries parcels up to 5000 grams; this order weighs 5001 grams."
    )


def test_heavier_than_the_last_band_is_refused_even_when_it_would_ship_free():
    too_heavy = option(kind="weight", weight_bands=BANDS, free_above=100_000)
    assert refusal(too_heavy, weight=6000, subtotal=500_000).startswith("JNE Reguler carries parcels up to 5000")


def test_weight_rate_without_bands_is_refused():
    assert refusal(option(kind="weight", weight_bands=[])) == "JNE Reguler has no weight rates yet."


def test_weight_rate_is_free_above_the_amount():
    assert fee(option(kind="weight", weight_bands=BANDS, free_above=100_000), weight=4000, subtotal=100_000) == 0


def test_pickup_is_free_and_needs_no_district():
    assert fee(option(kind="pickup", fee=0), weight=50_000, district=None) == 0


def test_inactive_option_is_refused():
    assert refusal(option(is_active=False)) == "This shipping option is no longer offered by the shop."


def test_inactive_pickup_is_refused_too():
    assert refusal(option(kind="pickup", is_active=False)) == "This shipping option is no longer offered by the shop."


def test_unknown_kind_is_refused():
    assert refusal(option(kind="drone")) == "This shipping option is not available."


def test_negative_weight_is_a_bug():
    with pytest.raises(ValueError, match="must not be negative"):
        fee(option(), weight=-1)


def test_refusal_is_translated_to_indonesian_by_default():
    with pytest.raises(ShippingUnavailable) as caught:
        fee(option(is_active=False))
    with translation.override("id"):
        assert str(caught.value.message) == translation.gettext(
            "This shipping option is no longer offered by the shop."
        )


# --- Local delivery: needs the districts ---------------------------------------------------------------


@pytest.fixture
def kuta_utara(db):
    return DistrictFactory()


@pytest.fixture
def kuta(db):
    return DistrictFactory(code="51.03.01", name="Kuta", regency=RegencyFactory())


@pytest.fixture
def local_delivery(kuta_utara):
    return ShippingOptionFactory(kind="local_delivery", name="Antar sendiri", fee=8_000, districts=[kuta_utara])


def test_local_delivery_charges_its_fee_in_a_district_it_serves(local_delivery):
    assert fee(local_delivery, district="51.03.06") == 8_000


def test_local_delivery_is_free_above_the_amount(local_delivery):
    local_delivery.free_above = 150_000
    assert fee(local_delivery, district="51.03.06", subtotal=150_000) == 0
    assert fee(local_delivery, district="51.03.06", subtotal=149_999) == 8_000


def test_local_delivery_to_a_district_not_served_is_refused(local_delivery, kuta):
    assert refusal(local_delivery, district=kuta.code) == "Antar sendiri does not deliver to this district."


def test_local_delivery_not_served_is_refused_even_when_it_would_ship_free(local_delivery, kuta):
    local_delivery.free_above = 1
    assert refusal(local_delivery, district=kuta.code) == "Antar sendiri does not deliver to this district."


@pytest.mark.parametrize("district", [None, ""])
def test_local_delivery_without_a_district_is_refused(local_delivery, district):
    assert refusal(local_delivery, district=district) == "Choose the delivery address first."


def test_prefetched_options_compute_fees_without_queries(local_delivery, django_assert_num_queries):
    options = shipping_options_for_shops(shop_ids=[local_delivery.shop_id])
    with django_assert_num_queries(0):
        assert fee(options[local_delivery.shop_id][0], district="51.03.06") == 8_000


# --- shipping_options_for_shops -------------------------------------------------------------------------


@pytest.mark.django_db
def test_options_for_shops_are_active_by_position_with_every_shop_as_a_key(django_assert_num_queries, kuta_utara):
    first, second, empty = ShopFactory(), ShopFactory(), ShopFactory()
    late = ShippingOptionFactory(shop=first, position=5, name="Late")
    early = ShippingOptionFactory(shop=first, position=1, name="Early")
    ShippingOptionFactory(shop=first, position=0, is_active=False)
    other = ShippingOptionFactory(shop=second, kind="local_delivery", districts=[kuta_utara])
    ShippingOptionFactory()  # another shop, not asked for

    with django_assert_num_queries(2):
        options = shipping_options_for_shops(shop_ids=[first.pk, second.pk, empty.pk])
        districts = [district.code for district in options[second.pk][0].districts.all()]

    assert options == {first.pk: [early, late], second.pk: [other], empty.pk: []}
    assert districts == ["51.03.06"]


@pytest.mark.django_db
def test_options_for_no_shops_is_empty_without_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert shipping_options_for_shops(shop_ids=[]) == {}
