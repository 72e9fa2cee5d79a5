"""The operator API: approve, reject, suspend and reinstate a shop under /api/v1/operator/shops/{slug}/.

Who may call it is in `test_seller_api_matrix.py`; here the outcomes, the refusals and their messages.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import translation
from rest_framework.test import APIClient

from accounts.selectors import OPERATOR_GROUP
from shops.models import Shop
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopFactory, ShopMemberFactory, SubmittedShopFactory
from tests.shops.test_seller_api import indonesian, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _restore_language():
    with translation.override("id"):
        yield


@pytest.fixture
def operator():
    user = VerifiedUserFactory(email="admin@contoh.id")
    user.groups.add(Group.objects.get_or_create(name=OPERATOR_GROUP)[0])
    return user


@pytest.fixture
def api(operator):
    client = APIClient()
    client.force_login(operator)
    return client


def action_url(shop: Shop, action: str) -> str:
    return f"/api/v1/operator/shops/{shop.slug}/{action}/"


def owner_email(shop: Shop) -> str:
    return shop.members.get(role="owner").user.email


def test_operator_approves_a_submitted_shop_and_the_owner_is_mailed(api, operator):
    shop = SubmittedShopFactory()

    response = api.post(action_url(shop, "approve"))

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.status, shop.reviewed_by, shop.status_reason) == (Shop.Status.APPROVED, operator, "")
    body = response.json()
    assert (body["slug"], body["name"], body["status"], body["status_reason"]) == (shop.slug, shop.name, "approved", "")
    assert body["reviewed_at"] is not None
    assert [message.to for message in mail.outbox] == [[owner_email(shop)]]


def test_operator_rejects_a_submitted_shop_with_the_reason(api):
    shop = SubmittedShopFactory()

    response = api.post(action_url(shop, "reject"), {"reason": "  Foto toko belum ada. "}, format="json")

    assert response.status_code == 200
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == (Shop.Status.REJECTED, "Foto toko belum ada.")
    assert response.json()["status_reason"] == "Foto toko belum ada."
    assert len(mail.outbox) == 1
    assert "Foto toko belum ada." in mail.outbox[0].body


def test_operator_suspends_an_approved_shop_and_reinstates_it(api):
    shop = ApprovedShopFactory()

    suspended = api.post(action_url(shop, "suspend"), {"reason": "Banyak keluhan pembeli."}, format="json")

    assert suspended.status_code == 200
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == (Shop.Status.SUSPENDED, "Banyak keluhan pembeli.")

    reinstated = api.post(action_url(shop, "reinstate"))

    assert reinstated.status_code == 200
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == (Shop.Status.APPROVED, "")
    assert reinstated.json()["status"] == "approved"
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("action", ["reject", "suspend"])
@pytest.mark.parametrize("payload", [{}, {"reason": "   "}])
def test_reject_and_suspend_need_a_reason(api, action, payload):
    shop = SubmittedShopFactory() if action == "reject" else ApprovedShopFactory()
    before = snapshot()

    response = api.post(action_url(shop, action), payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": [indonesian("Write the reason; the owner will read it.")]}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "factory", "message", "status"),
    [
        (
            "approve",
            ShopFactory,
            "Only a shop waiting for review can be approved. This shop's status: %(status)s.",
            "Draft",
        ),
        (
            "approve",
            ApprovedShopFactory,
            "Only a shop waiting for review can be approved. This shop's status: %(status)s.",
            "Approved",
        ),
        (
            "reject",
            ApprovedShopFactory,
            "Only a shop waiting for review can be rejected. This shop's status: %(status)s.",
            "Approved",
        ),
        (
            "suspend",
            SubmittedShopFactory,
            "Only an approved shop can be suspended. This shop's status: %(status)s.",
            "Waiting for review",
        ),
        (
            "reinstate",
            ApprovedShopFactory,
            "Only a suspended shop can be reinstated. This shop's status: %(status)s.",
            "Approved",
        ),
    ],
)
def test_an_action_from_the_wrong_status_is_a_conflict_that_names_the_status(api, action, factory, message, status):
    shop = factory()
    before = snapshot()

    response = api.post(action_url(shop, action), {"reason": "Alasan."}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": indonesian(message, status=indonesian(status))}
    assert snapshot() == before


def test_conflict_is_answered_in_english_when_asked(api):
    shop = ShopFactory()

    response = api.post(action_url(shop, "approve"), headers={"Accept-Language": "en"})

    assert response.status_code == 409
    assert response.json() == {"detail": "Only a shop waiting for review can be approved. This shop's status: Draft."}


def test_unknown_shop_is_not_found_for_an_operator_and_forbidden_for_others(api):
    assert api.post("/api/v1/operator/shops/tidak-ada/approve/").status_code == 404

    shopper = APIClient()
    shopper.force_login(VerifiedUserFactory())
    response = shopper.post("/api/v1/operator/shops/tidak-ada/approve/")

    assert response.status_code == 403
    assert response.json() == {"detail": indonesian("Only an operator can review shops.")}


def test_an_operator_cannot_review_a_shop_they_belong_to(api, operator):
    shop = SubmittedShopFactory()
    ShopMemberFactory(shop=shop, user=operator)
    before = snapshot()

    response = api.post(action_url(shop, "approve"))

    assert response.status_code == 403
    assert response.json() == {"detail": indonesian("An operator cannot review a shop they belong to.")}
    assert snapshot() == before


def test_a_superuser_is_an_operator():
    superuser = VerifiedUserFactory(is_superuser=True, is_staff=True)
    shop = SubmittedShopFactory()
    client = APIClient()
    client.force_login(superuser)

    assert client.post(action_url(shop, "approve")).status_code == 200
    shop.refresh_from_db()
    assert shop.status == Shop.Status.APPROVED


def test_an_operator_app_approves_with_the_session_token(operator):
    shop = SubmittedShopFactory()
    app = APIClient()
    login = app.post(
        "/_allauth/app/v1/auth/login", {"email": "admin@contoh.id", "password": DEFAULT_PASSWORD}, format="json"
    )
    token = login.json()["meta"]["session_token"]

    response = app.post(action_url(shop, "approve"), headers={"X-Session-Token": token})

    assert response.status_code == 200
    shop.refresh_from_db()
    assert shop.status == Shop.Status.APPROVED
