"""What each audience may read: the public sees approved shops only, members see their own, operators the queue."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.utils import timezone

from accounts.selectors import OPERATOR_GROUP
from shops import selectors
from shops.models import Shop
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

NOT_PUBLIC = ["draft", "submitted", "rejected", "suspended"]


def test_shop_list_public_holds_approved_shops_only_by_name():
    ApprovedShopFactory(name="Warung Timur", slug="warung-timur")
    ApprovedShopFactory(name="Anyaman Petang", slug="anyaman-petang")
    for status in NOT_PUBLIC:
        ShopFactory(status=status, name=f"Toko {status}", slug=f"toko-{status}")

    assert [shop.slug for shop in selectors.shop_list_public()] == ["anyaman-petang", "warung-timur"]


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_shop_get_public_never_returns_a_shop_that_is_not_approved(status):
    ShopFactory(status=status, slug="sembunyi")

    assert selectors.shop_get_public(slug="sembunyi") is None


def test_shop_get_public_returns_an_approved_shop_with_its_address():
    ApprovedShopFactory(slug="kopi-petang")

    shop = selectors.shop_get_public(slug="kopi-petang")

    assert (shop.slug, shop.district.name, shop.village.name) == ("kopi-petang", "Kuta Utara", "Canggu")
    assert selectors.shop_get_public(slug="tidak-ada") is None


@pytest.mark.parametrize("count", [3, 10])
def test_shop_list_public_costs_one_query_whatever_its_length(count, django_assert_num_queries):
    for number in range(count):
        ApprovedShopFactory(name=f"Toko {number:02d}", slug=f"toko-{number}")

    with django_assert_num_queries(1):
        rows = [
            (shop.name, shop.province.name, shop.regency.name, shop.district.name, shop.village.name)
            for shop in selectors.shop_list_public()
        ]

    assert len(rows) == count
    assert rows[0] == ("Toko 00", "Bali", "Kabupaten Badung", "Kuta Utara", "Canggu")


def test_shop_get_for_member_returns_the_shop_to_owner_and_staff_whatever_its_status():
    shop = ShopFactory(status="rejected")
    owner = shop.members.get(role="owner").user
    staff = ShopMemberFactory(shop=shop).user

    assert selectors.shop_get_for_member(user=owner, shop_id=shop.pk) == shop
    assert selectors.shop_get_for_member(user=staff, shop_id=shop.pk) == shop


def test_shop_get_for_member_returns_nothing_to_anyone_else():
    shop = ApprovedShopFactory()
    member_of_another_shop = ShopFactory().members.get().user

    assert selectors.shop_get_for_member(user=member_of_another_shop, shop_id=shop.pk) is None
    assert selectors.shop_get_for_member(user=VerifiedUserFactory(), shop_id=shop.pk) is None
    assert selectors.shop_get_for_member(user=SuperuserFactory(), shop_id=shop.pk) is None
    assert selectors.shop_get_for_member(user=AnonymousUser(), shop_id=shop.pk) is None


def test_shop_list_for_review_holds_submitted_shops_oldest_first():
    now = timezone.now()
    newer = ShopFactory(status="submitted", submitted_at=now - timedelta(hours=1))
    older = ShopFactory(status="submitted", submitted_at=now - timedelta(days=2))
    for status in ["draft", "approved", "rejected", "suspended"]:
        ShopFactory(status=status)

    assert list(selectors.shop_list_for_review()) == [older, newer]


def test_user_is_operator_means_superuser_or_active_operator_group_member():
    group_member = VerifiedUserFactory()
    group_member.groups.add(Group.objects.create(name=OPERATOR_GROUP))
    inactive_member = VerifiedUserFactory(is_active=False)
    inactive_member.groups.add(Group.objects.get(name=OPERATOR_GROUP))
    other_group = VerifiedUserFactory()
    other_group.groups.add(Group.objects.create(name="Trainer"))

    assert selectors.user_is_operator(SuperuserFactory()) is True
    assert selectors.user_is_operator(group_member) is True
    assert selectors.user_is_operator(inactive_member) is False
    assert selectors.user_is_operator(other_group) is False
    assert selectors.user_is_operator(VerifiedUserFactory()) is False
    assert selectors.user_is_operator(AnonymousUser()) is False


def test_vacation_mode_closes_the_shop_up_to_and_including_closed_until():
    today = timezone.localdate()
    shop = Shop(closed_until=today)

    assert shop.is_closed_on(today) is True
    assert shop.is_closed_on(today + timedelta(days=1)) is False
    assert Shop(closed_until=None).is_closed_on(today) is False
