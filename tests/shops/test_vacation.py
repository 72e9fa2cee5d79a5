"""Vacation mode: the owner closes the shop until a date after today (site time, Asia/Makassar), at most 90 days."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from shops import services
from shops.models import Shop, ShopMember
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

# 2026-03-10 17:00 UTC is already 2026-03-11 01:00 in Asia/Makassar (UTC+8).
LATE_EVENING_UTC = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)


@pytest.fixture
def owner():
    return VerifiedUserFactory()


@pytest.fixture
def shop(owner):
    return ApprovedShopFactory(owner=owner)


@pytest.fixture(autouse=True)
def site_clock():
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        yield


def in_indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        return str(_(msgid)) % params


def closed_until_messages(excinfo) -> list[str]:
    with translation.override("id"):
        return [str(message) for message in excinfo.value.message_dict["closed_until"]]


def test_owner_closes_the_shop_until_a_date(shop, owner):
    result = services.shop_set_vacation(shop=shop, actor=owner, closed_until=TODAY + timedelta(days=14))

    assert result.closed_until == date(2026, 3, 25)
    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 3, 25)
    assert shop.status == Shop.Status.APPROVED


def test_closed_shop_is_closed_up_to_and_including_the_date(shop, owner):
    shop = services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 25))

    assert shop.is_closed_on(TODAY) is True
    assert shop.is_closed_on(date(2026, 3, 25)) is True
    assert shop.is_closed_on(date(2026, 3, 26)) is False


def test_owner_moves_the_reopening_date(shop, owner):
    services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 25))

    services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 13))

    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 3, 13)


def test_tomorrow_is_the_earliest_date_and_ninety_days_the_latest(shop, owner):
    services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 12))
    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 3, 12)

    services.shop_set_vacation(shop=shop, actor=owner, closed_until=TODAY + timedelta(days=90))
    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 6, 9)


@pytest.mark.parametrize("closed_until", [TODAY, date(2026, 3, 10), date(2025, 12, 31)])
def test_today_or_a_past_date_is_refused_and_nothing_changes(shop, owner, closed_until):
    with pytest.raises(ValidationError) as excinfo:
        services.shop_set_vacation(shop=shop, actor=owner, closed_until=closed_until)

    assert closed_until_messages(excinfo) == [in_indonesian("Choose a date after today.")]
    assert excinfo.value.error_dict["closed_until"][0].code == "not_future"
    shop.refresh_from_db()
    assert shop.closed_until is None


def test_today_is_the_date_in_makassar_not_in_utc(shop, owner):
    # In UTC it is still 2026-03-10, so 2026-03-11 would look like tomorrow; in Makassar it is today.
    with pytest.raises(ValidationError):
        services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 11))

    shop.refresh_from_db()
    assert shop.closed_until is None


def test_more_than_ninety_days_ahead_is_refused_and_nothing_changes(shop, owner):
    services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 20))

    with pytest.raises(ValidationError) as excinfo:
        services.shop_set_vacation(shop=shop, actor=owner, closed_until=TODAY + timedelta(days=91))

    assert closed_until_messages(excinfo) == [
        in_indonesian("The shop can be closed for at most %(days)d days.", days=90)
    ]
    assert excinfo.value.error_dict["closed_until"][0].code == "too_far"
    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 3, 20)


@pytest.mark.parametrize("role", [ShopMember.Role.STAFF, None])
def test_staff_or_a_stranger_cannot_set_vacation_and_nothing_changes(shop, role):
    actor = ShopMemberFactory(shop=shop, role=role).user if role else VerifiedUserFactory()

    with pytest.raises(PermissionDenied):
        services.shop_set_vacation(shop=shop, actor=actor, closed_until=date(2026, 3, 25))

    shop.refresh_from_db()
    assert shop.closed_until is None


def test_owner_ends_the_vacation(shop, owner):
    services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 25))

    result = services.shop_end_vacation(shop=shop, actor=owner)

    assert result.closed_until is None
    shop.refresh_from_db()
    assert shop.closed_until is None
    assert shop.is_closed_on(TODAY) is False


def test_ending_the_vacation_of_an_open_shop_leaves_it_open(shop, owner):
    result = services.shop_end_vacation(shop=shop, actor=owner)

    assert result.closed_until is None
    shop.refresh_from_db()
    assert shop.closed_until is None


@pytest.mark.parametrize("role", [ShopMember.Role.STAFF, None])
def test_staff_or_a_stranger_cannot_end_the_vacation_and_nothing_changes(shop, owner, role):
    services.shop_set_vacation(shop=shop, actor=owner, closed_until=date(2026, 3, 25))
    actor = ShopMemberFactory(shop=shop, role=role).user if role else VerifiedUserFactory()

    with pytest.raises(PermissionDenied):
        services.shop_end_vacation(shop=shop, actor=actor)

    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 3, 25)
