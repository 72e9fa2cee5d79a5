"""The vacation mode page at /penjual/libur/, through the test client."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.utils import translation

from shops.models import Shop
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

VACATION = "/penjual/libur/"
START = "/penjual/buka/"
# 2026-03-10 17:00 UTC is already 2026-03-11 01:00 in Asia/Makassar (UTC+8).
LATE_EVENING_UTC = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)


def indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def shop_row(shop: Shop) -> dict:
    fresh = Shop.objects.get(pk=shop.pk)
    return model_to_dict(fresh) | {"updated_at": fresh.updated_at}


@pytest.fixture(autouse=True)
def site_clock():
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        yield


@pytest.fixture
def owner():
    return VerifiedUserFactory()


@pytest.fixture
def shop(owner):
    return ApprovedShopFactory(owner=owner)


def log_in_as(client, role: str, shop):
    if role == "owner":
        client.force_login(shop.members.get(role="owner").user)
    elif role == "staff":
        client.force_login(ShopMemberFactory(shop=shop).user)
    elif role == "other shop owner":
        client.force_login(ApprovedShopFactory().members.get().user)
    elif role == "shopper":
        client.force_login(VerifiedUserFactory())


def test_owner_sees_an_open_shop_and_the_date_form(client, owner, shop):
    client.force_login(owner)

    response = client.get(VACATION)

    assert response.status_code == 200
    assert (response.context["is_owner"], response.context["is_closed"]) == (True, False)
    page = response.content.decode()
    assert indonesian("The shop is open: buyers can buy your products.") in page
    assert 'min="2026-03-12"' in page
    assert 'max="2026-06-09"' in page  # 90 days ahead
    assert 'value="end"' not in page


def test_owner_closes_the_shop_until_a_date(client, owner, shop):
    client.force_login(owner)

    response = client.post(VACATION, {"action": "set", "closed_until": "2026-03-25"})

    assert (response.status_code, response.url) == (302, VACATION)
    shop.refresh_from_db()
    assert shop.closed_until == date(2026, 3, 25)
    page = client.get(VACATION)
    assert page.context["is_closed"] is True
    assert 'value="end"' in page.content.decode()
    assert 'value="2026-03-25"' in page.content.decode()


def test_owner_ends_the_vacation(client, owner, shop):
    Shop.objects.filter(pk=shop.pk).update(closed_until=date(2026, 3, 25))
    client.force_login(owner)

    response = client.post(VACATION, {"action": "end"})

    assert (response.status_code, response.url) == (302, VACATION)
    shop.refresh_from_db()
    assert shop.closed_until is None
    assert client.get(VACATION).context["is_closed"] is False


def test_a_past_vacation_shows_the_shop_open(client, owner, shop):
    Shop.objects.filter(pk=shop.pk).update(closed_until=date(2026, 3, 10))  # yesterday in Bali
    client.force_login(owner)

    response = client.get(VACATION)

    assert response.context["is_closed"] is False
    assert response.context["form"].initial["closed_until"] is None


@pytest.mark.parametrize(
    ("closed_until", "message", "params"),
    [
        ("2026-03-11", "Choose a date after today.", {}),
        ("2026-06-10", "The shop can be closed for at most %(days)d days.", {"days": 90}),
        ("", "This field is required.", {}),
        ("besok", "Enter a valid date.", {}),
    ],
)
def test_a_bad_date_shows_the_field_error_and_changes_nothing(client, owner, shop, closed_until, message, params):
    client.force_login(owner)
    before = shop_row(shop)

    response = client.post(VACATION, {"action": "set", "closed_until": closed_until})

    assert response.status_code == 400
    assert response.context["form"].errors["closed_until"] == [indonesian(message, **params)]
    assert shop_row(shop) == before


def test_staff_sees_the_state_read_only(client, shop):
    Shop.objects.filter(pk=shop.pk).update(closed_until=date(2026, 3, 25))
    log_in_as(client, "staff", shop)

    response = client.get(VACATION)

    assert response.status_code == 200
    assert (response.context["is_owner"], response.context["is_closed"]) == (False, True)
    page = response.content.decode()
    assert 'name="closed_until"' not in page
    assert indonesian("Only the shop owner can turn vacation mode on or off.") in page


@pytest.mark.parametrize("data", [{"action": "set", "closed_until": "2026-03-25"}, {"action": "end"}])
def test_staff_cannot_change_vacation_mode(client, shop, data):
    Shop.objects.filter(pk=shop.pk).update(closed_until=date(2026, 3, 20))
    log_in_as(client, "staff", shop)
    before = shop_row(shop)

    response = client.post(VACATION, data)

    assert response.status_code == 403
    assert "Hanya pemilik toko yang dapat melakukan ini." in response.content.decode()
    assert shop_row(shop) == before


@pytest.mark.parametrize("data", [{"action": "set", "closed_until": "2026-03-25"}, {"action": "end"}])
def test_owner_of_another_shop_only_changes_their_own(client, shop, data):
    Shop.objects.filter(pk=shop.pk).update(closed_until=date(2026, 3, 20))
    log_in_as(client, "other shop owner", shop)
    before = shop_row(shop)

    response = client.post(VACATION, data)

    assert response.status_code == 302
    assert shop_row(shop) == before


@pytest.mark.parametrize(("role", "expected_url"), [("shopper", START), ("anonymous", f"/akun/login/?next={VACATION}")])
@pytest.mark.parametrize("method", ["get", "post"])
def test_shopper_and_anonymous_are_sent_away_and_nothing_changes(client, shop, role, expected_url, method):
    log_in_as(client, role, shop)
    before = shop_row(shop)

    if method == "get":
        response = client.get(VACATION)
    else:
        response = client.post(VACATION, {"action": "set", "closed_until": "2026-03-25"})

    assert (response.status_code, response.url) == (302, expected_url)
    assert shop_row(shop) == before


def test_vacation_page_stays_within_its_query_budget(client, owner, shop, django_assert_max_num_queries):
    client.force_login(owner)

    # session, user, verified email (allauth), membership with shop, the header's permission checks
    with django_assert_max_num_queries(6):
        response = client.get(VACATION)

    assert response.status_code == 200
