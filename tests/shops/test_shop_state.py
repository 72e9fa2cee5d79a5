"""The review state machine of a shop: every allowed move, every refused one, and who may make it."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.selectors import OPERATOR_GROUP
from shops import services
from shops.errors import ShopStateError
from shops.models import Shop, ShopMember
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import DistrictFactory, ShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
S = Shop.Status
REVIEW_FIELDS = ("status", "status_reason", "submitted_at", "reviewed_at", "reviewed_by_id", "updated_at")


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def operator():
    user = VerifiedUserFactory()
    user.groups.add(Group.objects.get_or_create(name=OPERATOR_GROUP)[0])
    return user


def snapshot(shop: Shop) -> tuple:
    shop.refresh_from_db()
    return tuple(getattr(shop, field) for field in REVIEW_FIELDS)


def owner_of(shop: Shop):
    return ShopMember.objects.get(shop=shop, role="owner").user


# Every action with the statuses it starts from and the status it leaves.
TRANSITIONS = {
    "submit": ({S.DRAFT, S.REJECTED}, S.SUBMITTED),
    "approve": ({S.SUBMITTED}, S.APPROVED),
    "reject": ({S.SUBMITTED}, S.REJECTED),
    "suspend": ({S.APPROVED}, S.SUSPENDED),
    "reinstate": ({S.SUSPENDED}, S.APPROVED),
}
CASES = [(action, status) for action in TRANSITIONS for status in S.values]


def act(action: str, shop: Shop, operator) -> Shop:
    if action == "submit":
        return services.shop_submit(shop=shop, actor=owner_of(shop))
    if action in ("reject", "suspend"):
        return getattr(services, f"shop_{action}")(shop=shop, operator=operator, reason="Foto produk buram.")
    return getattr(services, f"shop_{action}")(shop=shop, operator=operator)


@pytest.mark.parametrize(("action", "status"), [c for c in CASES if c[1] in TRANSITIONS[c[0]][0]])
def test_allowed_transition_moves_the_shop_to_its_next_status(action, status, operator, frozen):
    shop = ShopFactory(status=status, status_reason="alasan lama" if status in (S.REJECTED, S.SUSPENDED) else "")

    returned = act(action, shop, operator)

    shop.refresh_from_db()
    assert returned.status == shop.status == TRANSITIONS[action][1]
    if action == "submit":
        assert (shop.submitted_at, shop.status_reason, shop.reviewed_by) == (NOW, "", None)
    else:
        assert (shop.reviewed_at, shop.reviewed_by) == (NOW, operator)
        expected_reason = "Foto produk buram." if action in ("reject", "suspend") else ""
        assert shop.status_reason == expected_reason


@pytest.mark.parametrize(("action", "status"), [c for c in CASES if c[1] not in TRANSITIONS[c[0]][0]])
def test_refused_transition_raises_state_error_and_changes_nothing(action, status, operator):
    shop = ShopFactory(status=status)
    before = snapshot(shop)

    with pytest.raises(ShopStateError) as raised:
        act(action, shop, operator)

    assert raised.value.status == status
    assert snapshot(shop) == before


def test_a_rejected_shop_can_be_fixed_and_submitted_again(operator):
    shop = ShopFactory(status=S.SUBMITTED)
    services.shop_reject(shop=shop, operator=operator, reason="Alamat kurang lengkap.")
    owner = owner_of(shop)

    services.shop_update_profile(shop=shop, actor=owner, street_address="Jl. Raya Canggu No. 5")
    resubmitted = services.shop_submit(shop=shop, actor=owner)

    assert (resubmitted.status, resubmitted.status_reason) == (S.SUBMITTED, "")


def test_staff_cannot_submit_the_shop():
    shop = ShopFactory()
    staff = ShopMemberFactory(shop=shop).user
    before = snapshot(shop)

    with pytest.raises(PermissionDenied):
        services.shop_submit(shop=shop, actor=staff)

    assert snapshot(shop) == before


def test_a_stranger_cannot_submit_the_shop():
    shop = ShopFactory()
    before = snapshot(shop)

    with pytest.raises(PermissionDenied):
        services.shop_submit(shop=shop, actor=VerifiedUserFactory())

    assert snapshot(shop) == before


def test_submit_refuses_an_incomplete_shop_naming_each_missing_field():
    shop = ShopFactory(
        story="", whatsapp="", village=None, district=DistrictFactory(), street_address="", postal_code=""
    )
    before = snapshot(shop)

    with pytest.raises(ValidationError) as raised:
        services.shop_submit(shop=shop, actor=owner_of(shop))

    assert {field: [e.code for e in errors] for field, errors in raised.value.error_dict.items()} == {
        "story": ["required"],
        "whatsapp": ["required"],
        "village": ["required"],
        "street_address": ["required"],
        "postal_code": ["required"],
    }
    assert snapshot(shop) == before


@pytest.mark.parametrize("action", ["approve", "reject", "suspend", "reinstate"])
def test_a_non_operator_cannot_review(action):
    status = {"approve": S.SUBMITTED, "reject": S.SUBMITTED, "suspend": S.APPROVED, "reinstate": S.SUSPENDED}[action]
    shop = ShopFactory(status=status)
    before = snapshot(shop)

    with pytest.raises(PermissionDenied):
        act(action, shop, VerifiedUserFactory())

    assert snapshot(shop) == before


def test_the_shops_own_staff_cannot_approve_it():
    shop = ShopFactory(status=S.SUBMITTED)
    staff = ShopMemberFactory(shop=shop).user
    before = snapshot(shop)

    with pytest.raises(PermissionDenied):
        services.shop_approve(shop=shop, operator=staff)

    assert snapshot(shop) == before


def test_an_operator_who_owns_the_shop_cannot_approve_it(operator):
    shop = ShopFactory(status=S.SUBMITTED, owner=operator)
    before = snapshot(shop)

    with pytest.raises(PermissionDenied):
        services.shop_approve(shop=shop, operator=operator)

    assert snapshot(shop) == before


def test_a_superuser_is_an_operator():
    shop = ShopFactory(status=S.SUBMITTED)

    assert services.shop_approve(shop=shop, operator=SuperuserFactory()).status == S.APPROVED


def test_an_inactive_operator_cannot_approve(operator):
    operator.is_active = False
    operator.save()
    shop = ShopFactory(status=S.SUBMITTED)

    with pytest.raises(PermissionDenied):
        services.shop_approve(shop=shop, operator=operator)

    assert Shop.objects.get().status == S.SUBMITTED


@pytest.mark.parametrize("action", ["reject", "suspend"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_suspend_need_a_reason(action, reason, operator):
    shop = ShopFactory(status=S.SUBMITTED if action == "reject" else S.APPROVED)
    before = snapshot(shop)

    with pytest.raises(ValidationError) as raised:
        getattr(services, f"shop_{action}")(shop=shop, operator=operator, reason=reason)

    assert [e.code for e in raised.value.error_dict["reason"]] == ["required"]
    assert snapshot(shop) == before


def test_the_second_of_two_approvals_on_a_stale_instance_is_refused(operator):
    shop = ShopFactory(status=S.SUBMITTED)
    stale_copy = Shop.objects.get(pk=shop.pk)
    services.shop_reject(shop=shop, operator=operator, reason="Belum lengkap.")

    with pytest.raises(ShopStateError):
        services.shop_approve(shop=stale_copy, operator=operator)

    assert Shop.objects.values_list("status", "status_reason").get() == (S.REJECTED, "Belum lengkap.")
